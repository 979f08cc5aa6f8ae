package io.assetalerts.udfs.functions;

import static io.assetalerts.udfs.functions.Fixtures.asset;
import static io.assetalerts.udfs.functions.Fixtures.at;
import static io.assetalerts.udfs.functions.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.RegisteredReading;
import io.assetalerts.udfs.rules.RuleBook;
import io.assetalerts.udfs.rules.RuleSettings;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The threshold rule behind the registry join, through Flink's harnesses: ordering, episodes, ids. */
class ThresholdRuleFunctionTest {

    private static final RuleBook RULES = new RuleBook(RuleSettings.SPEC_DEFAULTS,
            Map.of("PUMP", RuleSettings.SPEC_DEFAULTS.withCritical(80)));

    /** Feeds readings in the given arrival order with a 5 s bounded-out-of-orderness watermark; returns the alerts. */
    private static List<AlertTriggered> alerts(List<Reading> arrivalOrder, String assetType) throws Exception {
        List<RegisteredReading> ordered;
        try (var join = RegistryJoinTest.harness(1000, null)) {
            join.processBroadcastElement(asset("T-1", assetType), at(0));
            long maxSeen = Long.MIN_VALUE;
            for (Reading r : arrivalOrder) {
                long ts = r.getEvent().getTimestamp().toEpochMilli();
                join.processElement(r, ts);
                maxSeen = Math.max(maxSeen, ts);
                join.processWatermark(maxSeen - 5000 - 1);
            }
            join.processWatermark(Long.MAX_VALUE);
            assertThat(join.getSideOutput(DeadLetterOutput.TAG)).isNullOrEmpty();
            ordered = join.extractOutputValues();
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, RegisteredReading, AlertTriggered> rule =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new ThresholdRuleFunction(RULES),
                        r -> r.getReading().getEvent().getAssetId(), Types.STRING)) {
            for (RegisteredReading r : ordered) {
                rule.processElement(r, r.getReading().getEvent().getTimestamp().toEpochMilli());
            }
            return rule.extractOutputValues();
        }
    }

    private static List<Reading> series(double... temperatures) {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < temperatures.length; i++) {
            readings.add(reading("T-1", String.format("e%03d", i), i, temperatures[i]));
        }
        return readings;
    }

    @Test
    void seedReadingsRaiseExactlyOneHighAlert() throws Exception {
        List<AlertTriggered> alerts = alerts(series(96.2, 101.5, 103.0), "TURBINE");
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.getSeverity()).isEqualTo("HIGH");
            assertThat(a.getEventIds()).containsExactly("e001");
        });
    }

    @Test
    void outOfOrderReadingsWithinTheBoundGiveTheSameAlertsAsSortedOnes() throws Exception {
        List<Reading> sorted = series(95, 101, 99, 100, 102, 104, 98, 97, 105, 100.01, 99.99, 100.5, 90, 91, 130);
        List<AlertTriggered> expected = alerts(sorted, "TURBINE");
        assertThat(expected).hasSize(5);
        Random random = new Random(42);
        for (int trial = 0; trial < 20; trial++) {
            List<Reading> shuffled = shuffleWithin(sorted, 4, random);
            assertThat(alerts(shuffled, "TURBINE")).as("arrival order %s", ids(shuffled)).isEqualTo(expected);
        }
    }

    @Test
    void perTypeThresholdAppliesToThatTypeOnly() throws Exception {
        List<Reading> warm = series(85, 79, 81);
        assertThat(alerts(warm, "PUMP")).hasSize(2);
        assertThat(alerts(warm, "TURBINE")).isEmpty();
    }

    /** Delays each reading's arrival by a random 0..maxSeconds, so no reading is later than the 5 s bound. */
    private static List<Reading> shuffleWithin(List<Reading> sorted, int maxSeconds, Random random) {
        Map<Reading, Double> arrival = new HashMap<>();
        for (Reading r : sorted) {
            arrival.put(r, r.getEvent().getTimestamp().toEpochMilli() / 1000.0 + random.nextDouble() * maxSeconds);
        }
        List<Reading> out = new ArrayList<>(sorted);
        out.sort(Comparator.comparing(arrival::get));
        return out;
    }

    private static List<String> ids(List<Reading> readings) {
        return readings.stream().map(r -> r.getEvent().getEventId()).toList();
    }
}
