package io.assetalerts.udfs.ordering;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.state.KnownAsset;
import io.assetalerts.udfs.savepoint.StateDescriptors;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.metrics.MetricGroup;

/**
 * The broadcast asset registry (SPEC 4: assets become broadcast state) as both registry joins keep it: applying a
 * registration (a re-registration replaces type and location from then on), the restore, and the
 * {@code assetsKnown} gauge.
 *
 * <p>Every subtask holds the whole registry on its heap, so its size per asset decides how many assets a
 * TaskManager can hold: {@link StateDescriptors#KNOWN_ASSETS} keeps only the type and location an alert carries,
 * and one instance of each distinct type and location string is shared by all the assets that have it. A
 * registry of the earlier layout ({@link StateDescriptors#LEGACY_ASSET_REGISTRY}, whole registrations) is moved
 * into it once, at start.
 */
public final class AssetRegistry {

    public static final String METRIC_ASSETS_KNOWN = "assetsKnown";

    /** Distinct type and location strings shared, at most this many (beyond, each asset keeps its own). */
    static final int SHARED_STRINGS_LIMIT = 100_000;

    private final Map<String, String> shared = new HashMap<>();
    private long known;

    public AssetRegistry(MetricGroup metrics) {
        metrics.gauge(METRIC_ASSETS_KNOWN, () -> known);
    }

    /**
     * At start, from the operator ({@code open}, after the restore): moves a registry of the earlier layout into
     * {@code known-assets} and empties it, shares the restored strings, and counts the assets.
     */
    public void restore(OperatorStateStore store) throws Exception {
        BroadcastState<String, KnownAsset> assets = store.getBroadcastState(StateDescriptors.KNOWN_ASSETS);
        // only a restored savepoint of the earlier layout has it: a job started fresh never creates it
        if (store.getRegisteredBroadcastStateNames().contains(StateDescriptors.LEGACY_ASSET_REGISTRY.getName())) {
            BroadcastState<String, AssetRegistered> legacy =
                    store.getBroadcastState(StateDescriptors.LEGACY_ASSET_REGISTRY);
            Iterator<Map.Entry<String, AssetRegistered>> earlier = legacy.iterator();
            while (earlier.hasNext()) {
                Map.Entry<String, AssetRegistered> entry = earlier.next();
                assets.put(entry.getKey(), knownAsset(entry.getValue()));
            }
            legacy.clear();
        }
        long n = 0;
        for (Map.Entry<String, KnownAsset> entry : assets.entries()) {
            shareStrings(entry.getValue());
            n++;
        }
        known = n;
    }

    public void register(AssetRegistered asset, BroadcastState<String, KnownAsset> assets) throws Exception {
        if (!assets.contains(asset.getAssetId())) {
            known++;
        }
        assets.put(asset.getAssetId(), shareStrings(knownAsset(asset)));
    }

    /** What the registry keeps of a registration: its type, location and timestamp. */
    public static KnownAsset knownAsset(AssetRegistered asset) {
        return new KnownAsset(asset.getAssetType(), asset.getLocation(), asset.getTimestamp().toEpochMilli());
    }

    private KnownAsset shareStrings(KnownAsset asset) {
        asset.setAssetType(share(asset.getAssetType()));
        asset.setLocation(share(asset.getLocation()));
        return asset;
    }

    private String share(String value) {
        String kept = shared.get(value);
        if (kept != null) {
            return kept;
        }
        if (shared.size() < SHARED_STRINGS_LIMIT) {
            shared.put(value, value);
        }
        return value;
    }
}
