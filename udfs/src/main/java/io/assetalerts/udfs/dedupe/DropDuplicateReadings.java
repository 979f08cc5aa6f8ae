package io.assetalerts.udfs.dedupe;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

import io.assetalerts.schemas.state.Reading;
import io.assetalerts.udfs.evaluator.LegacyStateCarrier;
import io.assetalerts.udfs.savepoint.StateDescriptors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;

/**
 * Idempotent input (SPEC 4.2), in event time: a reading whose eventId was seen before for the same asset, at an
 * event timestamp less than {@code ttl} away, is dropped and counted, so a re-sent reading is never counted twice
 * by any rule. Keyed by assetId.
 *
 * <p>Each eventId is kept with the event timestamp of its reading ({@code event-ids}: eventId -> epoch millis).
 * Whether a reading is a duplicate depends on the two readings' timestamps alone, never on the wall clock or on
 * when state was cleaned, so a savepoint of any age and a replay drop the same readings. Clean-up runs on
 * event-time timers coalesced per asset into buckets of a quarter of the ttl: once the watermark passes a bucket's
 * end, every eventId whose timestamp + ttl is behind it is removed (a later reading of that id would be more
 * than ttl after it, so no longer a duplicate). State is therefore bounded by 1.25 x ttl of event time per asset.
 *
 * <p>Savepoints of the first version kept eventIds in {@code seen-event-ids} with a processing-time TTL and no
 * event timestamp. They are read with the TTL switched off in effect (a very long TTL, no background clean-up) and
 * moved, on the asset's first reading after the restore, into {@code event-ids}, stamped with that reading's
 * timestamp: each is then remembered for at least ttl of event time after the restore, as long as or longer than
 * before. {@link DedupeOperator} checks once at start whether any such state is left, so a job that never
 * restored an old savepoint pays nothing for the migration.
 */
public class DropDuplicateReadings extends KeyedProcessFunction<String, Reading, Reading> {

    public static final String METRIC_DUPLICATES = "duplicatesDropped";
    public static final String METRIC_MIGRATED = "legacyDedupeAssetsMigrated";


    private final long ttlMillis;
    private final long bucketMillis;
    private transient MapState<String, Long> seen;
    private transient MapState<String, Boolean> legacy;
    private transient Counter duplicates;
    private transient Counter migrated;
    private transient boolean legacyPresent;
    /**
     * EventIds seen since the state was last written, by asset (issue 10): looked up before the state, and written
     * to {@code event-ids} in one batch per asset at each checkpoint, or once {@link #UNWRITTEN_LIMIT} are waiting,
     * instead of one write per reading.
     */
    private transient Map<String, Map<String, Long>> unwritten;
    private transient int unwrittenCount;
    /** The clean-up timer each asset registered since the state was last written, so it is registered once. */
    private transient Map<String, Long> cleanupRegistered;

    /** EventIds on the heap at most before they are written (memory bound, per subtask). */
    static final int UNWRITTEN_LIMIT = 100_000;

    public DropDuplicateReadings(Duration ttl) {
        this.ttlMillis = ttl.toMillis();
        this.bucketMillis = Math.max(1, ttlMillis / 4);
    }


    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getMapState(StateDescriptors.seenEventIds());
        legacy = getRuntimeContext().getMapState(StateDescriptors.legacySeenEventIds());
        duplicates = getRuntimeContext().getMetricGroup().counter(METRIC_DUPLICATES);
        migrated = getRuntimeContext().getMetricGroup().counter(METRIC_MIGRATED);
        unwritten = new HashMap<>();
        cleanupRegistered = new HashMap<>();
    }

    @Override
    public void processElement(Reading reading, Context ctx, Collector<Reading> out) throws Exception {
        if (reading.getRegistration() != null) {
            out.collect(reading); // a registration marker on its way to the evaluator
            return;
        }
        long timestamp = reading.getEvent().getTimestamp().toEpochMilli();
        if (legacyPresent) {
            migrateLegacy(timestamp, ctx);
        }
        String assetId = ctx.getCurrentKey();
        String eventId = reading.getEvent().getEventId();
        Map<String, Long> recent = unwritten.get(assetId);
        Long seenAt = recent == null ? null : recent.get(eventId);
        if (seenAt == null) {
            seenAt = seen.get(eventId);
        }
        if (seenAt != null && Math.abs(timestamp - seenAt) < ttlMillis) {
            duplicates.inc();
            return;
        }
        if (recent == null) {
            recent = new HashMap<>();
            unwritten.put(assetId, recent);
        }
        if (recent.put(eventId, timestamp) == null) {
            unwrittenCount++;
        }
        long cleanup = cleanupTime(timestamp);
        Long registered = cleanupRegistered.put(assetId, cleanup);
        if (registered == null || registered != cleanup) {
            ctx.timerService().registerEventTimeTimer(cleanup);
        }
        out.collect(reading);
    }

    /** Writes the eventIds seen since the last write to {@code event-ids}, through the operator's key. */
    void writeSeen(Consumer<String> setKey) throws Exception {
        for (Map.Entry<String, Map<String, Long>> ofAsset : unwritten.entrySet()) {
            setKey.accept(ofAsset.getKey());
            seen.putAll(ofAsset.getValue());
        }
        unwritten.clear();
        unwrittenCount = 0;
        cleanupRegistered.clear();
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Reading> out) throws Exception {
        Iterator<Long> timestamps = seen.values().iterator();
        while (timestamps.hasNext()) {
            if (timestamps.next() + ttlMillis <= time) {
                timestamps.remove();
            }
        }
        cleanupRegistered.remove(ctx.getCurrentKey(), time);
        Map<String, Long> recent = unwritten.get(ctx.getCurrentKey());
        if (recent != null) {
            int before = recent.size();
            recent.values().removeIf(seenAt -> seenAt + ttlMillis <= time);
            unwrittenCount -= before - recent.size();
        }
    }

    /** The end of the clean-up bucket in which an eventId seen at {@code timestamp} stops being needed. */
    long cleanupTime(long timestamp) {
        long expiry = timestamp + ttlMillis;
        return expiry - Math.floorMod(expiry, bucketMillis) + bucketMillis;
    }

    private void migrateLegacy(long timestamp, Context ctx) throws Exception {
        Iterator<String> ids = legacy.keys().iterator();
        if (!ids.hasNext()) {
            return;
        }
        while (ids.hasNext()) {
            String id = ids.next();
            if (!seen.contains(id)) {
                seen.put(id, timestamp);
            }
        }
        legacy.clear();
        ctx.timerService().registerEventTimeTimer(cleanupTime(timestamp));
        migrated.inc();
    }

    /**
     * Runs {@link DropDuplicateReadings} and tells it, once at start, whether the restored state still holds
     * eventIds in the first version's layout (only an operator sees which keys a state has).
     */
    public static final class DedupeOperator extends KeyedProcessOperator<String, Reading, Reading> {

        public DedupeOperator(Duration ttl) {
            super(new DropDuplicateReadings(ttl));
        }

        @Override
        public void open() throws Exception {
            super.open();
            dedupe().legacyPresent =
                    LegacyStateCarrier.hasEntries(getKeyedStateBackend(), StateDescriptors.LEGACY_SEEN_EVENT_IDS);
        }

        @Override
        public void processElement(StreamRecord<Reading> element) throws Exception {
            if (dedupe().unwrittenCount >= UNWRITTEN_LIMIT) {
                Object key = getCurrentKey();
                dedupe().writeSeen(this::setCurrentKey);
                setCurrentKey(key);
            }
            super.processElement(element);
        }

        @Override
        public void snapshotState(StateSnapshotContext context) throws Exception {
            dedupe().writeSeen(this::setCurrentKey);
            super.snapshotState(context);
        }

        private DropDuplicateReadings dedupe() {
            return (DropDuplicateReadings) userFunction;
        }
    }
}
