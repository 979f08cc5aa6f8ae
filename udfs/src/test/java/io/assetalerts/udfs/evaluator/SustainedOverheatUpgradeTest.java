package io.assetalerts.udfs.evaluator;

import static io.assetalerts.udfs.evaluator.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.state.AlertEvent;
import io.assetalerts.schemas.state.WindowRule;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.rules.RuleSettings;
import io.assetalerts.udfs.rules.sustained.SustainedOverheatMatch;
import io.assetalerts.udfs.rules.sustained.SustainedOverheatRule;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The one CEP pattern against the first release's: a partial match the first release's fixed-count pattern had open
 * restores into the single pattern (same operator uid in the job, same stage names) and completes; and the single
 * pattern matches a count of 1 and a count of 3 side by side, each as its windows' rule asks.
 */
class SustainedOverheatUpgradeTest {

    private static final RuleBook FILE = RuleBook.of(RuleSettings.SPEC_DEFAULTS);
    private static final long MIN = 60_000;

    /** The first release's pattern for 3 windows, as it shipped. */
    private static Pattern<WindowSummary, WindowSummary> firstReleasePattern() {
        return Pattern.<WindowSummary>begin(SustainedOverheatMatch.FIRST, AfterMatchSkipStrategy.skipPastLastEvent())
                .where(SimpleCondition.of(SustainedOverheatRule::startsEpisode))
                .next(SustainedOverheatMatch.REST).where(SimpleCondition.of(SustainedOverheatRule::continuesEpisode))
                .times(2).consecutive();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, WindowSummary, AlertEvent> harness(
            Pattern<WindowSummary, WindowSummary> pattern, AfterMatchSkipStrategy skip, OperatorSubtaskState restore)
            throws Exception {
        CepOperator<WindowSummary, String, AlertEvent> operator = new CepOperator<>(
                AvroType.forRecord(WindowSummary.class).createSerializer(new SerializerConfigImpl()), true,
                NFACompiler.compileFactory(pattern, false), null, skip, new SustainedOverheatMatch(FILE), null);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(operator, WindowSummary::getAssetId, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static List<AlertTriggered> triggered(KeyedOneInputStreamOperatorTestHarness<String, WindowSummary, AlertEvent> h) {
        return h.extractOutputValues().stream().map(AlertEvent::getTriggered).toList();
    }

    /** Minute {@code m}'s summary; {@code rule} null as the first release wrote them. */
    private static WindowSummary window(String assetId, int m, boolean hot, boolean continues, WindowRule rule) {
        return WindowSummary.newBuilder().setAssetId(assetId).setAssetType("TURBINE").setLocation("AP-Plant-7")
                .setWindowStart(at(0) + m * MIN).setWindowEnd(at(0) + (m + 1) * MIN)
                .setCount(2).setSum(hot ? 190 : 100).setMax(hot ? 96 : 51).setHot(hot).setContinuesHotStreak(continues)
                .setEventIds(new ArrayList<>(List.of(assetId + "-" + m))).setRule(rule).build();
    }

    private static WindowRule rule(int count) {
        return WindowRule.newBuilder().setWarn(90).setWindowCount(count).setWindowSizeMillis(MIN).setVersion(5)
                .setScope("type:TURBINE").build();
    }

    @Test
    void aFirstReleaseStreakOfTwoHotWindowsAlertsOnItsThirdAfterTheUpgrade() throws Exception {
        OperatorSubtaskState saved;
        try (var old = harness(firstReleasePattern(), AfterMatchSkipStrategy.skipPastLastEvent(), null)) {
            old.processElement(window("T-1", 0, true, false, null), 1);
            old.processElement(window("T-1", 1, true, true, null), 2);
            assertThat(triggered(old)).isEmpty();
            saved = old.snapshot(1, 3);
        }
        try (var upgraded = harness(SustainedOverheatMatch.pattern(FILE), AfterMatchSkipStrategy.noSkip(), saved)) {
            upgraded.processElement(window("T-1", 2, true, true, null), 4);
            upgraded.processElement(window("T-1", 3, true, true, null), 5);
            assertThat(triggered(upgraded)).singleElement().satisfies(a -> {
                assertThat(a.getEventIds()).containsExactly("T-1-0", "T-1-1", "T-1-2");
                assertThat(a.getReason()).isEqualTo("Average temperature above 90.0 for 3 consecutive minutes");
                assertThat(a.getRuleVersion()).isEqualTo(0);
            });
        }
    }

    @Test
    void oneOperatorMatchesEachStreakToTheCountItsRuleAsksFor() throws Exception {
        try (var h = harness(SustainedOverheatMatch.pattern(FILE), AfterMatchSkipStrategy.noSkip(), null)) {
            h.processElement(window("ONE", 0, true, false, rule(1)), 1);
            assertThat(triggered(h)).as("a count of 1 alerts on the window itself").hasSize(1);
            for (int m = 0; m < 6; m++) {
                h.processElement(window("THREE", m, true, m > 0, rule(3)), 10 + m);
                h.processElement(window("ONE", m + 1, true, true, rule(1)), 20 + m);
            }
            assertThat(triggered(h)).extracting(AlertTriggered::getAssetId, a -> a.getEventIds().size(),
                    AlertTriggered::getRuleVersion)
                    .as("one alert per episode each, however long it lasts")
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("ONE", 1, 5L),
                            org.assertj.core.groups.Tuple.tuple("THREE", 3, 5L));
        }
    }
}
