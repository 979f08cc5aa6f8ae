package io.assetalerts.udfs.evaluator;

import static io.assetalerts.udfs.evaluator.Fixtures.at;
import static io.assetalerts.udfs.evaluator.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.rules.RuleSettings;
import io.assetalerts.udfs.rules.sustained.SustainedOverheatMatch;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SUSTAINED_OVERHEAT through Flink: the evaluator's windows in its harness (event-time timers close windows),
 * then the CEP pattern on a MiniCluster over those summaries.
 */
class SustainedOverheatTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberSlotsPerTaskManager(2).build());

    private static final RuleBook RULES = new RuleBook(RuleSettings.SPEC_DEFAULTS,
            Map.of("PUMP", new RuleSettings(80, 70, Duration.ofMinutes(1), 3),
                    "FAN", new RuleSettings(100, 90, Duration.ofSeconds(30), 2)));

    /** Minute {@code m} (0-based from T0, which is minute-aligned) with readings averaging {@code avg}; null = no readings. */
    private static List<Reading> minutes(String assetId, Double... averages) {
        List<Reading> readings = new ArrayList<>();
        for (int m = 0; m < averages.length; m++) {
            if (averages[m] == null) {
                continue;
            }
            readings.add(reading(assetId, assetId + "-" + m + "a", m * 60 + 10, averages[m] - 1));
            readings.add(reading(assetId, assetId + "-" + m + "b", m * 60 + 40, averages[m] + 1));
        }
        return readings;
    }

    private static List<WindowSummary> summaries(List<Reading> readings, String assetType) throws Exception {
        try (EvaluatorHarness h = EvaluatorHarness.open(1000, RULES, null)) {
            for (Reading r : readings) {
                h.register(r.getEvent().getAssetId(), assetType);
            }
            for (Reading r : readings) {
                h.send(r);
                h.watermark(r.getEvent().getTimestamp().toEpochMilli());
            }
            h.watermark(Long.MAX_VALUE);
            return h.windows();
        }
    }

    private static List<AlertTriggered> alerts(List<Reading> readings, String assetType) throws Exception {
        List<WindowSummary> summaries = summaries(readings, assetType);
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        List<AlertTriggered> out = new ArrayList<>();
        if (summaries.isEmpty()) {
            return out;
        }
        CEP.pattern(env.fromData(AvroType.forRecord(WindowSummary.class), summaries.toArray(WindowSummary[]::new))
                                .keyBy(WindowSummary::getAssetId, Types.STRING),
                        SustainedOverheatMatch.pattern(RULES))
                .inProcessingTime()
                .process(new SustainedOverheatMatch(RULES), AvroType.forRecord(io.assetalerts.schemas.state.AlertEvent.class))
                .executeAndCollect().forEachRemaining(e -> out.add(e.getTriggered()));
        return out;
    }

    @Test
    void exactlyThreeAdjacentHotWindowsRaiseOneMediumAlertAtTheThirdWindowsEnd() throws Exception {
        List<AlertTriggered> alerts = alerts(minutes("T-1", 85.0, 95.0, 96.0, 97.0, 80.0), "TURBINE");
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.getRule()).isEqualTo("SUSTAINED_OVERHEAT");
            assertThat(a.getSeverity()).isEqualTo("MEDIUM");
            assertThat(a.getReason()).isEqualTo("Average temperature above 90.0 for 3 consecutive minutes");
            assertThat(a.getWindowStart()).isEqualTo(Instant.ofEpochMilli(at(60)));
            assertThat(a.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(at(240)));
            assertThat(a.getTimestamp()).isEqualTo(a.getWindowEnd());
            assertThat(a.getTemperature()).isEqualTo(96.0);
            assertThat(a.getThreshold()).isEqualTo(90.0);
            assertThat(a.getEventIds()).containsExactly("T-1-1a", "T-1-1b", "T-1-2a", "T-1-2b", "T-1-3a", "T-1-3b");
        });
    }

    @Test
    void aLongerEpisodeStillRaisesOneAlert() throws Exception {
        assertThat(alerts(minutes("T-1", 95.0, 95.0, 95.0, 95.0, 95.0, 95.0), "TURBINE")).hasSize(1);
    }

    @Test
    void aCoolWindowEndsTheEpisode() throws Exception {
        assertThat(alerts(minutes("T-1", 95.0, 95.0, 89.0, 95.0, 95.0), "TURBINE")).isEmpty();
        assertThat(alerts(minutes("T-1", 95.0, 95.0, 95.0, 89.0, 95.0, 95.0, 95.0), "TURBINE")).hasSize(2);
    }

    @Test
    void anEmptyMinuteBetweenHotWindowsIsAGap() throws Exception {
        assertThat(alerts(minutes("T-1", 95.0, 95.0, null, 95.0, 95.0), "TURBINE")).isEmpty();
    }

    @Test
    void aWindowAveragingExactlyWarnIsNotHot() throws Exception {
        assertThat(alerts(minutes("T-1", 95.0, 90.0, 95.0, 95.0), "TURBINE")).isEmpty();
    }

    @Test
    void perTypeRulesChangeTheOutcomeForThatTypeOnly() throws Exception {
        List<Reading> warm = minutes("A-1", 75.0, 75.0, 75.0);
        assertThat(alerts(warm, "PUMP")).singleElement()
                .satisfies(a -> assertThat(a.getReason()).isEqualTo("Average temperature above 70.0 for 3 consecutive minutes"));
        assertThat(alerts(warm, "TURBINE")).isEmpty();
    }

    @Test
    void windowSizeAndCountComeFromTheAssetType() throws Exception {
        List<Reading> readings = List.of(reading("F-1", "f1", 0, 95), reading("F-1", "f2", 30, 95), reading("F-1", "f3", 75, 95));
        assertThat(alerts(readings, "FAN")).singleElement().satisfies(a -> {
            assertThat(a.getWindowStart()).isEqualTo(Instant.ofEpochMilli(at(0)));
            assertThat(a.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(at(60)));
            assertThat(a.getReason()).isEqualTo("Average temperature above 90.0 for 2 consecutive 30s windows");
        });
    }

    @Test
    void windowsCloseOnTheWatermarkWithoutALaterReading() throws Exception {
        List<WindowSummary> windows = summaries(minutes("T-1", 95.0), "TURBINE");
        assertThat(windows).singleElement().satisfies(w -> {
            assertThat(w.getCount()).isEqualTo(2);
            assertThat(w.getSum() / w.getCount()).isEqualTo(95.0);
            assertThat(w.getMax()).isEqualTo(96.0);
            assertThat(w.getHot()).isTrue();
        });
    }
}
