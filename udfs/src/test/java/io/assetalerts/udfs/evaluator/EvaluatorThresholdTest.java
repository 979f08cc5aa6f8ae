package io.assetalerts.udfs.evaluator;

import static io.assetalerts.udfs.evaluator.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.rules.RuleSettings;
import org.junit.jupiter.api.Test;

/** The threshold rule in the evaluator, through Flink's harness on RocksDB: ordering, episodes, ids. */
class EvaluatorThresholdTest {

    private static final RuleBook RULES = new RuleBook(RuleSettings.SPEC_DEFAULTS,
            Map.of("PUMP", RuleSettings.SPEC_DEFAULTS.withCritical(80)));

    /** Feeds readings in the given arrival order with a 5 s bounded-out-of-orderness watermark; returns the alerts. */
    private static List<AlertTriggered> alerts(List<Reading> arrivalOrder, String assetType) throws Exception {
        try (EvaluatorHarness h = EvaluatorHarness.open(1000, RULES, null)) {
            h.register("T-1", assetType);
            long maxSeen = Long.MIN_VALUE;
            for (Reading r : arrivalOrder) {
                long ts = r.getEvent().getTimestamp().toEpochMilli();
                h.send(r);
                maxSeen = Math.max(maxSeen, ts);
                h.watermark(maxSeen - 5000 - 1);
            }
            h.watermark(Long.MAX_VALUE);
            assertThat(h.deadLetters()).isEmpty();
            return h.alerts();
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
