package io.assetalerts.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.contracts.codec.EventJson;
import org.junit.jupiter.api.Test;

class AlertLineTest {

    @Test
    void thresholdAlert() {
        AlertTriggered alert = AlertTriggered.newBuilder()
                .setAlertId("a1").setAssetId("TURBINE-101").setSeverity("HIGH")
                .setReason("Temperature threshold breached").setRule("TEMPERATURE_THRESHOLD")
                .setAssetType("TURBINE").setLocation("AP-Plant-7").setTemperature(104.7).setThreshold(100.0)
                .setEventIds(List.of("e1")).setTimestamp(Instant.parse("2026-01-10T10:16:06.250Z"))
                .build();
        assertThat(AlertLine.format(alert)).isEqualTo(
                "10:16:06Z HIGH   TURBINE-101 (TURBINE @ AP-Plant-7) TEMPERATURE_THRESHOLD 104.7°C > 100.0  alertId=a1");
    }

    @Test
    void sustainedAlertShowsTheAverageAndTheWindows() {
        AlertTriggered alert = AlertTriggered.newBuilder()
                .setAlertId("a2").setAssetId("PUMP-101").setSeverity("MEDIUM")
                .setReason("Average temperature above 90.0 for 3 consecutive minutes").setRule("SUSTAINED_OVERHEAT")
                .setAssetType("PUMP").setLocation("EU-Plant-3").setTemperature(93.44).setThreshold(90.0)
                .setWindowStart(Instant.parse("2026-01-10T10:16:00Z"))
                .setWindowEnd(Instant.parse("2026-01-10T10:19:00Z"))
                .setEventIds(List.of()).setTimestamp(Instant.parse("2026-01-10T10:19:00Z"))
                .build();
        assertThat(AlertLine.format(alert)).isEqualTo("10:19:00Z MEDIUM PUMP-101 (PUMP @ EU-Plant-3) SUSTAINED_OVERHEAT"
                + " avg 93.4°C > 90.0 in 10:16:00Z-10:19:00Z  alertId=a2");
    }

    @Test
    void seedShapedAlertShowsItsReason() {
        AlertTriggered alert = EventJson.decodeAlertTriggered(("{\"alertId\":\"a3\",\"assetId\":\"TURBINE-101\","
                + "\"severity\":\"HIGH\",\"reason\":\"Temperature threshold breached\","
                + "\"timestamp\":\"2026-01-10T10:16:06Z\"}").getBytes(StandardCharsets.UTF_8)).value();
        assertThat(AlertLine.format(alert))
                .isEqualTo("10:16:06Z HIGH   TURBINE-101 Temperature threshold breached  alertId=a3");
    }

    @Test
    void anEpisodesEndIsOneClearLineWithTheAlertsId() {
        var resolved = io.assetalerts.schemas.AlertResolved.newBuilder()
                .setAlertId("73513a7a-0000-0000-0000-000000000000").setAssetId("TURBINE-101")
                .setRule("TEMPERATURE_THRESHOLD").setSeverity("HIGH").setReason("Temperature at or below 95.0 for 1m")
                .setAssetType("TURBINE").setLocation("US-Substation-9")
                .setEpisodeStart(java.time.Instant.parse("2026-01-10T10:16:06Z"))
                .setTimestamp(java.time.Instant.parse("2026-01-10T10:18:20Z"))
                .setDurationMillis(134_000).setPeakTemperature(104.25).build();
        assertThat(AlertLine.format(resolved)).isEqualTo("10:18:20Z CLEAR  TURBINE-101 (TURBINE @ US-Substation-9)"
                + " TEMPERATURE_THRESHOLD ended after 2m14s, peak 104.3°C: Temperature at or below 95.0 for 1m"
                + "  alertId=73513a7a-0000-0000-0000-000000000000");
    }
}
