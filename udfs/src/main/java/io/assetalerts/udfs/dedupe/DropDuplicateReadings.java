package io.assetalerts.udfs.dedupe;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import io.assetalerts.schemas.state.Control;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.udfs.evaluator.LegacyStateCarrier;
import io.assetalerts.udfs.savepoint.StateDescriptors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.types.Either;
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
 *
 * <p>Dedupe is also where the evaluator's chain begins: its second input is the broadcast {@link Control} stream
 * (registrations and rule changes), which it passes on untouched, so that dedupe, the legacy carriers and the
 * evaluator run as one chain in one task and readings reach the rules without a network hop (issue 10). Up to
 * this release the evaluator took that broadcast input itself, which kept it out of dedupe's chain.
 */
public class DropDuplicateReadings
        extends KeyedBroadcastProcessFunction<String, Reading, Control, Either<Reading, Control>> {

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
    public void processElement(Reading reading, ReadOnlyContext ctx, Collector<Either<Reading, Control>> out)
            throws Exception {
        if (reading.getRegistration() != null) {
            out.collect(Either.Left(reading)); // a registration marker on its way to the evaluator
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
        out.collect(Either.Left(reading));
    }

    /** A registration or rule change for the evaluator, which this subtask's chain passes on as it is. */
    @Override
    public void processBroadcastElement(Control control, Context ctx, Collector<Either<Reading, Control>> out) {
        out.collect(Either.Right(control));
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Either<Reading, Control>> out) throws Exception {
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

    private void migrateLegacy(long timestamp, ReadOnlyContext ctx) throws Exception {
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
     * eventIds in the first version's layout (only an operator sees which keys a state has). It keeps no broadcast
     * state. Its keyed state and timers are those of the one-input operator of earlier releases (same uid, same
     * state names, the same "user-timers" timer service), so their savepoints restore into it.
     */
    public static final class DedupeOperator
            extends CoBroadcastWithKeyedOperator<String, Reading, Control, Either<Reading, Control>> {

        public DedupeOperator(Duration ttl) {
            super(new DropDuplicateReadings(ttl), java.util.List.of());
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
