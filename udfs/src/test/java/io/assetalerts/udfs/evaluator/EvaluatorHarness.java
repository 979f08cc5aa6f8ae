package io.assetalerts.udfs.evaluator;

import static io.assetalerts.udfs.evaluator.Fixtures.asset;
import static io.assetalerts.udfs.evaluator.Fixtures.at;

import java.time.Duration;
import java.util.List;

import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.RuleSet;
import io.assetalerts.schemas.state.AlertEvent;
import io.assetalerts.schemas.state.Control;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.RuleChange;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.udfs.deadletters.DeadLetterOutput;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.rules.RuleSettings;
import io.assetalerts.udfs.rules.RuleSnapshot;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * An {@link AssetEvaluator} in Flink's keyed two-input harness on RocksDB, as the job runs it: the registry input
 * is idle (the job's reference-data watermark strategy), so event time follows the telemetry input alone.
 */
final class EvaluatorHarness implements AutoCloseable {

    static final Duration GRACE = Duration.ofSeconds(10);
    static final int MAX_PARALLELISM = 720;

    final KeyedBroadcastOperatorTestHarness<String, Reading, Control, AlertEvent> harness;
    private long ruleOffset = 0;

    private EvaluatorHarness(CoBroadcastWithKeyedOperator<String, Reading, Control, AlertEvent> operator,
            OperatorSubtaskState restoreFrom) throws Exception {
        this(operator, restoreFrom, 1, 0);
    }

    private EvaluatorHarness(CoBroadcastWithKeyedOperator<String, Reading, Control, AlertEvent> operator,
            OperatorSubtaskState restoreFrom, int parallelism, int subtask) throws Exception {
        harness = Fixtures.openOnRocksDb(new KeyedBroadcastOperatorTestHarness<>(operator,
                (Reading r) -> r.getEvent().getAssetId(), Types.STRING, MAX_PARALLELISM, parallelism, subtask),
                restoreFrom);
        harness.getTwoInputOperator().processWatermarkStatus2(WatermarkStatus.IDLE);
    }

    static EvaluatorHarness open(int holdCap, RuleBook rules, OperatorSubtaskState restoreFrom) throws Exception {
        return open(holdCap, rules, RuleSnapshot.EMPTY, restoreFrom);
    }

    /** With {@code snapshot} as the rules topic read at submission (partition 0). */
    static EvaluatorHarness open(int holdCap, RuleBook rules, RuleSnapshot snapshot, OperatorSubtaskState restoreFrom)
            throws Exception {
        return open(holdCap, rules, snapshot, Duration.ZERO, restoreFrom);
    }

    /**
     * With silence detection after {@code silenceAfter} (the other harness tests switch it off, so that their alert
     * lists hold only what they test).
     */
    static EvaluatorHarness open(int holdCap, RuleBook rules, RuleSnapshot snapshot, Duration silenceAfter,
            OperatorSubtaskState restoreFrom) throws Exception {
        EvaluatorHarness h = new EvaluatorHarness(new AssetEvaluator.Operator(new AssetEvaluator("alert-job",
                "telemetry.events", GRACE, holdCap, rules, snapshot, silenceAfter)), restoreFrom);
        h.ruleOffset = snapshot.endOffsets().getOrDefault(0, 0L);
        return h;
    }

    /** Subtask {@code subtask} of {@code parallelism}, restored from a snapshot of one subtask (a rescale). */
    static EvaluatorHarness openSubtask(OperatorSubtaskState snapshotOfOne, int parallelism, int subtask)
            throws Exception {
        OperatorSubtaskState share = AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshotOfOne,
                MAX_PARALLELISM, 1, parallelism, subtask);
        return new EvaluatorHarness(new AssetEvaluator.Operator(new AssetEvaluator("alert-job", "telemetry.events",
                GRACE, 100, RuleBook.of(RuleSettings.SPEC_DEFAULTS), RuleSnapshot.EMPTY, Duration.ZERO)), share,
                parallelism, subtask);
    }

    /** With at most {@code limit} readings waiting on the heap. */
    static EvaluatorHarness openWithInFlightLimit(int limit) throws Exception {
        return new EvaluatorHarness(new AssetEvaluator.Operator(new AssetEvaluator("alert-job", "telemetry.events",
                GRACE, 100, RuleBook.of(RuleSettings.SPEC_DEFAULTS), RuleSnapshot.EMPTY, Duration.ZERO)
                .inFlightLimit(limit)), null);
    }

    static EvaluatorHarness open() throws Exception {
        return open(100, RuleBook.of(RuleSettings.SPEC_DEFAULTS), null);
    }

    /** A harness around any operator, e.g. the first release's, to write its state layout. */
    static EvaluatorHarness around(CoBroadcastWithKeyedOperator<String, Reading, Control, AlertEvent> operator)
            throws Exception {
        return new EvaluatorHarness(operator, null);
    }

    void send(Reading r) throws Exception {
        harness.processElement(r, r.getEvent().getTimestamp().toEpochMilli());
    }

    void register(String assetId, String type) throws Exception {
        harness.processBroadcastElement(Control.newBuilder().setAsset(asset(assetId, type)).build(), at(0));
    }

    /** A registration as the job delivers it: broadcast to the registry, and keyed to the asset's silence clock. */
    void register(AssetRegistered asset) throws Exception {
        harness.processBroadcastElement(Control.newBuilder().setAsset(asset).build(), at(0));
        harness.processElement(EvaluatorInputs.registrationMarker(asset), at(0));
    }

    /** A record of the rules topic arriving while the job runs: a version, or the scope's tombstone (null). */
    void publish(String scope, RuleSet version) throws Exception {
        harness.processBroadcastElement(Control.newBuilder()
                .setRule(new RuleChange(scope, version, 0, ruleOffset++)).build(), at(0));
    }


    void watermark(long millis) throws Exception {
        harness.processWatermark(millis);
    }

    AssetEvaluator evaluator() {
        return (AssetEvaluator) ((CoBroadcastWithKeyedOperator<?, ?, ?, ?>) harness.getTwoInputOperator())
                .getUserFunction();
    }

    OperatorSubtaskState snapshot(long id) throws Exception {
        return harness.snapshot(id, id);
    }

    /** The alerts raised, in order (without the resolves). */
    List<AlertTriggered> alerts() {
        return harness.extractOutputValues().stream().map(AlertEvent::getTriggered)
                .filter(java.util.Objects::nonNull).toList();
    }

    /** The alerts ended, in order. */
    List<AlertResolved> resolved() {
        return harness.extractOutputValues().stream().map(AlertEvent::getResolved)
                .filter(java.util.Objects::nonNull).toList();
    }

    /** Raised and ended, in output order: {@code +eventId} for a raise, {@code -alertId} for an end. */
    List<AlertEvent> events() {
        return harness.extractOutputValues();
    }

    /** The eventIds of the TEMPERATURE_THRESHOLD alerts, in the order they were raised. */
    List<String> alertedEventIds() {
        return alerts().stream().map(a -> a.getEventIds().get(0)).toList();
    }

    List<WindowSummary> windows() {
        var out = harness.getSideOutput(AssetEvaluator.WINDOWS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    List<DeadLetter> deadLetters() {
        var out = harness.getSideOutput(DeadLetterOutput.TAG);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
