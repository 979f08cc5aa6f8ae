package io.assetalerts.udfs.evaluator;

import static io.assetalerts.udfs.evaluator.Fixtures.T0;
import static io.assetalerts.udfs.evaluator.Fixtures.asset;
import static io.assetalerts.udfs.evaluator.Fixtures.at;
import static io.assetalerts.udfs.evaluator.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.contracts.codec.AlertIds;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.udfs.rules.RuleSets;
import io.assetalerts.contracts.rules.RuleSettings;
import io.assetalerts.udfs.rules.RuleSnapshot;
import io.assetalerts.udfs.rules.silence.AssetSilence;
import io.assetalerts.udfs.rules.threshold.ThresholdRule;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ASSET_SILENT through the evaluator on RocksDB, with silence after 10 min of event time. */
class AssetSilenceTest {

    private static final Duration AFTER = Duration.ofMinutes(10);
    private static final long AFTER_S = AFTER.toSeconds();

    private EvaluatorHarness h;

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private void start(OperatorSubtaskState restoreFrom) throws Exception {
        h = EvaluatorHarness.open(100, RuleBook.of(RuleSettings.SPEC_DEFAULTS), RuleSnapshot.EMPTY, AFTER, restoreFrom);
    }

    private List<AlertTriggered> silences() {
        return h.alerts().stream().filter(a -> a.getRule().equals(AssetSilence.NAME)).toList();
    }

    @Test
    void anAssetThatRegisteredAndNeverReportedGoesSilentAtItsRegistrationPlusSilenceAfter() throws Exception {
        start(null);
        h.register(asset("P-1", "PUMP")); // registered at T0
        h.watermark(at(AFTER_S) - 1);
        assertThat(silences()).as("1 ms before registration + 10 min").isEmpty();
        h.watermark(at(AFTER_S));
        assertThat(silences()).singleElement().satisfies(a -> {
            assertThat(a.getAlertId()).isEqualTo(AlertIds.of("P-1", AssetSilence.NAME, at(AFTER_S)));
            assertThat(a.getSeverity()).isEqualTo("MEDIUM");
            assertThat(a.getTimestamp()).isEqualTo(Instant.ofEpochMilli(at(AFTER_S)));
            assertThat(a.getReason()).isEqualTo("no reading for 10 min (registered at " + T0 + ", no reading since)");
            assertThat(a.getAssetType()).isEqualTo("PUMP");
        });
        h.watermark(at(3 * AFTER_S));
        assertThat(silences()).as("raised once").hasSize(1);
    }

    @Test
    void silenceIsRaisedWhenEventTimePassesTheLastReadingBySilenceAfterAndResolvedByTheNextReading() throws Exception {
        start(null);
        h.register(asset("T-1", "TURBINE"));
        h.send(reading("T-1", "r1", 30, 70));
        h.send(reading("T-1", "r2", 60, 71));
        h.watermark(at(60 + AFTER_S) - 1);
        assertThat(silences()).isEmpty();
        h.watermark(at(60 + AFTER_S));
        assertThat(silences()).singleElement().satisfies(a -> {
            assertThat(a.getTimestamp()).isEqualTo(Instant.ofEpochMilli(at(60 + AFTER_S)));
            assertThat(a.getReason()).isEqualTo("no reading for 10 min (last reading at "
                    + Instant.ofEpochMilli(at(60)) + ")");
        });
        assertThat(h.resolved()).isEmpty();

        h.send(reading("T-1", "back", 900, 70));
        h.watermark(at(900));
        assertThat(h.resolved()).singleElement().satisfies(r -> {
            assertThat(r.getAlertId()).isEqualTo(silences().get(0).getAlertId());
            assertThat(r.getRule()).isEqualTo(AssetSilence.NAME);
            assertThat(r.getEpisodeStart()).isEqualTo(Instant.ofEpochMilli(at(60 + AFTER_S)));
            assertThat(r.getTimestamp()).isEqualTo(Instant.ofEpochMilli(at(900)));
            assertThat(r.getDurationMillis()).isEqualTo((900 - 60 - AFTER_S) * 1000);
            assertThat(r.getReason()).isEqualTo("reading at " + Instant.ofEpochMilli(at(900)) + " after 4 min of silence");
        });
        assertThat(silences()).hasSize(1);
    }

    @Test
    void aGapOfExactlySilenceAfterIsNotSilence() throws Exception {
        start(null);
        h.register(asset("T-1", "TURBINE"));
        h.send(reading("T-1", "r1", 60, 70));
        h.send(reading("T-1", "r2", 60 + AFTER_S, 70));
        h.watermark(at(60 + AFTER_S));
        assertThat(silences()).isEmpty();
        h.send(reading("T-1", "r3", 60 + 2 * AFTER_S, 70));
        h.watermark(at(60 + 2 * AFTER_S) + 1);
        assertThat(silences()).isEmpty();
    }

    @Test
    void aGapFoundWhenEventTimeJumpsPastBothReadingsGivesTheSameRaiseAndResolveAsTheTimerPath() throws Exception {
        start(null);
        h.register(asset("T-1", "TURBINE"));
        h.send(reading("T-1", "r1", 60, 70));
        h.send(reading("T-1", "r2", 1200, 70));
        h.watermark(at(1200)); // one step: no timer at 60 + 10 min ran before r2 was evaluated
        AlertTriggered raised = silences().get(0);
        assertThat(raised.getTimestamp()).isEqualTo(Instant.ofEpochMilli(at(60 + AFTER_S)));
        assertThat(raised.getAlertId()).isEqualTo(AlertIds.of("T-1", AssetSilence.NAME, at(60 + AFTER_S)));
        assertThat(h.resolved()).extracting(AlertResolved::getAlertId, AlertResolved::getTimestamp)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(raised.getAlertId(), Instant.ofEpochMilli(at(1200))));
    }

    @Test
    void aStalledWatermarkRaisesNoSilenceHoweverLongTheWallClockRuns() throws Exception {
        // an idle or unreachable partition holds event time: nothing is silent until readings move it again
        start(null);
        h.register(asset("T-1", "TURBINE"));
        h.send(reading("T-1", "r1", 60, 70));
        h.watermark(at(60));
        h.harness.setProcessingTime(at(60) + Duration.ofDays(1).toMillis());
        assertThat(silences()).isEmpty();
    }

    @Test
    void silenceDetectionIsSwitchedOffPerTypeByARuleVersion() throws Exception {
        start(null);
        h.publish("type:PUMP", RuleSets.version("type:PUMP", 1, at(0) - 1).silenceEnabled(false).build());
        h.register(asset("P-1", "PUMP"));
        h.register(asset("T-1", "TURBINE"));
        h.watermark(at(2 * AFTER_S));
        assertThat(silences()).extracting(AlertTriggered::getAssetId).containsExactly("T-1");
    }

    @Test
    void openEpisodeGaugesCountOpenAlertsByRuleAndAreRebuiltFromStateAfterARestore() throws Exception {
        start(null);
        h.register(asset("T-1", "TURBINE"));
        h.register(asset("T-2", "TURBINE"));
        h.send(reading("T-1", "hot", 10, 101));
        h.send(reading("T-2", "ok", 10, 70));
        h.watermark(at(10 + AFTER_S));
        assertThat(openAlerts(ThresholdRule.NAME)).isEqualTo(2 - 1);
        assertThat(openAlerts(AssetSilence.NAME)).as("both stopped reporting").isEqualTo(2);
        OperatorSubtaskState saved = h.snapshot(1);
        h.close();

        start(saved);
        assertThat(openAlerts(ThresholdRule.NAME)).isEqualTo(1);
        assertThat(openAlerts(AssetSilence.NAME)).isEqualTo(2);
        h.send(reading("T-1", "cool", 20 + AFTER_S, 70));
        h.watermark(at(20 + AFTER_S));
        assertThat(openAlerts(ThresholdRule.NAME)).isZero();
        assertThat(openAlerts(AssetSilence.NAME)).isEqualTo(1);
    }

    private long openAlerts(String rule) {
        return h.evaluator().openEpisodes(rule);
    }
}
