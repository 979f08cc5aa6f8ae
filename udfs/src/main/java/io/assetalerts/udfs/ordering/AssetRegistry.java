package io.assetalerts.udfs.ordering;

import io.assetalerts.schemas.AssetRegistered;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.metrics.MetricGroup;

/**
 * The broadcast asset registry (SPEC 4: assets become broadcast state) as both registry joins keep it: the state
 * descriptor, applying a registration (a re-registration replaces type and location from then on), and the
 * {@code assetsKnown} gauge, counted from the restored state once and kept up to date after that.
 */
public final class AssetRegistry {


    public static final String METRIC_ASSETS_KNOWN = "assetsKnown";

    private long known;
    private boolean counted;

    public AssetRegistry(MetricGroup metrics) {
        metrics.gauge(METRIC_ASSETS_KNOWN, () -> known);
    }

    public void register(AssetRegistered asset, BroadcastState<String, AssetRegistered> registry) throws Exception {
        countOnce(registry);
        if (!registry.contains(asset.getAssetId())) {
            known++;
        }
        registry.put(asset.getAssetId(), asset);
    }

    /** Counts the registry restored from a checkpoint, the first time a subtask sees it. */
    public void countOnce(ReadOnlyBroadcastState<String, AssetRegistered> registry) throws Exception {
        if (!counted) {
            long n = 0;
            for (var ignored : registry.immutableEntries()) {
                n++;
            }
            known = n;
            counted = true;
        }
    }
}
