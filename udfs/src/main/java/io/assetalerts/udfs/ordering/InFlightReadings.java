package io.assetalerts.udfs.ordering;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.assetalerts.schemas.state.Reading;

/**
 * The readings of one subtask that the watermark has not passed yet, on the heap, by event timestamp and asset
 * (issue 10). A reading arrives, waits here and leaves when the watermark passes it, with no state access and no
 * timer of its own; at a checkpoint the ones still waiting are written to {@code pending-readings} with a timer
 * each, the layout every earlier release kept them in (see {@code AssetEvaluator.Operator}), so a savepoint holds
 * every reading not yet evaluated and restores into any release.
 *
 * <p>Bounded by what is in flight: readings younger than the watermark, about the out-of-orderness times the
 * input rate of the subtask, and emptied at every checkpoint.
 */
public final class InFlightReadings {

    private final TreeMap<Long, Map<String, List<Reading>>> byTimestamp = new TreeMap<>();
    private long size;

    public void add(String assetId, long timestamp, Reading reading) {
        byTimestamp.computeIfAbsent(timestamp, t -> new HashMap<>())
                .computeIfAbsent(assetId, a -> new ArrayList<>(1))
                .add(reading);
        size++;
    }

    /** The asset's readings stamped {@code timestamp}, removed; null if there are none. */
    public List<Reading> take(String assetId, long timestamp) {
        Map<String, List<Reading>> assets = byTimestamp.get(timestamp);
        if (assets == null) {
            return null;
        }
        List<Reading> readings = assets.remove(assetId);
        if (readings != null) {
            size -= readings.size();
            if (assets.isEmpty()) {
                byTimestamp.remove(timestamp);
            }
        }
        return readings;
    }

    /** The earliest timestamp with readings waiting, if it is at or before {@code watermark}; else null. */
    public Long firstDue(long watermark) {
        if (byTimestamp.isEmpty()) {
            return null;
        }
        long first = byTimestamp.firstKey();
        return first <= watermark ? first : null;
    }

    /** The assets with readings stamped {@code timestamp} (a copy: taking them while iterating is fine). */
    public List<String> assetsAt(long timestamp) {
        Map<String, List<Reading>> assets = byTimestamp.get(timestamp);
        return assets == null ? List.of() : new ArrayList<>(assets.keySet());
    }

    /** Hands every waiting reading to {@code sink}, by timestamp and asset, and forgets them. */
    public void drain(Sink sink) throws Exception {
        for (var atTimestamp : byTimestamp.entrySet()) {
            for (var ofAsset : atTimestamp.getValue().entrySet()) {
                sink.accept(ofAsset.getKey(), atTimestamp.getKey(), ofAsset.getValue());
            }
        }
        byTimestamp.clear();
        size = 0;
    }

    public long size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Where {@link #drain} puts the readings. */
    @FunctionalInterface
    public interface Sink {
        void accept(String assetId, long timestamp, List<Reading> readings) throws Exception;
    }
}
