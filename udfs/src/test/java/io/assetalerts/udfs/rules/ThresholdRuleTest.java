package io.assetalerts.udfs.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.ThresholdEpisode;
import org.junit.jupiter.api.Test;

class ThresholdRuleTest {

    private static final Instant T0 = Instant.parse("2026-01-10T10:16:05Z");

    private static TelemetryReceived reading(int second, double temperature) {
        return TelemetryReceived.newBuilder()
                .setEventId("e" + second).setAssetId("TURBINE-101").setPower(82.4).setTemperature(temperature)
                .setTimestamp(T0.plusSeconds(second)).build();
    }

    private static List<AlertTriggered> run(double... temperatures) {
        List<AlertTriggered> alerts = new ArrayList<>();
        ThresholdEpisode state = null;
        for (int i = 0; i < temperatures.length; i++) {
            ThresholdRule.Step step = ThresholdRule.apply(state, reading(i, temperatures[i]), "TURBINE", "AP-Plant-7",
                    new RuleVersions.Threshold(true, 100.0, 0, "default"));
            state = step.next();
            if (step.alert() != null) {
                alerts.add(step.alert());
            }
        }
        return alerts;
    }

    @Test
    void readingExactlyAtCriticalDoesNotAlert() {
        assertThat(run(96.2, 100.0, 100.0)).isEmpty();
    }

    @Test
    void firstReadingAboveCriticalRaisesOneHighAlertWithItsDetails() {
        List<AlertTriggered> alerts = run(96.2, 100.1);
        assertThat(alerts).hasSize(1);
        AlertTriggered a = alerts.get(0);
        assertThat(a.getSeverity()).isEqualTo("HIGH");
        assertThat(a.getReason()).isEqualTo("Temperature threshold breached");
        assertThat(a.getRule()).isEqualTo("TEMPERATURE_THRESHOLD");
        assertThat(a.getTemperature()).isEqualTo(100.1);
        assertThat(a.getThreshold()).isEqualTo(100.0);
        assertThat(a.getEventIds()).containsExactly("e1");
        assertThat(a.getTimestamp()).isEqualTo(T0.plusSeconds(1));
        assertThat(a.getAssetType()).isEqualTo("TURBINE");
        assertThat(a.getLocation()).isEqualTo("AP-Plant-7");
        assertThat(a.getAlertId()).isEqualTo(AlertIds.of("TURBINE-101", "TEMPERATURE_THRESHOLD", T0.plusSeconds(1).toEpochMilli()));
    }

    @Test
    void staysQuietWhileTheBreachEpisodeLasts() {
        assertThat(run(101, 105, 120, 100.5)).hasSize(1);
    }

    @Test
    void rearmsOnlyAfterAReadingAtOrBelowCritical() {
        List<AlertTriggered> alerts = run(101, 100.0, 102, 99, 103);
        assertThat(alerts).extracting(AlertTriggered::getEventIds).containsExactly(List.of("e0"), List.of("e2"), List.of("e4"));
        assertThat(alerts).extracting(AlertTriggered::getAlertId).doesNotHaveDuplicates();
    }

    @Test
    void sameInputGivesSameAlertIds() {
        assertThat(run(101, 90, 130)).extracting(AlertTriggered::getAlertId)
                .isEqualTo(run(101, 90, 130).stream().map(AlertTriggered::getAlertId).toList());
    }

    /** Raises and ends over readings one second apart, then event time passing everything: "+e3" raised, "-e0@4" ended. */
    private static List<String> lifecycle(RuleVersions.Threshold rule, double... temperatures) {
        List<String> events = new ArrayList<>();
        ThresholdEpisode state = null;
        for (int i = 0; i < temperatures.length; i++) {
            ThresholdRule.Step step = ThresholdRule.apply(state, reading(i, temperatures[i]), "TURBINE", "AP-Plant-7", rule);
            state = step.next();
            if (step.resolved() != null) {
                events.add(describe(step.resolved()));
            }
            if (step.alert() != null) {
                events.add("+" + step.alert().getEventIds().get(0));
            }
        }
        AlertResolved pending = ThresholdRule.expire(state, "TURBINE-101", "TURBINE", "AP-Plant-7", Long.MAX_VALUE, rule);
        if (pending != null) {
            events.add(describe(pending) + " (by the timer)");
        }
        return events;
    }

    private static String describe(AlertResolved r) {
        long started = (r.getEpisodeStart().toEpochMilli() - T0.toEpochMilli()) / 1000;
        long ended = (r.getTimestamp().toEpochMilli() - T0.toEpochMilli()) / 1000;
        assertThat(r.getAlertId()).isEqualTo(AlertIds.of("TURBINE-101", ThresholdRule.NAME, r.getEpisodeStart().toEpochMilli()));
        assertThat(r.getDurationMillis()).isEqualTo((ended - started) * 1000);
        return "-e" + started + "@" + ended;
    }

    private static final RuleVersions.Threshold SEED = new RuleVersions.Threshold(true, 100.0, 0, "default");
    private static final RuleVersions.Threshold HYSTERESIS = new RuleVersions.Threshold(true, 100, 95, 3000, 2, "type:TURBINE");

    @Test
    void withTheDefaultsEveryAlertIsEndedByTheFirstReadingAtOrBelowCritical() {
        assertThat(lifecycle(SEED, 101, 105, 100.0, 102, 99, 103))
                .containsExactly("+e0", "-e0@2", "+e3", "-e3@4", "+e5");
    }

    @Test
    void aResolveCarriesTheAlertsIdPeakAndDuration() {
        ThresholdRule.Step open = ThresholdRule.apply(null, reading(0, 101), "TURBINE", "AP-Plant-7", SEED);
        ThresholdRule.Step hotter = ThresholdRule.apply(open.next(), reading(1, 107.5), "TURBINE", "AP-Plant-7", SEED);
        ThresholdRule.Step cool = ThresholdRule.apply(hotter.next(), reading(2, 90), "TURBINE", "AP-Plant-7", SEED);
        assertThat(cool.resolved()).satisfies(r -> {
            assertThat(r.getAlertId()).isEqualTo(open.alert().getAlertId());
            assertThat(r.getPeakTemperature()).isEqualTo(107.5);
            assertThat(r.getTimestamp()).isEqualTo(T0.plusSeconds(2));
            assertThat(r.getDurationMillis()).isEqualTo(2000);
            assertThat(r.getReason()).isEqualTo("Temperature at or below 100.0");
            assertThat(r.getSeverity()).isEqualTo("HIGH");
        });
    }

    @Test
    void readingsBetweenClearAndCriticalKeepTheEpisodeOpenAndRaiseNothing() {
        assertThat(lifecycle(HYSTERESIS, 101, 98, 96, 102, 97, 101)).containsExactly("+e0");
    }

    @Test
    void aReadingExactlyAtClearStartsTheDelayAndTheEpisodeEndsExactlyAfterIt() {
        // 95.0 at 1 s (exactly clear): ends at 1 s + 3 s = 4 s; the reading at 4 s is already after the episode
        assertThat(lifecycle(HYSTERESIS, 101, 95.0, 90, 94, 101)).containsExactly("+e0", "-e0@4", "+e4");
    }

    @Test
    void aReadingAboveClearWithinTheDelayRestartsIt() {
        // cool at 1 s, 95.1 at 3 s (inside the delay), cool again from 4 s: ends at 7 s, by the timer
        assertThat(lifecycle(HYSTERESIS, 101, 90, 90, 95.1, 90, 90)).containsExactly("+e0", "-e0@7 (by the timer)");
    }

    @Test
    void oneMillisecondShortOfTheDelayIsNotEnough() {
        ThresholdRule.Step open = ThresholdRule.apply(null, reading(0, 101), "TURBINE", "AP-Plant-7", HYSTERESIS);
        ThresholdRule.Step cool = ThresholdRule.apply(open.next(), reading(1, 90), "TURBINE", "AP-Plant-7", HYSTERESIS);
        assertThat(cool.timerAt()).isEqualTo(T0.plusSeconds(4).toEpochMilli());
        assertThat(ThresholdRule.expire(cool.next(), "TURBINE-101", "TURBINE", "AP-Plant-7",
                T0.plusSeconds(4).toEpochMilli() - 1, HYSTERESIS)).isNull();
        assertThat(ThresholdRule.expire(cool.next(), "TURBINE-101", "TURBINE", "AP-Plant-7",
                T0.plusSeconds(4).toEpochMilli(), HYSTERESIS).getReason())
                .isEqualTo("Temperature at or below 95.0 for 3s");
    }

    @Test
    void disablingTheRuleEndsTheOpenEpisode() {
        ThresholdRule.Step open = ThresholdRule.apply(null, reading(0, 101), "TURBINE", "AP-Plant-7", SEED);
        ThresholdRule.Step off = ThresholdRule.apply(open.next(), reading(1, 120), "TURBINE", "AP-Plant-7",
                new RuleVersions.Threshold(false, 100, 0, "asset:TURBINE-101"));
        assertThat(off.alert()).isNull();
        assertThat(off.resolved().getReason()).isEqualTo("TEMPERATURE_THRESHOLD disabled (maintenance)");
    }
}
