package io.assetalerts.udfs.evaluator;

import static io.assetalerts.udfs.evaluator.Fixtures.at;
import static io.assetalerts.udfs.evaluator.Fixtures.reading;
import static io.assetalerts.udfs.rules.RuleSets.version;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.state.RuleChange;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.rules.RuleSettings;
import io.assetalerts.udfs.rules.RuleSnapshot;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rule versions arriving on the evaluator's broadcast input while it runs, judged by event time. */
class LiveRulesTest {

    private static final RuleBook FILE = RuleBook.of(RuleSettings.SPEC_DEFAULTS);

    private EvaluatorHarness h;

    @AfterEach
    void close() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    private void feed(String assetId, double... temperatures) throws Exception {
        for (int i = 0; i < temperatures.length; i++) {
            h.send(reading(assetId, assetId + "@" + i, i, temperatures[i]));
        }
    }

    @Test
    void aVersionPublishedAheadOfTimeTakesOverExactlyAtItsEffectiveFrom() throws Exception {
        h = EvaluatorHarness.open(100, FILE, null);
        h.register("T-1", "TURBINE");
        h.publish("default", version("default", 1, at(3)).critical(90).build());
        feed("T-1", 95, 80, 95, 95, 85, 85);
        h.watermark(at(10));
        assertThat(h.alerts()).singleElement().satisfies(a -> {
            assertThat(a.getEventIds()).containsExactly("T-1@3");
            assertThat(a.getThreshold()).isEqualTo(90.0);
            assertThat(a.getRuleVersion()).isEqualTo(1);
            assertThat(a.getRuleScope()).isEqualTo("default");
        });
        assertThat(h.evaluator().lateRuleVersions()).isZero();
    }

    @Test
    void anAssetOverrideBeatsItsTypeAndATombstoneHandsItBack() throws Exception {
        h = EvaluatorHarness.open(100, FILE, null);
        h.register("P-1", "PUMP");
        h.register("P-2", "PUMP");
        h.publish("type:PUMP", version("type:PUMP", 1, at(0)).critical(80).build());
        h.publish("asset:P-1", version("asset:P-1", 1, at(0)).critical(90).build());
        feed("P-1", 85);
        feed("P-2", 85);
        h.watermark(at(1));
        assertThat(h.alerts()).extracting(AlertTriggered::getAssetId, AlertTriggered::getRuleScope)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("P-2", "type:PUMP"));
        h.publish("asset:P-1", null);
        h.send(reading("P-1", "later", 5, 85));
        h.watermark(at(6));
        assertThat(h.alerts()).extracting(AlertTriggered::getEventIds)
                .containsExactly(List.of("P-2@0"), List.of("later"));
    }

    @Test
    void aVersionArrivingAfterEventTimePassedItIsCountedAndNeverReJudgesWhatWasEvaluated() throws Exception {
        h = EvaluatorHarness.open(100, FILE, null);
        h.register("T-1", "TURBINE");
        feed("T-1", 95, 80);
        h.watermark(at(2));
        h.publish("default", version("default", 1, at(0)).critical(90).build());
        assertThat(h.evaluator().lateRuleVersions()).isEqualTo(1);
        assertThat(h.alerts()).as("the readings already judged stay judged").isEmpty();
        h.send(reading("T-1", "after", 3, 95));
        h.watermark(at(3));
        assertThat(h.alerts()).extracting(AlertTriggered::getEventIds).containsExactly(List.of("after"));
    }

    @Test
    void maintenanceModeEndsTheEpisodeAndRaisesNothingUntilReEnabled() throws Exception {
        h = EvaluatorHarness.open(100, FILE, null);
        h.register("T-1", "TURBINE");
        h.publish("asset:T-1", version("asset:T-1", 1, at(2)).thresholdEnabled(false).build());
        h.publish("asset:T-1", version("asset:T-1", 2, at(4)).thresholdEnabled(true).build());
        feed("T-1", 105, 105, 105, 105, 105, 105);
        h.watermark(at(10));
        assertThat(h.alerts()).extracting(AlertTriggered::getEventIds)
                .as("the episode open before maintenance ended with it; the first hot reading after it alerts")
                .containsExactly(List.of("T-1@0"), List.of("T-1@4"));
        assertThat(h.alerts().get(1).getRuleVersion()).isEqualTo(2);
    }

    @Test
    void theSnapshotReadAtSubmissionJudgesTheFirstReadingAndItsRecordsAreNotAppliedTwice() throws Exception {
        var v1 = version("default", 1, at(0)).critical(90).build();
        h = EvaluatorHarness.open(100, FILE,
                new RuleSnapshot(List.of(new RuleChange("default", v1, 0, 0L)), Map.of(0, 1L)), null);
        h.register("T-1", "TURBINE");
        h.harness.processBroadcastElement(io.assetalerts.schemas.state.Control.newBuilder()
                .setRule(new RuleChange("default", null, 0, 0L)).build(), at(0)); // offset 0 again: skipped
        feed("T-1", 95);
        h.watermark(at(1));
        assertThat(h.alerts()).singleElement().satisfies(a -> assertThat(a.getThreshold()).isEqualTo(90.0));
    }

    @Test
    void versionsPublishedWhileRunningSurviveARestore() throws Exception {
        h = EvaluatorHarness.open(100, FILE, null);
        h.register("T-1", "TURBINE");
        h.publish("default", version("default", 1, at(0)).critical(90).build());
        OperatorSubtaskState saved = h.snapshot(1);
        h.close();
        h = EvaluatorHarness.open(100, FILE, saved);
        feed("T-1", 95);
        h.watermark(at(1));
        assertThat(h.alerts()).singleElement().satisfies(a -> assertThat(a.getRuleVersion()).isEqualTo(1));
    }

    @Test
    void windowsCarryTheRuleOfTheirStartIntoTheirSummary() throws Exception {
        h = EvaluatorHarness.open(100, FILE, null);
        h.register("T-1", "TURBINE");
        h.publish("asset:T-1", version("asset:T-1", 7, at(60)).warn(80).windowCount(2).build());
        h.send(reading("T-1", "m0", 10, 85));
        h.send(reading("T-1", "m1", 70, 85));
        h.watermark(at(200));
        assertThat(h.windows()).extracting(WindowSummary::getHot).containsExactly(false, true);
        assertThat(h.windows().get(1).getRule().getWindowCount()).isEqualTo(2);
        assertThat(h.windows().get(1).getRule().getScope()).isEqualTo("asset:T-1");
        assertThat(h.windows().get(0).getRule().getVersion()).isEqualTo(0);
    }
}
