package io.assetalerts.udfs.functions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.state.AssetRules;
import io.assetalerts.schemas.state.HeldTimestamps;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.ReadingBatch;
import io.assetalerts.schemas.state.ThresholdEpisode;
import io.assetalerts.schemas.state.WindowAccumulator;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.udfs.codec.RejectReason;
import io.assetalerts.udfs.rules.RuleBook;
import io.assetalerts.udfs.rules.SustainedOverheatRule;
import io.assetalerts.udfs.rules.ThresholdRule;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Everything the alert job does per asset after dedupe, in one keyed operator (SPEC 4.2 and 4.1): readings wait in
 * keyed state until the watermark passes them, then leave in (timestamp, eventId) order, are joined with the
 * broadcast asset registry and go through both rules. TEMPERATURE_THRESHOLD alerts are the main output; closed
 * SUSTAINED_OVERHEAT windows go to {@link #WINDOWS} for the CEP pattern; rejected readings to the DLQ.
 *
 * <ul>
 *   <li><b>Late data:</b> a reading at or behind the watermark on arrival is LATE_EVENT.</li>
 *   <li><b>Unknown assets:</b> a reading whose asset is not registered when the watermark passes it is held (at
 *       most {@code holdCap} per asset) and evaluated, in order, at the asset's first event-time tick after its
 *       registration arrives; once the watermark passes its timestamp + {@code grace} it is UNKNOWN_ASSET.</li>
 * </ul>
 *
 * <p>The state is laid out for the hot path (issue 10): a reading's arrival is one RocksDB merge into the pending
 * list (no read), and each watermark tick that releases readings of an asset costs one read of that list, one
 * write or clear, and one read and write of the asset's rule state ({@link AssetRules}), however many readings it
 * releases. Every timer of an asset that fires in one watermark advance after the first finds nothing to do and
 * returns without touching state.
 *
 * <p>Savepoints of the first release kept these in three operators. Their state reaches this one on each asset's
 * first reading after the restore: pending and held readings from this operator's own old states (same uid),
 * the threshold episode and the open window on the reading itself, put there by {@link LegacyStateCarrier}s.
 */
public class AssetEvaluator extends KeyedBroadcastProcessFunction<String, Reading, AssetRegistered, AlertTriggered> {

    public static final MapStateDescriptor<String, AssetRegistered> ASSETS = AssetRegistry.STATE;

    /** Closed SUSTAINED_OVERHEAT windows, one summary per asset and window, in event-time order per asset. */
    public static final OutputTag<WindowSummary> WINDOWS =
            new OutputTag<>("window-summaries", AvroType.forRecord(WindowSummary.class));

    public static final String METRIC_PROCESSED = "telemetryProcessed";
    public static final String METRIC_LATE = "lateRecords";
    public static final String METRIC_HELD = "readingsHeld";
    public static final String METRIC_RELEASED = "heldReadingsReleased";
    public static final String METRIC_EXPIRED = "heldReadingsExpired";
    public static final String METRIC_ASSETS_KNOWN = AssetRegistry.METRIC_ASSETS_KNOWN;

    static final String PENDING_STATE = "pending";
    static final String RULES_STATE = "rules";
    static final String WINDOW_IDS_STATE = "window-event-ids";
    static final String LEGACY_PENDING_STATE = "pending-readings";
    static final String LEGACY_HELD_STATE = "held-timestamps";

    static final Comparator<Reading> EVENT_TIME_ORDER = Comparator
            .comparingLong((Reading r) -> r.getEvent().getTimestamp().toEpochMilli())
            .thenComparing(r -> r.getEvent().getEventId());

    private final String job;
    private final String sourceTopic;
    private final long graceMillis;
    private final int holdCap;
    private final RuleBook rules;

    private transient ListState<Reading> pending;
    private transient ValueState<AssetRules> ruleState;
    private transient ListState<String> windowEventIds;
    private transient MapState<Long, ReadingBatch> legacyPending;
    private transient ValueState<HeldTimestamps> legacyHeld;
    private transient boolean legacyPresent;
    private transient Counter processed;
    private transient Counter late;
    private transient Counter heldCounter;
    private transient Counter released;
    private transient Counter expired;
    private transient Counter thresholdAlerts;
    private transient AssetRegistry registry;
    /** Assets already evaluated at {@link #evaluatedAt}: later timers of theirs in the same advance do nothing. */
    private transient Set<String> evaluated;
    private transient long evaluatedAt;

    public AssetEvaluator(String job, String sourceTopic, Duration grace, int holdCap, RuleBook rules) {
        this.job = job;
        this.sourceTopic = sourceTopic;
        this.graceMillis = grace.toMillis();
        this.holdCap = holdCap;
        this.rules = rules;
    }

    @Override
    public void open(OpenContext openContext) {
        var context = getRuntimeContext();
        pending = context.getListState(new ListStateDescriptor<>(PENDING_STATE, AvroType.forRecord(Reading.class)));
        ruleState = context.getState(new ValueStateDescriptor<>(RULES_STATE, AvroType.forRecord(AssetRules.class)));
        windowEventIds = context.getListState(new ListStateDescriptor<>(WINDOW_IDS_STATE, Types.STRING));
        legacyPending = context.getMapState(new MapStateDescriptor<>(LEGACY_PENDING_STATE, Types.LONG,
                AvroType.forRecord(ReadingBatch.class)));
        legacyHeld = context.getState(new ValueStateDescriptor<>(LEGACY_HELD_STATE,
                AvroType.forRecord(HeldTimestamps.class)));
        var metrics = context.getMetricGroup();
        processed = metrics.counter(METRIC_PROCESSED);
        late = metrics.counter(METRIC_LATE);
        heldCounter = metrics.counter(METRIC_HELD);
        released = metrics.counter(METRIC_RELEASED);
        expired = metrics.counter(METRIC_EXPIRED);
        thresholdAlerts = AlertMetrics.counter(metrics, ThresholdRule.NAME, ThresholdRule.SEVERITY);
        registry = new AssetRegistry(metrics);
        evaluated = new HashSet<>();
        evaluatedAt = Long.MIN_VALUE;
    }

    @Override
    public void processBroadcastElement(AssetRegistered asset, Context ctx, Collector<AlertTriggered> out)
            throws Exception {
        registry.register(asset, ctx.getBroadcastState(ASSETS));
    }

    @Override
    public void processElement(Reading reading, ReadOnlyContext ctx, Collector<AlertTriggered> out) throws Exception {
        registry.countOnce(ctx.getBroadcastState(ASSETS));
        long timestamp = reading.getEvent().getTimestamp().toEpochMilli();
        long watermark = ctx.timerService().currentWatermark();
        if (reading.getLegacyThresholdEpisode() != null || reading.getLegacyOpenWindow() != null) {
            adoptLegacyRuleState(reading, ctx);
        }
        if (legacyPresent) {
            adoptLegacyPending(ctx);
        }
        if (timestamp <= watermark) {
            late.inc();
            ctx.output(DeadLetterOutput.TAG, DeadLetterOutput.forReading(reading, sourceTopic, job,
                    RejectReason.LATE_EVENT, "event time " + reading.getEvent().getTimestamp()
                            + " is not after the watermark " + Instant.ofEpochMilli(watermark)));
            return;
        }
        pending.add(reading);
        ctx.timerService().registerEventTimeTimer(timestamp);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<AlertTriggered> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != evaluatedAt) {
            evaluated.clear();
            evaluatedAt = watermark;
        }
        String assetId = ctx.getCurrentKey();
        if (!evaluated.add(assetId)) {
            return;
        }
        if (legacyPresent) {
            adoptLegacyPending(ctx);
        }
        AssetRegistered asset = ctx.getBroadcastState(ASSETS).get(assetId);
        List<Reading> due = new ArrayList<>();
        List<Reading> waiting = new ArrayList<>();
        Iterable<Reading> stored = pending.get();
        if (stored != null) {
            for (Reading r : stored) {
                (r.getEvent().getTimestamp().toEpochMilli() <= watermark ? due : waiting).add(r);
            }
        }
        due.sort(EVENT_TIME_ORDER);
        if (asset != null) {
            evaluate(due, asset, watermark, ctx, out);
        } else {
            waiting.addAll(hold(due, watermark, ctx));
        }
        if (!due.isEmpty()) {
            if (waiting.isEmpty()) {
                pending.clear();
            } else {
                pending.update(waiting);
            }
        }
    }

    /**
     * Runs both rules over readings released in event-time order, and closes a window the watermark passed. The
     * open window's eventIds are kept apart from the rule state ({@code window-event-ids}, appended without a
     * read) and only read when the window closes, so the rule state stays small.
     */
    private void evaluate(List<Reading> due, AssetRegistered asset, long watermark, OnTimerContext ctx,
            Collector<AlertTriggered> out) throws Exception {
        AssetRules state = ruleState.value();
        WindowAccumulator window = state == null ? null : state.getWindow();
        boolean windowDue = isOpen(window) && window.getWindowEnd() - 1 <= watermark;
        if (due.isEmpty() && !windowDue) {
            return;
        }
        if (state == null) {
            state = new AssetRules(null, null);
        }
        boolean idsInMemory = !isOpen(window);
        String type = asset.getAssetType();
        var settings = rules.forType(type);
        for (Reading r : due) {
            if (r.getHeld()) {
                released.inc();
            }
            ThresholdRule.Step threshold = ThresholdRule.apply(state.getThreshold(), r.getEvent(), type,
                    asset.getLocation(), settings.critical());
            state.setThreshold(threshold.next());
            if (threshold.alert() != null) {
                thresholdAlerts.inc();
                out.collect(threshold.alert());
            }
            window = state.getWindow();
            if (!idsInMemory && r.getEvent().getTimestamp().toEpochMilli() >= window.getWindowEnd()) {
                loadEventIds(window);
                idsInMemory = true;
            }
            SustainedOverheatRule.Step step = SustainedOverheatRule.add(window, r.getEvent(), type,
                    asset.getLocation(), settings);
            if (step.closed() != null) {
                ctx.output(WINDOWS, step.closed());
            }
            state.setWindow(step.open());
            if (step.opened()) {
                ctx.timerService().registerEventTimeTimer(step.open().getWindowEnd() - 1);
            }
        }
        processed.inc(due.size());
        window = state.getWindow();
        if (isOpen(window) && window.getWindowEnd() - 1 <= watermark) {
            if (!idsInMemory) {
                loadEventIds(window);
                idsInMemory = true;
            }
            WindowSummary closed = SustainedOverheatRule.close(window, ctx.getCurrentKey(),
                    rules.forType(window.getAssetType()).warn());
            ctx.output(WINDOWS, closed);
            window = SustainedOverheatRule.afterClose(closed);
            state.setWindow(window);
        }
        if (isOpen(window)) {
            if (idsInMemory) {
                windowEventIds.update(window.getEventIds());
            } else {
                windowEventIds.addAll(window.getEventIds());
            }
            window.setEventIds(new ArrayList<>());
        } else if (idsInMemory) {
            windowEventIds.clear();
        }
        ruleState.update(state);
    }

    private static boolean isOpen(WindowAccumulator window) {
        return window != null && window.getCount() > 0;
    }

    /** Puts the stored eventIds of the open window in front of the ones this batch added. */
    private void loadEventIds(WindowAccumulator window) throws Exception {
        List<String> ids = new ArrayList<>();
        Iterable<String> stored = windowEventIds.get();
        if (stored != null) {
            stored.forEach(ids::add);
        }
        ids.addAll(window.getEventIds());
        window.setEventIds(ids);
    }

    /**
     * Readings the watermark passed while their asset is unknown: kept (marked held) up to the cap and until
     * timestamp + grace; the rest go to the DLQ as UNKNOWN_ASSET. Returns the ones kept.
     */
    private List<Reading> hold(List<Reading> due, long watermark, OnTimerContext ctx) {
        List<Reading> kept = new ArrayList<>();
        int alreadyHeld = 0;
        for (Reading r : due) {
            if (r.getHeld()) {
                alreadyHeld++;
            }
        }
        int room = graceMillis == 0 ? 0 : Math.max(0, holdCap - alreadyHeld);
        for (Reading r : due) {
            long timestamp = r.getEvent().getTimestamp().toEpochMilli();
            if (r.getHeld() || (graceMillis > 0 && timestamp + graceMillis <= watermark)) {
                if (timestamp + graceMillis <= watermark) {
                    expired.inc();
                    ctx.output(DeadLetterOutput.TAG, DeadLetterOutput.forReading(r, sourceTopic, job,
                            RejectReason.UNKNOWN_ASSET, "asset is not registered and the hold of " + graceMillis
                                    + " ms event time after the reading has passed"));
                } else {
                    kept.add(r);
                }
            } else if (room > 0) {
                room--;
                r.setHeld(true);
                heldCounter.inc();
                kept.add(r);
                ctx.timerService().registerEventTimeTimer(timestamp + graceMillis);
            } else {
                String why = graceMillis == 0
                        ? "asset is not registered (no hold: --unknown-asset-grace is 0)"
                        : "asset is not registered and " + holdCap + " of its readings are already held";
                ctx.output(DeadLetterOutput.TAG,
                        DeadLetterOutput.forReading(r, sourceTopic, job, RejectReason.UNKNOWN_ASSET, why));
            }
        }
        return kept;
    }

    /** A first-release threshold episode or open window, carried here on the asset's first reading. */
    private void adoptLegacyRuleState(Reading reading, ReadOnlyContext ctx) throws Exception {
        AssetRules state = ruleState.value();
        if (state == null) {
            state = new AssetRules(null, null);
        }
        ThresholdEpisode episode = reading.getLegacyThresholdEpisode();
        if (episode != null && state.getThreshold() == null) {
            state.setThreshold(episode);
        }
        WindowAccumulator window = reading.getLegacyOpenWindow();
        if (window != null && state.getWindow() == null) {
            if (isOpen(window)) {
                windowEventIds.update(window.getEventIds());
                ctx.timerService().registerEventTimeTimer(window.getWindowEnd() - 1);
            }
            window.setEventIds(new ArrayList<>());
            state.setWindow(window);
        }
        ruleState.update(state);
        reading.setLegacyThresholdEpisode(null);
        reading.setLegacyOpenWindow(null);
    }

    /** The first release's pending and held readings of the current asset, moved into {@code pending}. */
    private void adoptLegacyPending(ReadOnlyContext ctx) throws Exception {
        HeldTimestamps onHold = legacyHeld.value();
        Set<Long> heldTimes = new HashSet<>(onHold == null ? List.of() : onHold.getTimestamps());
        List<Reading> moved = new ArrayList<>();
        for (Map.Entry<Long, ReadingBatch> batch : legacyPending.entries()) {
            for (Reading r : batch.getValue().getReadings()) {
                r.setHeld(heldTimes.contains(batch.getKey()));
                moved.add(r);
            }
            ctx.timerService().registerEventTimeTimer(batch.getKey());
        }
        if (!moved.isEmpty()) {
            pending.addAll(moved);
            legacyPending.clear();
        }
        legacyHeld.clear();
    }

    /**
     * Runs the evaluator and tells it, once at start, whether the restored state still holds pending readings in
     * the first release's layout, so that a job that never restored such a savepoint never looks for them.
     */
    public static final class Operator
            extends CoBroadcastWithKeyedOperator<String, Reading, AssetRegistered, AlertTriggered> {

        public Operator(AssetEvaluator evaluator) {
            super(evaluator, List.of(ASSETS));
        }

        @Override
        public void open() throws Exception {
            super.open();
            KeyedStateBackend<String> backend = getKeyedStateBackend();
            boolean present;
            try (Stream<String> keys = backend.getKeys(LEGACY_PENDING_STATE, VoidNamespace.INSTANCE)) {
                present = keys.findAny().isPresent();
            }
            try (Stream<String> keys = backend.getKeys(LEGACY_HELD_STATE, VoidNamespace.INSTANCE)) {
                present |= keys.findAny().isPresent();
            }
            ((AssetEvaluator) userFunction).legacyPresent = present;
        }
    }
}
