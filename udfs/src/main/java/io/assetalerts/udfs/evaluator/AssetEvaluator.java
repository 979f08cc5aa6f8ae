package io.assetalerts.udfs.evaluator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.assetalerts.contracts.codec.RejectReason;
import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.RuleSet;
import io.assetalerts.schemas.state.AlertEvent;
import io.assetalerts.schemas.state.AssetRules;
import io.assetalerts.schemas.state.KnownAsset;
import io.assetalerts.schemas.state.Control;
import io.assetalerts.schemas.state.HeldTimestamps;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.ReadingBatch;
import io.assetalerts.schemas.state.RuleChange;
import io.assetalerts.schemas.state.RuleHistory;
import io.assetalerts.schemas.state.ThresholdEpisode;
import io.assetalerts.schemas.state.WindowAccumulator;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.udfs.deadletters.DeadLetterOutput;
import io.assetalerts.udfs.ordering.AssetRegistry;
import io.assetalerts.udfs.ordering.InFlightReadings;
import io.assetalerts.udfs.ordering.OrderingMetrics;
import io.assetalerts.udfs.ordering.PendingReadings;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.udfs.rules.RuleSnapshot;
import io.assetalerts.contracts.rules.RuleVersions;
import io.assetalerts.udfs.rules.silence.AssetSilence;
import io.assetalerts.udfs.rules.sustained.SustainedOverheatRule;
import io.assetalerts.udfs.rules.threshold.ThresholdRule;
import io.assetalerts.udfs.savepoint.StateDescriptors;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.TimerHeapInternalTimer;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.Preconditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>The hot path makes no state access per reading (issue 10): an arriving reading waits on the heap
 * ({@link InFlightReadings}) and {@link Operator} evaluates it when the watermark passes it, interleaved with the
 * asset's timers in event-time order; the asset's small rule state ({@link AssetRules}) is read once, kept on the
 * heap and written back at the next checkpoint, with the open window's eventIds added meanwhile. A checkpoint holds
 * the in-flight readings in the operator's list state and the rule state in {@code rules} as every release
 * wrote it; readings an earlier release left in {@code pending-readings} are still taken by their timers, so
 * savepoints of this and earlier releases restore either way.
 *
 * <p>The broadcast input carries registrations and rule changes ({@link Control}). Rule versions are broadcast state
 * ({@link #RULES}, the same on every subtask) and judge each reading by its event timestamp ({@link RuleVersions}); the
 * rules topic as read at submission ({@link RuleSnapshot}) is applied before the first reading, and its records are
 * skipped when the stream delivers them again. A version arriving after event time passed its effectiveFrom is counted
 * ({@value #METRIC_LATE_RULES}) and applies from then on; nothing already judged is judged again.
 *
 * <p>Savepoints of the first release kept these in three operators. Their state reaches this one on each asset's
 * first reading or timer after the restore: pending readings are this operator's own old state (same uid, same
 * name and layout), held timestamps are moved from their old state, and the threshold episode and the open window
 * arrive on the reading itself, put there by {@link LegacyStateCarrier}s.
 */
public class AssetEvaluator extends KeyedBroadcastProcessFunction<String, Reading, Control, AlertEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(AssetEvaluator.class);

    /** Closed SUSTAINED_OVERHEAT windows, one summary per asset and window, in event-time order per asset. */
    public static final OutputTag<WindowSummary> WINDOWS =
            new OutputTag<>("window-summaries", AvroType.forRecord(WindowSummary.class));

    public static final String METRIC_RULE_CHANGES = "ruleChangesApplied";
    /** Alerts and ends flapping control held back: {@code rule.TEMPERATURE_THRESHOLD.alertsSuppressed}. */
    public static final String METRIC_SUPPRESSED = "alertsSuppressed";
    /** Open alerts by rule, a gauge: {@code rule.<RULE>.openEpisodes}. */
    public static final String METRIC_OPEN = "openEpisodes";
    public static final String METRIC_LATE_RULES = "ruleVersionsLate";
    public static final String METRIC_RULE_SCOPES = "ruleScopes";
    public static final String METRIC_RULE_VERSIONS = "ruleVersionsKept";
    public static final String METRIC_DEFAULT_VERSION = "ruleDefaultVersion";
    /** Readings on the heap that the watermark has not passed yet (a gauge). */
    public static final String METRIC_IN_FLIGHT = "readingsInFlight";
    /**
     * Readings waiting for the watermark on the heap, at most, per subtask; more wait in RocksDB. In a replay or a
     * backlog the watermark trails the newest readings by the out-of-orderness plus the skew between partitions,
     * which can be many seconds of event time for every asset: the bound keeps that off the heap (about 300 bytes a
     * reading).
     */
    static final int IN_FLIGHT_LIMIT = 100_000;
    /** Rule states cached on the heap per subtask before they are written at a watermark (memory bound). */
    static final int RULES_CACHE_LIMIT = 50_000;


    static final Comparator<Reading> EVENT_TIME_ORDER = Comparator
            .comparingLong((Reading r) -> r.getEvent().getTimestamp().toEpochMilli())
            .thenComparing(r -> r.getEvent().getEventId());

    private final String job;
    private final String sourceTopic;
    private final long graceMillis;
    private final int holdCap;
    private final RuleBook baseline;
    private final RuleSnapshot snapshot;
    private final long silenceAfterMillis;

    private transient RuleVersions rules;
    private transient boolean rulesLoaded;
    private transient Counter ruleChanges;
    private transient Counter lateRules;
    private transient PendingReadings pending;
    /** Arrived readings the watermark has not passed, on the heap until it does (a checkpoint copies them). */
    private transient InFlightReadings inFlight;
    /** True while {@link Operator} evaluates in-flight readings: they have no entry in {@code pending-readings}. */
    private transient boolean inFlightTick;
    private int inFlightLimit = IN_FLIGHT_LIMIT;
    private transient ValueState<AssetRules> ruleState;
    /**
     * Rule states read since the last checkpoint, by asset, and which of them changed: every tick of an asset
     * reads and changes its rule state, so it stays on the heap and is written once per checkpoint (or when
     * {@link #RULES_CACHE_LIMIT} assets are cached) instead of once per tick.
     */
    private transient java.util.HashMap<String, AssetRules> rulesCache;
    private transient java.util.HashSet<String> rulesDirty;
    private transient ListState<String> windowEventIds;
    private transient ValueState<HeldTimestamps> legacyHeld;
    private transient boolean legacyPresent;
    private transient Counter processed;
    private transient Counter heldCounter;
    private transient Counter released;
    private transient Counter expired;
    private transient Counter thresholdAlerts;
    private transient Counter thresholdResolved;
    private transient Counter sustainedResolved;
    private transient Counter flappingAlerts;
    private transient Counter flappingResolved;
    private transient Counter thresholdSuppressed;
    private transient Counter silentAlerts;
    private transient Counter silentResolved;
    /** Open alerts of this subtask's assets, by rule ({@link #OPEN_RULES}): counted from state at start, then kept. */
    private transient long[] openEpisodes;
    private transient AssetRegistry registry;

    public AssetEvaluator(String job, String sourceTopic, Duration grace, int holdCap, RuleBook baseline,
            RuleSnapshot snapshot, Duration silenceAfter) {
        this.job = job;
        this.sourceTopic = sourceTopic;
        this.graceMillis = grace.toMillis();
        this.holdCap = holdCap;
        this.baseline = baseline;
        this.snapshot = snapshot;
        this.silenceAfterMillis = silenceAfter.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        var context = getRuntimeContext();
        pending = new PendingReadings(context, sourceTopic, job);
        // only AssetEvaluator.Operator moves event time forward for the readings on the heap
        Preconditions.checkState(inFlight != null, "AssetEvaluator runs in AssetEvaluator.Operator");
        ruleState = context.getState(StateDescriptors.assetRules());
        rulesCache = new java.util.HashMap<>();
        rulesDirty = new java.util.HashSet<>();
        windowEventIds = context.getListState(StateDescriptors.windowEventIds());
        legacyHeld = context.getState(StateDescriptors.heldTimestamps());
        var metrics = context.getMetricGroup();
        processed = metrics.counter(OrderingMetrics.METRIC_PROCESSED);
        heldCounter = metrics.counter(OrderingMetrics.METRIC_HELD);
        released = metrics.counter(OrderingMetrics.METRIC_RELEASED);
        expired = metrics.counter(OrderingMetrics.METRIC_EXPIRED);
        thresholdAlerts = AlertMetrics.counter(metrics, ThresholdRule.NAME, ThresholdRule.SEVERITY);
        thresholdResolved = AlertMetrics.resolvedCounter(metrics, ThresholdRule.NAME);
        sustainedResolved = AlertMetrics.resolvedCounter(metrics, SustainedOverheatRule.NAME);
        flappingAlerts = AlertMetrics.counter(metrics, ThresholdRule.FLAPPING, ThresholdRule.SEVERITY);
        flappingResolved = AlertMetrics.resolvedCounter(metrics, ThresholdRule.FLAPPING);
        thresholdSuppressed = metrics.addGroup("rule", ThresholdRule.NAME).counter(METRIC_SUPPRESSED);
        silentAlerts = AlertMetrics.counter(metrics, AssetSilence.NAME, AssetSilence.SEVERITY);
        silentResolved = AlertMetrics.resolvedCounter(metrics, AssetSilence.NAME);
        openEpisodes = new long[OPEN_RULES.length];
        for (int i = 0; i < OPEN_RULES.length; i++) {
            int rule = i;
            metrics.addGroup("rule", OPEN_RULES[i]).gauge(METRIC_OPEN, () -> openEpisodes[rule]);
        }
        registry = new AssetRegistry(metrics);
        rules = new RuleVersions(baseline);
        ruleChanges = metrics.counter(METRIC_RULE_CHANGES);
        lateRules = metrics.counter(METRIC_LATE_RULES);
        metrics.gauge(METRIC_RULE_SCOPES, () -> rules.scopes().size());
        metrics.gauge(METRIC_RULE_VERSIONS, () -> rules.versionCount());
        metrics.gauge(METRIC_DEFAULT_VERSION, () -> {
            var versions = rules.scopes().get(RuleVersions.DEFAULT_SCOPE);
            return versions == null ? RuleVersions.BASELINE_VERSION : versions.get(versions.size() - 1).getVersion();
        });
    }

    @Override
    public void processBroadcastElement(Control control, Context ctx, Collector<AlertEvent> out)
            throws Exception {
        if (control.getAsset() != null) {
            registry.register(control.getAsset(), ctx.getBroadcastState(StateDescriptors.KNOWN_ASSETS));
        }
        RuleChange change = control.getRule();
        if (change == null) {
            return;
        }
        if (!rulesLoaded) {
            loadRules(ctx.getBroadcastState(StateDescriptors.RULE_VERSIONS).immutableEntries());
        }
        if (snapshot.covers(change.getPartition(), change.getOffset())) {
            return; // applied from the submission's snapshot already
        }
        RuleSet version = change.getRuleSet();
        if (version != null && version.getEffectiveFrom().toEpochMilli() <= ctx.currentWatermark()) {
            lateRules.inc();
            LOG.warn("Rule version {} of '{}' is effective from {}, but event time is already at {}: readings up to"
                    + " there were judged by the version before it and are not judged again (publish rules ahead of"
                    + " their effectiveFrom)", version.getVersion(), change.getScope(), version.getEffectiveFrom(),
                    java.time.Instant.ofEpochMilli(ctx.currentWatermark()));
        }
        List<RuleSet> kept = rules.apply(change.getScope(), version);
        if (kept.isEmpty()) {
            ctx.getBroadcastState(StateDescriptors.RULE_VERSIONS).remove(change.getScope());
        } else {
            ctx.getBroadcastState(StateDescriptors.RULE_VERSIONS).put(change.getScope(), new RuleHistory(new ArrayList<>(kept)));
        }
        ruleChanges.inc();
    }

    /** With at most {@code limit} readings waiting on the heap (for tests). */
    AssetEvaluator inFlightLimit(int limit) {
        this.inFlightLimit = limit;
        return this;
    }

    /** Readings on this subtask's heap that the watermark has not passed (for tests; also a metric). */
    long readingsInFlight() {
        return inFlight.size();
    }

    /** Rule versions that arrived after event time had passed their effectiveFrom (for tests; also a metric). */
    long lateRuleVersions() {
        return lateRules.getCount();
    }

    /**
     * Builds the rules in force once per run, before the first reading or rule change is handled: the versions kept
     * in state (restored from a checkpoint), then the submission's snapshot of the topic on top, in log order.
     */
    private void loadRules(Iterable<java.util.Map.Entry<String, RuleHistory>> kept) {
        if (rulesLoaded) {
            return;
        }
        for (var entry : kept) {
            rules.restore(entry.getKey(), entry.getValue().getVersions());
        }
        for (RuleChange change : snapshot.changes()) {
            rules.apply(change.getScope(), change.getRuleSet());
        }
        rulesLoaded = true;
    }

    @Override
    public void processElement(Reading reading, ReadOnlyContext ctx, Collector<AlertEvent> out) throws Exception {
        if (!rulesLoaded) {
            loadRules(ctx.getBroadcastState(StateDescriptors.RULE_VERSIONS).immutableEntries());
        }
        if (reading.getRegistration() != null) {
            startSilenceClock(reading.getRegistration(), ctx);
            return;
        }
        if (reading.getLegacyThresholdEpisode() != null || reading.getLegacyOpenWindow() != null) {
            adoptLegacyRuleState(reading, ctx);
        }
        if (inFlight.size() >= inFlightLimit) {
            pending.add(reading, ctx); // the heap is full: waits in pending-readings with a timer, as it used to
        } else if (!pending.rejectLate(reading, ctx)) {
            inFlight.add(ctx.getCurrentKey(), reading.getEvent().getTimestamp().toEpochMilli(), reading);
        }
    }

    /**
     * Fires at each pending reading's timestamp, at each open window's end and at each hold's expiry, in event-time
     * order: evaluates the readings stamped {@code time} (and any held ones, once the asset is registered), or puts
     * them on hold.
     */
    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        if (!rulesLoaded) {
            loadRules(ctx.getBroadcastState(StateDescriptors.RULE_VERSIONS).immutableEntries());
        }
        long watermark = ctx.timerService().currentWatermark();
        AssetRules state = rulesOf(ctx.getCurrentKey());
        int openBefore = openMask(state);
        boolean changed = legacyPresent && adoptLegacyHeld(state);
        List<Reading> arrived = arrivedAt(ctx.getCurrentKey(), time);
        KnownAsset asset = ctx.getBroadcastState(StateDescriptors.KNOWN_ASSETS).get(ctx.getCurrentKey());
        if (asset != null) {
            List<Reading> due = new ArrayList<>();
            for (long heldAt : state.getHeldTimestamps()) {
                ReadingBatch heldBatch = pending.take(heldAt);
                if (heldBatch != null) {
                    due.addAll(sorted(heldBatch));
                }
            }
            if (!state.getHeldTimestamps().isEmpty()) {
                state.setHeldTimestamps(new ArrayList<>());
                state.setHeldCount(0);
                changed = true;
            }
            if (arrived != null) {
                due.addAll(arrived);
            }
            changed |= evaluate(due, state, asset, time, ctx, out);
            changed |= settle(state, asset, time, ctx, out);
        } else {
            changed |= expireHeld(state, watermark, ctx);
            if (arrived != null) {
                changed |= hold(time, arrived, state, ctx);
            }
            changed |= awaitRegistration(state, time, ctx);
        }
        if (changed) {
            rulesChanged(ctx.getCurrentKey(), state);
            countOpen(openBefore, openMask(state));
        } else if (!rulesDirty.contains(ctx.getCurrentKey())) {
            rulesCache.remove(ctx.getCurrentKey()); // unchanged: read from state next time, as it stands there
        }
    }

    /**
     * The readings stamped {@code time} that this tick evaluates, in (timestamp, eventId) order: the ones waiting on
     * the heap and, on a timer, the ones waiting in {@code pending-readings} (beyond the heap's limit, or left there
     * by an earlier release).
     */
    private List<Reading> arrivedAt(String assetId, long time) throws Exception {
        List<Reading> arrived = inFlight.take(assetId, time);
        ReadingBatch stored = inFlightTick ? null : pending.take(time);
        if (stored != null) {
            if (arrived == null) {
                arrived = new ArrayList<>(stored.getReadings());
            } else {
                arrived.addAll(stored.getReadings());
            }
        }
        if (arrived != null && arrived.size() > 1) {
            arrived.sort(EVENT_TIME_ORDER);
        }
        return arrived;
    }

    /**
     * Runs both rules over readings released in event-time order, and closes a window whose end this timer is. The
     * open window's eventIds are kept apart from the rule state ({@code window-event-ids}): the ones added since
     * the rule state was last written wait in it, on the heap, and are appended (without a read) when it is
     * written; all of them are read only when the window closes.
     */
    private boolean evaluate(List<Reading> due, AssetRules state, KnownAsset asset, long time,
            OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        WindowAccumulator window = state.getWindow();
        boolean windowDue = isOpen(window) && window.getWindowEnd() - 1 <= time;
        if (due.isEmpty() && !windowDue) {
            return false;
        }
        boolean idsInMemory = !isOpen(window);
        String type = asset.getAssetType();
        for (Reading r : due) {
            if (r.getHeld()) {
                released.inc();
            }
            AssetSilence.Step silence = AssetSilence.reading(state, ctx.getCurrentKey(), asset,
                    r.getEvent().getTimestamp().toEpochMilli(), silenceAfterMillis, rules);
            silenceEvents(silence, out);
            ThresholdRule.Step threshold = ThresholdRule.apply(state.getThreshold(), r.getEvent(), type,
                    asset.getLocation(), rules.threshold(ctx.getCurrentKey(), type,
                            r.getEvent().getTimestamp().toEpochMilli()));
            state.setThreshold(threshold.next());
            threshold.ends().forEach(end -> resolved(end, out));
            if (threshold.alert() != null) {
                (threshold.alert().getRule().equals(ThresholdRule.FLAPPING) ? flappingAlerts : thresholdAlerts).inc();
                out.collect(AlertEvent.newBuilder().setTriggered(threshold.alert()).build());
            }
            thresholdSuppressed.inc(threshold.suppressed());
            for (long at : threshold.timers()) {
                ctx.timerService().registerEventTimeTimer(at);
            }
            window = state.getWindow();
            if (!idsInMemory && r.getEvent().getTimestamp().toEpochMilli() >= window.getWindowEnd()) {
                loadEventIds(window);
                idsInMemory = true;
            }
            SustainedOverheatRule.Step step = SustainedOverheatRule.add(window, r.getEvent(), type,
                    asset.getLocation(), rules);
            if (step.closed() != null) {
                ctx.output(WINDOWS, step.closed());
            }
            resolved(step.resolved(), out);
            state.setWindow(step.open());
            if (step.opened()) {
                ctx.timerService().registerEventTimeTimer(step.open().getWindowEnd() - 1);
            }
        }
        processed.inc(due.size());
        // closed by the timer at its end, not by the watermark: when the watermark jumps past several timestamps,
        // the window's later readings have timers of their own that fire after this one, still in order
        window = state.getWindow();
        if (isOpen(window) && window.getWindowEnd() - 1 <= time) {
            if (!idsInMemory) {
                loadEventIds(window);
                idsInMemory = true;
            }
            SustainedOverheatRule.Closed closed = SustainedOverheatRule.closeWindow(window, ctx.getCurrentKey(), rules);
            ctx.output(WINDOWS, closed.summary());
            resolved(closed.resolved(), out);
            window = closed.next();
            state.setWindow(window);
            if (SustainedOverheatRule.alerted(window)) {
                // the window that would continue the episode: if event time passes its end with no reading, a gap
                ctx.timerService().registerEventTimeTimer(nextWindowEnd(window, ctx.getCurrentKey()) - 1);
            }
        }
        // an open window's ids added since the last write stay in the cached rule state (flushRules appends them);
        // when all of its ids are in memory, the stored ones, if any, were a closed window's
        if (idsInMemory) {
            windowEventIds.clear();
        }
        return true;
    }

    /**
     * Ends what event time alone ends, once this timer's readings are evaluated: a threshold episode whose readings
     * stayed at or below clear for the clear delay, and an alerted sustained episode whose next window never came.
     */
    private boolean settle(AssetRules state, KnownAsset asset, long time, OnTimerContext ctx,
            Collector<AlertEvent> out) {
        boolean changed = false;
        String assetId = ctx.getCurrentKey();
        ThresholdRule.Expired expired = ThresholdRule.expire(state.getThreshold(), assetId, asset.getAssetType(),
                asset.getLocation(), time, rules.threshold(assetId, asset.getAssetType(), time));
        if (!expired.ends().isEmpty() || expired.suppressed() > 0) {
            expired.ends().forEach(end -> resolved(end, out));
            thresholdSuppressed.inc(expired.suppressed());
            state.setThreshold(expired.next());
            changed = true;
        }
        WindowAccumulator window = state.getWindow();
        if (window != null && !isOpen(window) && SustainedOverheatRule.alerted(window)) {
            AlertResolved gap = SustainedOverheatRule.expireGap(window, assetId, time, nextWindowEnd(window, assetId));
            if (gap != null) {
                resolved(gap, out);
                state.setWindow(SustainedOverheatRule.withoutStreak(window));
                changed = true;
            }
        }
        AssetSilence.Step silence = AssetSilence.expire(state, assetId, asset, time, silenceAfterMillis, rules);
        if (silence.raised() != null || silence.resolved() != null) {
            silenceEvents(silence, out);
            changed = true;
        }
        return scheduleSilenceCheck(state, asset, time, ctx.timerService()) || changed;
    }

    /**
     * Keeps one silence check per asset: at the event time it goes silent if no reading comes first. A check that is
     * pending stays (the clock only moves forward, so it fires no later than needed) and is moved when it fires.
     */
    private boolean scheduleSilenceCheck(AssetRules state, KnownAsset asset, long time,
            org.apache.flink.streaming.api.TimerService timers) {
        Long pendingAt = state.getSilenceCheckAt();
        if (pendingAt != null && pendingAt > time) {
            return false;
        }
        long next = AssetSilence.nextCheck(state, asset, time, silenceAfterMillis);
        if (next < 0) {
            if (pendingAt == null) {
                return false;
            }
            state.setSilenceCheckAt(null);
            return true;
        }
        timers.registerEventTimeTimer(next);
        state.setSilenceCheckAt(next);
        return true;
    }

    /**
     * A registration on the keyed path: an asset with no reading yet gets its silence check at its registration's
     * timestamp + silence-after, so an asset that registers and never reports raises ASSET_SILENT.
     */
    private void startSilenceClock(AssetRegistered registration, ReadOnlyContext ctx) throws Exception {
        if (silenceAfterMillis <= 0) {
            return;
        }
        AssetRules state = rulesOf(ctx.getCurrentKey());
        if (state.getLastReadingAt() != null || state.getSilentSince() != null || state.getSilenceCheckAt() != null) {
            return;
        }
        if (scheduleSilenceCheck(state, AssetRegistry.knownAsset(registration), Long.MIN_VALUE, ctx.timerService())) {
            rulesChanged(ctx.getCurrentKey(), state);
        }
    }

    /**
     * A silence check fired while the broadcast registration has not reached this subtask yet (the keyed one did):
     * checked again a second of event time later, until it has.
     */
    private boolean awaitRegistration(AssetRules state, long time, OnTimerContext ctx) {
        Long pendingAt = state.getSilenceCheckAt();
        if (pendingAt == null || pendingAt > time) {
            return false;
        }
        ctx.timerService().registerEventTimeTimer(time + 1_000);
        state.setSilenceCheckAt(time + 1_000);
        return true;
    }

    private void silenceEvents(AssetSilence.Step step, Collector<AlertEvent> out) {
        if (step.raised() != null) {
            silentAlerts.inc();
            out.collect(AlertEvent.newBuilder().setTriggered(step.raised()).build());
        }
        resolved(step.resolved(), out);
    }

    /** The rules whose open alerts {@value #METRIC_OPEN} counts, in {@link #openMask} bit order. */
    static final String[] OPEN_RULES =
            {ThresholdRule.NAME, SustainedOverheatRule.NAME, ThresholdRule.FLAPPING, AssetSilence.NAME};

    /** Which rules have an open alert in an asset's state, one bit per {@link #OPEN_RULES} entry. */
    static int openMask(AssetRules state) {
        ThresholdEpisode threshold = state.getThreshold();
        WindowAccumulator window = state.getWindow();
        int mask = 0;
        if (threshold != null && threshold.getInBreach() && !threshold.getSuppressed()) {
            mask |= 1;
        }
        if (window != null && SustainedOverheatRule.alerted(window)) {
            mask |= 2;
        }
        if (threshold != null && threshold.getFlapStart() >= 0) {
            mask |= 4;
        }
        if (AssetSilence.open(state)) {
            mask |= 8;
        }
        return mask;
    }

    /** The value of the {@value #METRIC_OPEN} gauge of {@code rule} (for tests). */
    long openEpisodes(String rule) {
        return openEpisodes[java.util.Arrays.asList(OPEN_RULES).indexOf(rule)];
    }

    private void countOpen(int before, int after) {
        int changed = before ^ after;
        for (int i = 0; changed != 0; i++, changed >>>= 1) {
            if ((changed & 1) != 0) {
                openEpisodes[i] += (after >>> i & 1) != 0 ? 1 : -1;
            }
        }
    }

    /**
     * The asset's rule state: from the heap if a tick since the last checkpoint read it, else from
     * {@code rules}. The caller changes it in place and calls {@link #rulesChanged} if it did.
     */
    private AssetRules rulesOf(String assetId) throws Exception {
        AssetRules state = rulesCache.get(assetId);
        if (state == null) {
            state = ruleState.value();
            if (state == null) {
                state = emptyRules();
            }
            rulesCache.put(assetId, state);
        }
        return state;
    }

    /** The asset's rule state changed: written to {@code rules} at the next checkpoint or flush. */
    private void rulesChanged(String assetId, AssetRules state) {
        rulesCache.put(assetId, state);
        rulesDirty.add(assetId);
    }

    /** Writes the changed rule states to {@code rules} and empties the cache, through the operator's key. */
    private void flushRules(java.util.function.Consumer<String> setKey) throws Exception {
        for (String assetId : rulesDirty) {
            setKey.accept(assetId);
            AssetRules state = rulesCache.get(assetId);
            WindowAccumulator window = state.getWindow();
            if (isOpen(window) && !window.getEventIds().isEmpty()) {
                windowEventIds.addAll(window.getEventIds());
                window.setEventIds(new ArrayList<>());
            }
            ruleState.update(state);
        }
        rulesDirty.clear();
        rulesCache.clear();
    }

    private static AssetRules emptyRules() {
        return AssetRules.newBuilder().setHeldTimestamps(new ArrayList<>()).build();
    }

    /** The end of the window that would start where the asset's last closed window ended. */
    private long nextWindowEnd(WindowAccumulator window, String assetId) {
        long end = window.getPreviousWindowEnd();
        return rules.openWindow(assetId, window.getAssetType(), end, end).end();
    }

    private void resolved(AlertResolved resolved, Collector<AlertEvent> out) {
        if (resolved != null) {
            resolvedCounter(resolved.getRule()).inc();
            out.collect(AlertEvent.newBuilder().setResolved(resolved).build());
        }
    }

    private Counter resolvedCounter(String rule) {
        return switch (rule) {
            case ThresholdRule.NAME -> thresholdResolved;
            case ThresholdRule.FLAPPING -> flappingResolved;
            case AssetSilence.NAME -> silentResolved;
            default -> sustainedResolved;
        };
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
     * The readings stamped {@code time}, which the watermark passed while their asset is unknown: held (marked, and
     * their timestamp recorded) up to the cap, with a timer at the end of the grace; beyond the cap, or with no
     * grace, they go to the DLQ as UNKNOWN_ASSET at once.
     */
    private boolean hold(long time, List<Reading> readings, AssetRules state, OnTimerContext ctx) throws Exception {
        int room = graceMillis == 0 ? 0 : Math.max(0, holdCap - state.getHeldCount());
        List<Reading> kept = new ArrayList<>();
        for (Reading r : readings) {
            if (time + graceMillis <= ctx.timerService().currentWatermark() && graceMillis > 0) {
                expired.inc();
                ctx.output(DeadLetterOutput.TAG, DeadLetterOutput.forReading(r, sourceTopic, job,
                        RejectReason.UNKNOWN_ASSET, expiredMessage()));
            } else if (kept.size() < room) {
                r.setHeld(true);
                kept.add(r);
            } else {
                String why = graceMillis == 0
                        ? "asset is not registered (no hold: --unknown-asset-grace is 0)"
                        : "asset is not registered and " + holdCap + " of its readings are already held";
                ctx.output(DeadLetterOutput.TAG,
                        DeadLetterOutput.forReading(r, sourceTopic, job, RejectReason.UNKNOWN_ASSET, why));
            }
        }
        if (kept.isEmpty()) {
            return false;
        }
        pending.put(time, new ReadingBatch(kept));
        heldCounter.inc(kept.size());
        state.getHeldTimestamps().add(time);
        state.setHeldCount(state.getHeldCount() + kept.size());
        ctx.timerService().registerEventTimeTimer(time + graceMillis);
        return true;
    }

    /** Held readings whose timestamp + grace the watermark has passed: to the DLQ as UNKNOWN_ASSET. */
    private boolean expireHeld(AssetRules state, long watermark, OnTimerContext ctx) throws Exception {
        List<Long> stillHeld = new ArrayList<>();
        int count = state.getHeldCount();
        for (long heldAt : state.getHeldTimestamps()) {
            if (heldAt + graceMillis > watermark) {
                stillHeld.add(heldAt);
                continue;
            }
            ReadingBatch batch = pending.take(heldAt);
            if (batch != null) {
                for (Reading r : sorted(batch)) {
                    expired.inc();
                    count--;
                    ctx.output(DeadLetterOutput.TAG, DeadLetterOutput.forReading(r, sourceTopic, job,
                            RejectReason.UNKNOWN_ASSET, expiredMessage()));
                }
            }
        }
        if (stillHeld.size() == state.getHeldTimestamps().size()) {
            return false;
        }
        state.setHeldTimestamps(stillHeld);
        state.setHeldCount(Math.max(0, count));
        return true;
    }

    private String expiredMessage() {
        return "asset is not registered and the hold of " + graceMillis + " ms event time after the reading has passed";
    }

    private static List<Reading> sorted(ReadingBatch batch) {
        List<Reading> readings = new ArrayList<>(batch.getReadings());
        readings.sort(EVENT_TIME_ORDER);
        return readings;
    }

    /** A first-release threshold episode or open window, carried here on the asset's first reading. */
    private void adoptLegacyRuleState(Reading reading, ReadOnlyContext ctx) throws Exception {
        AssetRules state = rulesOf(ctx.getCurrentKey());
        int openBefore = openMask(state);
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
        rulesChanged(ctx.getCurrentKey(), state);
        countOpen(openBefore, openMask(state));
        reading.setLegacyThresholdEpisode(null);
        reading.setLegacyOpenWindow(null);
    }

    /**
     * The first release kept held readings' timestamps in a state of their own; its pending readings are already in
     * {@code pending-readings}, the same state with the same layout.
     */
    private boolean adoptLegacyHeld(AssetRules state) throws Exception {
        HeldTimestamps onHold = legacyHeld.value();
        if (onHold == null) {
            return false;
        }
        state.getHeldTimestamps().addAll(onHold.getTimestamps());
        state.setHeldCount(state.getHeldCount() + onHold.getReadingCount());
        legacyHeld.clear();
        return true;
    }

    /**
     * Runs the evaluator: tells it, once at start, whether the restored state still holds held timestamps in the
     * first release's layout, so that a job that never restored such a savepoint never looks for them; and moves
     * event time forward for the readings on the heap ({@link InFlightReadings}).
     *
     * <p>When the watermark advances, each timestamp with in-flight readings at or before it is one step, in
     * ascending order: first the evaluator's timers up to that timestamp fire (window ends, holds, clear delays,
     * silence checks, and readings an earlier release left in {@code pending-readings}), then every asset with
     * readings at that timestamp that no timer took is evaluated there, exactly as a timer at that timestamp would
     * have. Each asset therefore sees its readings and its timers in event-time order, as when every reading had a
     * timer of its own, without a state write, a timer and a state read for each reading.
     *
     * <p>A checkpoint copies the readings still in flight into the operator's union list state
     * ({@code in-flight-readings}); a restore, at any parallelism, puts back on the heap the ones of this subtask's
     * key groups.
     */
    public static final class Operator
            extends CoBroadcastWithKeyedOperator<String, Reading, Control, AlertEvent> {

        private transient ListState<Reading> inFlightState;

        public Operator(AssetEvaluator evaluator) {
            super(evaluator, List.of(StateDescriptors.KNOWN_ASSETS, StateDescriptors.RULE_VERSIONS));
        }

        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            InFlightReadings inFlight = new InFlightReadings();
            inFlightState = context.getOperatorStateStore().getUnionListState(StateDescriptors.inFlightReadings());
            if (context.isRestored()) {
                var task = getRuntimeContext().getTaskInfo();
                int maxParallelism = task.getMaxNumberOfParallelSubtasks();
                var ownKeyGroups = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxParallelism,
                        task.getNumberOfParallelSubtasks(), task.getIndexOfThisSubtask());
                for (Reading reading : inFlightState.get()) {
                    String assetId = reading.getEvent().getAssetId();
                    if (ownKeyGroups.contains(KeyGroupRangeAssignment.assignToKeyGroup(assetId, maxParallelism))) {
                        inFlight.add(assetId, reading.getEvent().getTimestamp().toEpochMilli(), reading);
                    }
                }
            }
            evaluator().inFlight = inFlight;
        }

        @Override
        public void open() throws Exception {
            super.open();
            AssetEvaluator evaluator = evaluator();
            evaluator.registry.restore(getOperatorStateBackend());
            evaluator.legacyPresent = LegacyStateCarrier.hasEntries(getKeyedStateBackend(),
                    StateDescriptors.HELD_TIMESTAMPS);
            // the open-alerts gauges start from the restored state: one pass over the subtask's assets at start, so
            // they are right after any restore, rescale or upgrade without a state of their own
            getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    StateDescriptors.assetRules(), (key, state) -> {
                        AssetRules rules = state.value();
                        if (rules != null) {
                            evaluator.countOpen(0, openMask(rules));
                        }
                    });
            getMetricGroup().gauge(METRIC_IN_FLIGHT, () -> evaluator.inFlight.size());
        }

        @Override
        public void processWatermark(Watermark mark) throws Exception {
            AssetEvaluator evaluator = evaluator();
            InFlightReadings inFlight = evaluator.inFlight;
            Long step;
            while ((step = inFlight.firstDue(mark.getTimestamp())) != null) {
                long time = step;
                timeServiceManager.advanceWatermark(new Watermark(time));
                evaluator.inFlightTick = true;
                try {
                    for (String assetId : inFlight.assetsAt(time)) {
                        setCurrentKey(assetId);
                        onEventTime(new TimerHeapInternalTimer<>(time, assetId, VoidNamespace.INSTANCE));
                    }
                } finally {
                    evaluator.inFlightTick = false;
                }
            }
            super.processWatermark(mark);
            if (evaluator.rulesCache.size() > RULES_CACHE_LIMIT) {
                evaluator.flushRules(this::setCurrentKey);
            }
        }

        @Override
        public void snapshotState(StateSnapshotContext context) throws Exception {
            AssetEvaluator evaluator = evaluator();
            inFlightState.update(evaluator.inFlight.all());
            evaluator.flushRules(this::setCurrentKey);
            super.snapshotState(context);
        }

        private AssetEvaluator evaluator() {
            return (AssetEvaluator) userFunction;
        }
    }
}
