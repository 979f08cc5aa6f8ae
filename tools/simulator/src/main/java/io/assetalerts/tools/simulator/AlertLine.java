package io.assetalerts.tools.simulator;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import io.assetalerts.schemas.AlertTriggered;

/**
 * One alert as one readable line, for people watching the local stack:
 * {@code 10:16:06Z HIGH   TURBINE-101 (TURBINE @ AP-Plant-7) TEMPERATURE_THRESHOLD 104.7°C > 100.0  alertId=...}.
 * Times are event time in UTC. Fields a seed-shaped alert lacks are left out.
 */
public final class AlertLine {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private AlertLine() {
    }

    public static String format(AlertTriggered alert) {
        StringBuilder line = new StringBuilder();
        line.append(time(alert.getTimestamp())).append(' ')
                .append(String.format(Locale.ROOT, "%-6s", alert.getSeverity())).append(' ')
                .append(alert.getAssetId());
        if (alert.getAssetType() != null || alert.getLocation() != null) {
            line.append(" (").append(orQuestionMark(alert.getAssetType())).append(" @ ")
                    .append(orQuestionMark(alert.getLocation())).append(')');
        }
        line.append(' ').append(alert.getRule().isEmpty() ? alert.getReason() : alert.getRule());
        Double temperature = alert.getTemperature();
        if (temperature != null) {
            line.append(' ');
            if (alert.getWindowStart() != null) {
                line.append("avg ");
            }
            line.append(String.format(Locale.ROOT, "%.1f°C", temperature));
            if (alert.getThreshold() != null) {
                line.append(String.format(Locale.ROOT, " > %.1f", alert.getThreshold()));
            }
        }
        if (temperature == null && !alert.getRule().isEmpty()) {
            line.append(": ").append(alert.getReason()); // ASSET_SILENT: no reading for ... (last reading at ...)
        }
        if (alert.getWindowStart() != null && alert.getWindowEnd() != null) {
            line.append(" in ").append(time(alert.getWindowStart())).append('-').append(time(alert.getWindowEnd()));
        }
        if (alert.getRuleVersion() != null && alert.getRuleVersion() > 0) {
            line.append("  rule ").append(alert.getRuleScope()).append(" v").append(alert.getRuleVersion());
        }
        return line.append("  alertId=").append(alert.getAlertId()).toString();
    }

    /**
     * An episode's end, e.g. {@code 18:22:45Z CLEAR  TURBINE-101 (TURBINE @ US-Substation-9) TEMPERATURE_THRESHOLD
     * ended after 14s, peak 104.2°C: Temperature at or below 100.0  alertId=...}; the alertId is the alert's.
     */
    public static String format(io.assetalerts.schemas.AlertResolved resolved) {
        StringBuilder line = new StringBuilder();
        line.append(time(resolved.getTimestamp())).append(' ')
                .append(String.format(Locale.ROOT, "%-6s", "CLEAR")).append(' ')
                .append(resolved.getAssetId());
        if (resolved.getAssetType() != null || resolved.getLocation() != null) {
            line.append(" (").append(orQuestionMark(resolved.getAssetType())).append(" @ ")
                    .append(orQuestionMark(resolved.getLocation())).append(')');
        }
        line.append(' ').append(resolved.getRule()).append(" ended after ")
                .append(java.time.Duration.ofMillis(resolved.getDurationMillis()).toString().substring(2).toLowerCase(Locale.ROOT));
        if (resolved.getPeakTemperature() != null) {
            line.append(String.format(Locale.ROOT, ", peak %.1f°C", resolved.getPeakTemperature()));
        }
        line.append(": ").append(resolved.getReason());
        return line.append("  alertId=").append(resolved.getAlertId()).toString();
    }

    private static String time(Instant instant) {
        return TIME.format(instant);
    }

    private static String orQuestionMark(String value) {
        return value == null ? "?" : value;
    }
}
