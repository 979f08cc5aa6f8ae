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
 * timer of its own; a checkpoint copies the ones still waiting into the evaluator's operator state
 * ({@code AssetEvaluator.Operator}), so a savepoint holds every reading not yet evaluated.
 *
 * <p>Bounded by what is in flight: readings younger than the watermark, about the out-of-orderness times the
 * input rate of the subtask.
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

    /** Every waiting reading, by timestamp and asset (a copy, for a checkpoint). */
    public List<Reading> all() {
        List<Reading> all = new ArrayList<>((int) size);
        for (Map<String, List<Reading>> assets : byTimestamp.values()) {
            for (List<Reading> readings : assets.values()) {
                all.addAll(readings);
            }
        }
        return all;
    }

    public long size() {
        return size;
    }

}
