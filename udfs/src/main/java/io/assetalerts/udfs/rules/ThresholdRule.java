package io.assetalerts.udfs.rules;

import java.util.List;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.ThresholdEpisode;

/**
 * Rule 1 of SPEC 4.1, TEMPERATURE_THRESHOLD: a reading strictly above {@code critical} opens a breach
 * episode and raises one HIGH alert; further hot readings belong to the same episode; a reading at or below
 * {@code critical} ends it and re-arms the rule. Fed one asset's readings in event-time order, each judged by the
 * rule version in force at its timestamp ({@link RuleVersions}); while the rule is disabled, readings raise nothing and
 * an open episode ends, so re-enabling it starts afresh.
 */
public final class ThresholdRule {

    public static final String NAME = "TEMPERATURE_THRESHOLD";
    public static final String SEVERITY = "HIGH";
    public static final String REASON = "Temperature threshold breached";

    private ThresholdRule() {
    }

    /** The episode state after a reading, and the alert the reading raised (null if none). */
    public record Step(ThresholdEpisode next, AlertTriggered alert) {
    }

    /**
     * @param current the asset's episode state, null before its first reading
     */
    public static Step apply(ThresholdEpisode current, TelemetryReceived reading, String assetType, String location,
            RuleVersions.Threshold rule) {
        boolean inBreach = current != null && current.getInBreach();
        if (!rule.enabled()) {
            return new Step(inBreach || current == null ? idle() : current, null);
        }
        double critical = rule.critical();
        boolean hot = reading.getTemperature() > critical;
        if (!hot) {
            return new Step(inBreach || current == null ? idle() : current, null);
        }
        if (inBreach) {
            return new Step(current, null);
        }
        long start = reading.getTimestamp().toEpochMilli();
        AlertTriggered alert = AlertTriggered.newBuilder()
                .setAlertId(AlertIds.of(reading.getAssetId(), NAME, start))
                .setAssetId(reading.getAssetId())
                .setSeverity(SEVERITY)
                .setReason(REASON)
                .setRule(NAME)
                .setAssetType(assetType)
                .setLocation(location)
                .setTemperature(reading.getTemperature())
                .setThreshold(critical)
                .setEventIds(List.of(reading.getEventId()))
                .setTimestamp(reading.getTimestamp())
                .setRuleVersion(rule.version())
                .setRuleScope(rule.scope())
                .build();
        return new Step(new ThresholdEpisode(true, start), alert);
    }

    private static ThresholdEpisode idle() {
        return new ThresholdEpisode(false, 0L);
    }
}
