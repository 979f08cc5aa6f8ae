package io.assetalerts.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.state.ThresholdEpisode;
import io.assetalerts.schemas.state.WindowAccumulator;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.tools.simulator.Incident.Kind;
import io.assetalerts.tools.simulator.TelemetryGenerator.Reading;
import io.assetalerts.tools.simulator.TelemetryGenerator.Settings;
import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.contracts.rules.RuleSettings;
import io.assetalerts.udfs.rules.sustained.SustainedOverheatRule;
import io.assetalerts.udfs.rules.threshold.ThresholdRule;
import org.junit.jupiter.api.Test;

/**
 * The simulator's telemetry checked against the rules' own plain classes: normal noise never alerts, a spike
 * raises exactly one TEMPERATURE_THRESHOLD alert and a sustained overheat exactly one SUSTAINED_OVERHEAT alert,
 * and everything follows from the seed.
 */
class TelemetryGeneratorTest {

    private static final Instant START = Instant.parse("2026-01-10T10:15:00Z");
    private static final RuleSettings RULES = RuleSettings.SPEC_DEFAULTS;
    private static final io.assetalerts.contracts.rules.RuleVersions VERSIONS =
            new io.assetalerts.contracts.rules.RuleVersions(io.assetalerts.contracts.rules.RuleBook.of(RULES));

    private static Settings settings(long seed, List<Incident> incidents) {
        return new Settings(Fleet.of(24, seed), seed, START, 50, 10, incidents, null, null, Duration.ofMinutes(4),
                RULES.critical(), RULES.warn());
    }

    private static List<Reading> generate(Settings settings, int count) {
        TelemetryGenerator generator = new TelemetryGenerator(settings);
        List<Reading> readings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            readings.add(generator.next());
        }
        return readings;
    }

    @Test
    void sameSeedGivesTheSameReadingsAndEventIds() {
        Settings settings = settings(7, List.of(new Incident("TURBINE-101", Kind.SPIKE, Duration.ofSeconds(30))));
        assertThat(generate(settings, 5_000)).isEqualTo(generate(settings, 5_000));
    }

    @Test
    void anotherSeedGivesOtherReadings() {
        List<Reading> a = generate(settings(7, List.of()), 100);
        List<Reading> b = generate(settings(8, List.of()), 100);
        assertThat(a.stream().map(Reading::temperature).toList())
                .isNotEqualTo(b.stream().map(Reading::temperature).toList());
    }

    @Test
    void eventTimeRunsSpeedupTimesFasterThanTheRate() {
        List<Reading> readings = generate(settings(1, List.of()), 1_001);
        // 50 readings per wall second at x10: 200 ms of event time per reading, assets in turn
        assertThat(readings.get(1).timestamp()).isEqualTo(START.plusMillis(200));
        assertThat(readings.get(1_000).timestamp()).isEqualTo(START.plusSeconds(200));
        assertThat(readings.get(24).asset()).isEqualTo(readings.get(0).asset());
        for (int i = 1; i < readings.size(); i++) {
            assertThat(readings.get(i).timestamp()).isAfterOrEqualTo(readings.get(i - 1).timestamp());
        }
    }

    @Test
    void normalReadingsStayWellBelowWarnAndAreValidContractEvents() {
        List<Reading> readings = generate(settings(3, List.of()), 100_000);
        assertThat(readings).allSatisfy(r -> {
            assertThat(r.incident()).isNull();
            assertThat(r.temperature()).isBetween(30.0, RULES.warn() - 4);
            assertThat(r.power()).isPositive();
        });
        assertThat(readings.stream().map(Reading::readingId).distinct().count()).isEqualTo(readings.size());
        Reading first = readings.get(0);
        assertThat(EventJson.decodeTelemetryReceived(EventJson.encode(first.toEvent())).value())
                .isEqualTo(first.toEvent());
        assertThat(EventJson.decodeDeviceReading(EventJson.encode(first.toDeviceReading())).value())
                .isEqualTo(first.toDeviceReading());
        assertThat(thresholdAlerts(readings)).isEmpty();
        assertThat(sustainedAlerts(readings)).isEmpty();
    }

    @Test
    void spikeRaisesExactlyOneThresholdAlertAtItsFirstReading() {
        Incident spike = new Incident("PUMP-102", Kind.SPIKE, Duration.ofSeconds(30));
        List<Reading> readings = generate(settings(5, List.of(spike)), 3_000);

        List<Reading> shaped = readings.stream().filter(r -> spike.equals(r.incident())).toList();
        assertThat(shaped).hasSize(TelemetryGenerator.SPIKE_READINGS);
        assertThat(shaped).allSatisfy(r -> {
            assertThat(r.asset().assetId()).isEqualTo("PUMP-102");
            assertThat(r.temperature()).isGreaterThan(RULES.critical() + 1);
        });
        Reading first = shaped.get(0);
        assertThat(first.timestamp()).isAfterOrEqualTo(START.plus(spike.offset()))
                .isBefore(START.plus(spike.offset()).plusMillis(24 * 200));

        List<AlertTriggered> alerts = thresholdAlerts(readings);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).getAssetId()).isEqualTo("PUMP-102");
        assertThat(alerts.get(0).getTimestamp()).isEqualTo(first.timestamp());
        assertThat(alerts.get(0).getTemperature()).isEqualTo(first.temperature());
        assertThat(sustainedAlerts(readings)).isEmpty();
    }

    @Test
    void sustainedOverheatRaisesExactlyOneSustainedAlertAndNoThresholdAlert() {
        Incident sustained = new Incident("TRANSFORMER-101", Kind.SUSTAINED, Duration.ofSeconds(75));
        List<Reading> readings = generate(settings(5, List.of(sustained)), 5_000);

        List<Reading> shaped = readings.stream().filter(r -> sustained.equals(r.incident())).toList();
        assertThat(shaped).allSatisfy(r -> assertThat(r.temperature()).isStrictlyBetween(RULES.warn(),
                RULES.critical()));
        assertThat(shaped.get(0).timestamp()).isAfterOrEqualTo(START.plusSeconds(75));
        assertThat(shaped.get(shaped.size() - 1).timestamp()).isBefore(START.plusSeconds(75 + 240));

        List<AlertTriggered> alerts = sustainedAlerts(readings);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).getAssetId()).isEqualTo("TRANSFORMER-101");
        // the first whole minute after 10:16:15 is 10:17, and three hot minutes end at 10:20
        assertThat(alerts.get(0).getWindowStart()).isEqualTo(Instant.parse("2026-01-10T10:17:00Z"));
        assertThat(alerts.get(0).getTimestamp()).isEqualTo(Instant.parse("2026-01-10T10:20:00Z"));
        assertThat(thresholdAlerts(readings)).isEmpty();
    }

    @Test
    void aSilentIncidentSwallowsTheAssetsReadingsForTwelveMinutesOfEventTime() {
        Incident silent = new Incident("TURBINE-101", Kind.SILENT, Duration.ofSeconds(30));
        List<Reading> readings = generate(settings(5, List.of(silent)), 20_000);

        List<Reading> turbine = readings.stream().filter(r -> r.asset().assetId().equals("TURBINE-101")).toList();
        List<Reading> silenced = turbine.stream().filter(Reading::silenced).toList();
        assertThat(silenced.get(0).timestamp()).isAfterOrEqualTo(START.plusSeconds(30));
        assertThat(silenced.get(silenced.size() - 1).timestamp())
                .isBefore(START.plusSeconds(30).plus(Incident.SILENT_LENGTH));
        assertThat(turbine.get(turbine.size() - 1).timestamp()).as("it reports again afterwards")
                .isAfter(START.plusSeconds(30).plus(Incident.SILENT_LENGTH));
        assertThat(readings.stream().filter(Reading::silenced)).allMatch(r -> r.asset().assetId().equals("TURBINE-101"));
    }

    @Test
    void anIncidentChangesOnlyTheReadingsItShapes() {
        List<Reading> plain = generate(settings(11, List.of()), 4_000);
        List<Reading> withIncidents = generate(settings(11, List.of(
                new Incident("TURBINE-101", Kind.SPIKE, Duration.ofSeconds(10)),
                new Incident("PUMP-101", Kind.SUSTAINED, Duration.ofSeconds(20)))), 4_000);
        for (int i = 0; i < plain.size(); i++) {
            if (withIncidents.get(i).incident() == null) {
                assertThat(withIncidents.get(i)).isEqualTo(plain.get(i));
            }
        }
        assertThat(withIncidents.stream().filter(r -> r.incident() != null).count()).isGreaterThan(3);
    }

    @Test
    void periodicIncidentsFollowTheSeedAtTheirInterval() {
        Settings settings = new Settings(Fleet.of(24, 9), 9, START, 50, 10, List.of(), Duration.ofMinutes(1),
                Duration.ofMinutes(5), Duration.ofMinutes(4), RULES.critical(), RULES.warn());
        TelemetryGenerator generator = new TelemetryGenerator(settings);
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 3_100; i++) {   // 620 s of event time
            readings.add(generator.next());
        }
        List<Incident> started = generator.startedIncidents();
        assertThat(started.stream().filter(i -> i.kind() == Kind.SPIKE).map(Incident::offset))
                .containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(3),
                        Duration.ofMinutes(4), Duration.ofMinutes(5), Duration.ofMinutes(6), Duration.ofMinutes(7),
                        Duration.ofMinutes(8), Duration.ofMinutes(9), Duration.ofMinutes(10));
        assertThat(started.stream().filter(i -> i.kind() == Kind.SUSTAINED).map(Incident::offset))
                .containsExactly(Duration.ofMinutes(5), Duration.ofMinutes(10));

        TelemetryGenerator again = new TelemetryGenerator(settings);
        for (int i = 0; i < 3_100; i++) {
            again.next();
        }
        assertThat(again.startedIncidents()).isEqualTo(started);
    }

    @Test
    void fleetFollowsTheSeedAndNamesTheFirstAssetOfEachType() {
        assertThat(Fleet.of(6, 42)).isEqualTo(Fleet.of(6, 42));
        assertThat(Fleet.of(6, 42).stream().map(Fleet.Asset::assetId))
                .containsExactly("TURBINE-101", "PUMP-101", "TRANSFORMER-101", "TURBINE-102", "PUMP-102",
                        "TRANSFORMER-102");
        assertThat(Fleet.of(24, 42).stream().map(Fleet.Asset::location).distinct().count()).isGreaterThan(3);
        assertThat(Fleet.registration(Fleet.of(1, 42).get(0), START).getEventId())
                .isEqualTo(Fleet.registrationId("TURBINE-101", START));
    }

    /** Every TEMPERATURE_THRESHOLD alert the rule raises for these readings (per asset, in event-time order). */
    private static List<AlertTriggered> thresholdAlerts(List<Reading> readings) {
        Map<String, ThresholdEpisode> episodes = new HashMap<>();
        List<AlertTriggered> alerts = new ArrayList<>();
        for (Reading r : readings) {
            ThresholdRule.Step step = ThresholdRule.apply(episodes.get(r.asset().assetId()), r.toEvent(),
                    r.asset().assetType(), r.asset().location(), VERSIONS.threshold(r.asset().assetId(),
                            r.asset().assetType(), r.toEvent().getTimestamp().toEpochMilli()));
            episodes.put(r.asset().assetId(), step.next());
            if (step.alert() != null) {
                alerts.add(step.alert());
            }
        }
        return alerts;
    }

    /** Every SUSTAINED_OVERHEAT alert: windows from the rule's plain class, N adjacent hot ones per episode. */
    private static List<AlertTriggered> sustainedAlerts(List<Reading> readings) {
        Map<String, WindowAccumulator> open = new HashMap<>();
        Map<String, List<WindowSummary>> streaks = new HashMap<>();
        List<AlertTriggered> alerts = new ArrayList<>();
        for (Reading r : readings) {
            String asset = r.asset().assetId();
            SustainedOverheatRule.Step step = SustainedOverheatRule.add(open.get(asset), r.toEvent(),
                    r.asset().assetType(), r.asset().location(), VERSIONS);
            open.put(asset, step.open());
            WindowSummary closed = step.closed();
            if (closed == null) {
                continue;
            }
            List<WindowSummary> streak = streaks.computeIfAbsent(asset, a -> new ArrayList<>());
            if (SustainedOverheatRule.startsEpisode(closed)) {
                streak.clear();
                streak.add(closed);
            } else if (SustainedOverheatRule.continuesEpisode(closed) && !streak.isEmpty()) {
                streak.add(closed);
            } else {
                streak.clear();
            }
            if (streak.size() == RULES.windowCount()) {
                alerts.add(SustainedOverheatRule.alert(streak, streak.get(0).getRule()));
            }
        }
        return alerts;
    }
}
