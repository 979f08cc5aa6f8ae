package io.assetalerts.udfs.ordering;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.assetalerts.contracts.codec.RejectReason;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.state.HeldTimestamps;
import io.assetalerts.schemas.state.KnownAsset;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.ReadingBatch;
import io.assetalerts.schemas.state.RegisteredReading;
import io.assetalerts.udfs.deadletters.DeadLetterOutput;
import io.assetalerts.udfs.savepoint.StateDescriptors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.util.Collector;

/**
 * Puts each asset's readings in event-time order and joins them with the broadcast asset registry
 * (SPEC 4.2). Readings wait in keyed state until the watermark passes their timestamp, then leave in
 * (timestamp, eventId) order with the asset's current type and location. Readings of an asset not
 * registered yet are held (at most {@code holdCap} per asset) and released, still in order, at the first
 * event-time tick after the registration arrives; a held reading whose timestamp plus {@code grace} is
 * passed by the watermark goes to the DLQ as UNKNOWN_ASSET. A reading at or behind the watermark on arrival
 * goes to the DLQ as LATE_EVENT. Nothing is ever dropped silently.
 */
public class OrderReadingsByEventTime extends KeyedBroadcastProcessFunction<String, Reading, AssetRegistered, RegisteredReading> {


    private static final Comparator<Reading> BY_EVENT_ID = Comparator.comparing(r -> r.getEvent().getEventId());

    private final String job;
    private final String sourceTopic;
    private final long graceMillis;
    private final int holdCap;

    private transient PendingReadings pending;
    private transient ValueState<HeldTimestamps> held;
    private transient Counter processed;
    private transient Counter heldCounter;
    private transient Counter released;
    private transient Counter expired;
    private transient AssetRegistry registry;

    public OrderReadingsByEventTime(String job, String sourceTopic, java.time.Duration grace, int holdCap) {
        this.job = job;
        this.sourceTopic = sourceTopic;
        this.graceMillis = grace.toMillis();
        this.holdCap = holdCap;
    }

    @Override
    public void open(OpenContext openContext) {
        pending = new PendingReadings(getRuntimeContext(), sourceTopic, job);
        held = getRuntimeContext().getState(StateDescriptors.heldTimestamps());
        var metrics = getRuntimeContext().getMetricGroup();
        processed = metrics.counter(OrderingMetrics.METRIC_PROCESSED);
        heldCounter = metrics.counter(OrderingMetrics.METRIC_HELD);
        released = metrics.counter(OrderingMetrics.METRIC_RELEASED);
        expired = metrics.counter(OrderingMetrics.METRIC_EXPIRED);
        registry = new AssetRegistry(metrics);
    }

    @Override
    public void processBroadcastElement(AssetRegistered asset, Context ctx, Collector<RegisteredReading> out)
            throws Exception {
        registry.register(asset, ctx.getBroadcastState(StateDescriptors.KNOWN_ASSETS));
    }

    @Override
    public void processElement(Reading reading, ReadOnlyContext ctx, Collector<RegisteredReading> out) throws Exception {
        pending.add(reading, ctx);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<RegisteredReading> out) throws Exception {
        KnownAsset asset = ctx.getBroadcastState(StateDescriptors.KNOWN_ASSETS).get(ctx.getCurrentKey());
        HeldTimestamps onHold = held.value();
        if (asset != null) {
            if (onHold != null) {
                for (long heldTime : onHold.getTimestamps()) {
                    released.inc(emit(heldTime, asset, out));
                }
                held.clear();
            }
            emit(time, asset, out);
            return;
        }
        List<Long> stillHeld = new ArrayList<>();
        int heldCount = onHold == null ? 0 : onHold.getReadingCount();
        if (onHold != null) {
            for (long heldTime : onHold.getTimestamps()) {
                if (heldTime + graceMillis <= time) {
                    int n = reject(heldTime, ctx, "asset is not registered and the hold of " + graceMillis
                            + " ms event time after the reading has passed");
                    expired.inc(n);
                    heldCount -= n;
                } else {
                    stillHeld.add(heldTime);
                }
            }
        }
        heldCount += hold(time, heldCount, stillHeld, ctx);
        if (stillHeld.isEmpty()) {
            held.clear();
        } else {
            held.update(new HeldTimestamps(stillHeld, heldCount));
        }
    }

    /** Moves the readings stamped {@code time} on hold, up to the cap; returns how many were held. */
    private int hold(long time, int alreadyHeld, List<Long> stillHeld, OnTimerContext ctx) throws Exception {
        ReadingBatch batch = pending.get(time);
        if (batch == null) {
            return 0;
        }
        List<Reading> readings = sorted(batch);
        int room = graceMillis == 0 ? 0 : Math.max(0, holdCap - alreadyHeld);
        if (readings.size() > room) {
            String why = graceMillis == 0
                    ? "asset is not registered (no hold: --unknown-asset-grace is 0)"
                    : "asset is not registered and " + holdCap + " of its readings are already held";
            for (Reading r : readings.subList(room, readings.size())) {
                ctx.output(DeadLetterOutput.TAG,
                        DeadLetterOutput.forReading(r, sourceTopic, job, RejectReason.UNKNOWN_ASSET, why));
            }
            readings = readings.subList(0, room);
        }
        if (readings.isEmpty()) {
            pending.remove(time);
            return 0;
        }
        if (readings.size() != batch.getReadings().size()) {
            pending.put(time, new ReadingBatch(new ArrayList<>(readings)));
        }
        stillHeld.add(time);
        ctx.timerService().registerEventTimeTimer(time + graceMillis);
        heldCounter.inc(readings.size());
        return readings.size();
    }

    private int emit(long time, KnownAsset asset, Collector<RegisteredReading> out) throws Exception {
        ReadingBatch batch = pending.take(time);
        if (batch == null) {
            return 0;
        }
        List<Reading> readings = sorted(batch);
        for (Reading r : readings) {
            out.collect(new RegisteredReading(r, asset.getAssetType(), asset.getLocation()));
        }
        processed.inc(readings.size());
        return readings.size();
    }

    private int reject(long time, OnTimerContext ctx, String why) throws Exception {
        ReadingBatch batch = pending.take(time);
        if (batch == null) {
            return 0;
        }
        for (Reading r : sorted(batch)) {
            ctx.output(DeadLetterOutput.TAG, DeadLetterOutput.forReading(r, sourceTopic, job, RejectReason.UNKNOWN_ASSET, why));
        }
        return batch.getReadings().size();
    }

    private static List<Reading> sorted(ReadingBatch batch) {
        List<Reading> readings = new ArrayList<>(batch.getReadings());
        readings.sort(BY_EVENT_ID);
        return readings;
    }

    /** Runs the join with its registry restored ({@link AssetRegistry#restore}) before the first record. */
    public static final class Operator
            extends CoBroadcastWithKeyedOperator<String, Reading, AssetRegistered, RegisteredReading> {

        public Operator(OrderReadingsByEventTime join) {
            super(join, List.of(StateDescriptors.KNOWN_ASSETS));
        }

        @Override
        public void open() throws Exception {
            super.open();
            ((OrderReadingsByEventTime) userFunction).registry.restore(getOperatorStateBackend());
        }
    }
}
