package io.assetalerts.udfs.evaluator;

import static io.assetalerts.udfs.evaluator.Fixtures.at;
import static io.assetalerts.udfs.evaluator.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.contracts.codec.AlertIds;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.rules.RuleSettings;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Raised and resolved through the evaluator on RocksDB: event-time timers end what no later reading ends. */
class AlertLifecycleTest {

    /** TURBINE with hysteresis: clear 95 for 3 s; the rest the seed's. */
    private static final RuleBook RULES = new RuleBook(RuleSettings.SPEC_DEFAULTS,
            Map.of("TURBINE", RuleSettings.SPEC_DEFAULTS.withClear(95).withClearDelay(Duration.ofSeconds(3))));

    private EvaluatorHarness h;

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    @Test
    void aThresholdEpisodeEndsWhenEventTimePassesTheClearDelayWithNoLaterReading() throws Exception {
        h = EvaluatorHarness.open(100, RULES, null);
        h.register("T-1", "TURBINE");
        h.send(reading("T-1", "hot", 0, 101));
        h.send(reading("T-1", "between", 1, 97));
        h.send(reading("T-1", "cool", 2, 90));
        h.watermark(at(5) - 1);
        assertThat(h.alerts()).hasSize(1);
        assertThat(h.resolved()).as("1 ms before cool + 3 s").isEmpty();
        h.watermark(at(5));
        assertThat(h.resolved()).singleElement().satisfies(r -> {
            assertThat(r.getAlertId()).isEqualTo(h.alerts().get(0).getAlertId());
            assertThat(r.getTimestamp()).isEqualTo(Instant.ofEpochMilli(at(5)));
            assertThat(r.getReason()).isEqualTo("Temperature at or below 95.0 for 3s");
            assertThat(r.getPeakTemperature()).isEqualTo(101.0);
            assertThat(r.getRuleScope()).isEqualTo("type:TURBINE");
        });
    }

    @Test
    void aPendingEndSurvivesASnapshotAndRestore() throws Exception {
        h = EvaluatorHarness.open(100, RULES, null);
        h.register("T-1", "TURBINE");
        h.send(reading("T-1", "hot", 0, 101));
        h.send(reading("T-1", "cool", 1, 90));
        h.watermark(at(2));
        OperatorSubtaskState saved = h.snapshot(1);
        h.close();
        h = EvaluatorHarness.open(100, RULES, saved);
        h.watermark(at(10));
        assertThat(h.resolved()).extracting(AlertResolved::getTimestamp).containsExactly(Instant.ofEpochMilli(at(4)));
        assertThat(h.alerts()).as("raised before the snapshot").isEmpty();
    }

    /** Two readings in minute {@code m} of T0 averaging {@code avg}. */
    private void minute(String assetId, int m, double avg) throws Exception {
        h.send(reading(assetId, assetId + "-" + m + "a", m * 60 + 10, avg - 1));
        h.send(reading(assetId, assetId + "-" + m + "b", m * 60 + 40, avg + 1));
    }

    @Test
    void anAlertedSustainedEpisodeEndsAtItsLastHotWindowWhenACoolOneFollows() throws Exception {
        h = EvaluatorHarness.open(100, RULES, null);
        h.register("P-1", "PUMP");
        minute("P-1", 0, 95);
        minute("P-1", 1, 96);
        minute("P-1", 2, 95);
        minute("P-1", 3, 95);
        minute("P-1", 4, 80);
        h.watermark(at(5 * 60));
        assertThat(h.resolved()).singleElement().satisfies(r -> {
            assertThat(r.getRule()).isEqualTo("SUSTAINED_OVERHEAT");
            assertThat(r.getAlertId()).isEqualTo(AlertIds.of("P-1", "SUSTAINED_OVERHEAT", at(0)));
            assertThat(r.getEpisodeStart()).isEqualTo(Instant.ofEpochMilli(at(0)));
            assertThat(r.getTimestamp()).isEqualTo(Instant.ofEpochMilli(at(4 * 60)));
            assertThat(r.getPeakTemperature()).isEqualTo(97.0);
            assertThat(r.getReason()).isEqualTo("Average temperature at or below 90.0 in the next window");
        });
    }

    @Test
    void anAlertedSustainedEpisodeEndsAtAGapOnceEventTimePassesTheMissingWindow() throws Exception {
        h = EvaluatorHarness.open(100, RULES, null);
        h.register("P-1", "PUMP");
        minute("P-1", 0, 95);
        minute("P-1", 1, 95);
        minute("P-1", 2, 95);
        h.watermark(at(4 * 60) - 2);
        assertThat(h.resolved()).as("the next window is still open in event time").isEmpty();
        h.watermark(at(4 * 60) - 1);
        assertThat(h.resolved()).singleElement().satisfies(r -> {
            assertThat(r.getTimestamp()).isEqualTo(Instant.ofEpochMilli(at(3 * 60)));
            assertThat(r.getReason()).isEqualTo("No readings in the window after the last hot one");
        });
    }

    @Test
    void aStreakShorterThanTheCountNeverAlertedSoNothingEnds() throws Exception {
        h = EvaluatorHarness.open(100, RULES, null);
        h.register("P-1", "PUMP");
        minute("P-1", 0, 95);
        minute("P-1", 1, 95);
        minute("P-1", 2, 80);
        h.watermark(at(10 * 60));
        assertThat(h.resolved()).isEmpty();
    }
}
