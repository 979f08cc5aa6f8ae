package io.assetalerts.udfs.dedupe;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import io.assetalerts.schemas.state.Reading;
import io.assetalerts.udfs.evaluator.LegacyStateCarrier;
import io.assetalerts.udfs.savepoint.StateDescriptors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
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
     * The clean-up timer each asset registered since the last checkpoint, so that it is registered once per bucket
     * instead of once per reading (issue 10); emptied at each checkpoint, so it holds only recently active assets.
     */
    private transient Map<String, Long> cleanupRegistered;

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
        String eventId = reading.getEvent().getEventId();
        Long seenAt = seen.get(eventId);
        if (seenAt != null && Math.abs(timestamp - seenAt) < ttlMillis) {
            duplicates.inc();
            return;
        }
        seen.put(eventId, timestamp);
        long cleanup = cleanupTime(timestamp);
        Long registered = cleanupRegistered.put(ctx.getCurrentKey(), cleanup);
        if (registered == null || registered != cleanup) {
            ctx.timerService().registerEventTimeTimer(cleanup);
        }
        out.collect(reading);
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
        public void snapshotState(StateSnapshotContext context) throws Exception {
            dedupe().cleanupRegistered.clear();
            super.snapshotState(context);
        }

        private DropDuplicateReadings dedupe() {
            return (DropDuplicateReadings) userFunction;
        }
    }
}
