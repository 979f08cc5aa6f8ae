package io.assetalerts.udfs.ordering;

import static io.assetalerts.udfs.evaluator.Fixtures.asset;
import static io.assetalerts.udfs.evaluator.Fixtures.at;
import static io.assetalerts.udfs.evaluator.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.udfs.evaluator.Fixtures;
import io.assetalerts.schemas.state.RegisteredReading;
import io.assetalerts.udfs.deadletters.DeadLetterOutput;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OrderReadingsByEventTimeTest {

    private static final Duration GRACE = Duration.ofSeconds(10);

    private KeyedBroadcastOperatorTestHarness<String, Reading, AssetRegistered, RegisteredReading> harness;

    /**
     * An open harness on RocksDB, optionally restored from a snapshot. The registry input is idle, as the job's
     * reference-data watermark strategy makes it, so event time follows the telemetry input alone.
     */
    static KeyedBroadcastOperatorTestHarness<String, Reading, AssetRegistered, RegisteredReading> harness(int holdCap,
            OperatorSubtaskState restoreFrom) throws Exception {
        var operator = new OrderReadingsByEventTime.Operator(
                new OrderReadingsByEventTime("alert-job", "telemetry.events", GRACE, holdCap));
        var h = Fixtures.openOnRocksDb(new KeyedBroadcastOperatorTestHarness<>(operator,
                (Reading r) -> r.getEvent().getAssetId(), Types.STRING, 720, 1, 0), restoreFrom);
        h.getTwoInputOperator().processWatermarkStatus2(WatermarkStatus.IDLE);
        return h;
    }

    @BeforeEach
    void open() throws Exception {
        harness = harness(100, null);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(Reading r) throws Exception {
        harness.processElement(r, r.getEvent().getTimestamp().toEpochMilli());
    }

    private void register(String assetId, String type) throws Exception {
        harness.processBroadcastElement(asset(assetId, type), at(0));
    }

    private List<String> emittedEventIds() {
        return harness.extractOutputValues().stream().map(r -> r.getReading().getEvent().getEventId()).toList();
    }

    private List<DeadLetter> deadLetters() {
        var out = harness.getSideOutput(DeadLetterOutput.TAG);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void emitsReadingsInEventTimeOrderOnlyOnceTheWatermarkPassesThem() throws Exception {
        register("T-1", "TURBINE");
        send(reading("T-1", "c", 3, 90));
        send(reading("T-1", "a", 1, 90));
        send(reading("T-1", "b", 2, 90));
        harness.processWatermark(at(0));
        assertThat(emittedEventIds()).isEmpty();
        harness.processWatermark(at(2));
        assertThat(emittedEventIds()).containsExactly("a", "b");
        harness.processWatermark(at(3));
        assertThat(emittedEventIds()).containsExactly("a", "b", "c");
        assertThat(harness.extractOutputValues()).allSatisfy(r -> {
            assertThat(r.getAssetType()).isEqualTo("TURBINE");
            assertThat(r.getLocation()).isEqualTo("AP-Plant-7");
        });
    }

    @Test
    void readingsWithTheSameTimestampLeaveInEventIdOrder() throws Exception {
        register("T-1", "TURBINE");
        send(reading("T-1", "z", 1, 90));
        send(reading("T-1", "m", 1, 90));
        send(reading("T-1", "a", 1, 90));
        harness.processWatermark(at(1));
        assertThat(emittedEventIds()).containsExactly("a", "m", "z");
    }

    @Test
    void holdsReadingsUntilAssetRegisters() throws Exception {
        send(reading("P-7", "a", 1, 90));
        send(reading("P-7", "b", 2, 90));
        harness.processWatermark(at(5));
        assertThat(emittedEventIds()).isEmpty();
        assertThat(deadLetters()).isEmpty();

        register("P-7", "PUMP");
        send(reading("P-7", "c", 6, 90));
        harness.processWatermark(at(6));
        assertThat(emittedEventIds()).containsExactly("a", "b", "c");
        assertThat(harness.extractOutputValues().get(0).getAssetType()).isEqualTo("PUMP");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void releasesHeldReadingsAtTheEndOfTheGraceWhenTheAssetRegisteredMeanwhile() throws Exception {
        send(reading("P-7", "a", 1, 90));
        harness.processWatermark(at(2));
        register("P-7", "PUMP");
        harness.processWatermark(at(11));
        assertThat(emittedEventIds()).containsExactly("a");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void heldReadingsGoToTheDlqAsUnknownAssetWhenTheGracePasses() throws Exception {
        send(reading("GHOST-1", "a", 1, 90));
        send(reading("GHOST-1", "b", 4, 90));
        harness.processWatermark(at(10.999));
        assertThat(deadLetters()).isEmpty();
        harness.processWatermark(at(11));
        assertThat(deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.getReason()).isEqualTo("UNKNOWN_ASSET");
            assertThat(d.getKey()).isEqualTo("GHOST-1");
            assertThat(d.getSourceTopic()).isEqualTo("telemetry.events");
            assertThat(d.getJob()).isEqualTo("alert-job");
            assertThat(d.getPayload()).contains("\"eventId\":\"a\"");
        });
        harness.processWatermark(at(14));
        assertThat(deadLetters()).extracting(DeadLetter::getReason).containsExactly("UNKNOWN_ASSET", "UNKNOWN_ASSET");
        assertThat(emittedEventIds()).isEmpty();

        register("GHOST-1", "PUMP");
        send(reading("GHOST-1", "c", 20, 90));
        harness.processWatermark(at(20));
        assertThat(emittedEventIds()).containsExactly("c");
    }

    @Test
    void readingsBeyondTheHoldCapGoToTheDlqAtOnce() throws Exception {
        harness.close();
        harness = harness(2, null);
        send(reading("GHOST-1", "a", 1, 90));
        send(reading("GHOST-1", "b", 2, 90));
        send(reading("GHOST-1", "c", 3, 90));
        harness.processWatermark(at(3));
        assertThat(deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.getReason()).isEqualTo("UNKNOWN_ASSET");
            assertThat(d.getMessage()).contains("2 of its readings are already held");
            assertThat(d.getPayload()).contains("\"eventId\":\"c\"");
        });
        register("GHOST-1", "PUMP");
        harness.processWatermark(at(4));
        assertThat(emittedEventIds()).isEmpty();
        harness.processWatermark(at(11));
        assertThat(emittedEventIds()).containsExactly("a", "b");
    }

    @Test
    void readingAtOrBehindTheWatermarkGoesToTheDlqAsLate() throws Exception {
        register("T-1", "TURBINE");
        harness.processWatermark(at(10));
        send(reading("T-1", "old", 5, 101));
        send(reading("T-1", "edge", 10, 101));
        send(reading("T-1", "fresh", 10.001, 101));
        harness.processWatermark(at(11));
        assertThat(deadLetters()).extracting(DeadLetter::getReason).containsExactly("LATE_EVENT", "LATE_EVENT");
        assertThat(deadLetters().get(0).getMessage()).contains("2026-01-10T10:16:05Z").contains("watermark");
        assertThat(emittedEventIds()).containsExactly("fresh");
    }

    @Test
    void pendingAndHeldReadingsSurviveASnapshotAndRestore() throws Exception {
        register("T-1", "TURBINE");
        send(reading("T-1", "pending", 5, 90));
        send(reading("P-7", "held", 1, 90));
        harness.processWatermark(at(2));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = harness(100, snapshot);
        register("P-7", "PUMP");
        harness.processWatermark(at(5));
        assertThat(emittedEventIds()).containsExactly("pending");
        harness.processWatermark(at(11));
        assertThat(emittedEventIds()).containsExactly("pending", "held");
    }
}
