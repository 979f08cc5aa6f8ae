package io.assetalerts.udfs.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
}
