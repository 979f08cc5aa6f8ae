package io.assetalerts.udfs.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.ThresholdEpisode;

/**
 * Rule 1 of SPEC 4.1, TEMPERATURE_THRESHOLD, with its lifecycle (issue 13): a reading strictly above {@code critical}
 * opens a breach episode and raises one HIGH alert. The episode lasts until readings stay at or below {@code clear}
 * for {@code clearDelay} of event time: it then ends, exactly at the first such reading's timestamp + the delay, with
 * an {@link AlertResolved} carrying the alert's id, and the rule is armed again. Readings between {@code clear} and
 * {@code critical} keep the episode open and raise nothing. The defaults ({@code clear = critical}, delay 0) are the
 * seed's rule: the first reading at or below {@code critical} ends the episode.
 *
 * <p>Fed one asset's readings in event-time order, each judged by the rule version in force at its timestamp
 * ({@link RuleVersions}). A pending end that no later reading reaches is settled by {@link #expire}, which the job
 * calls from an event-time timer at {@code clearAt}. While the rule is disabled, readings raise nothing and an open
 * episode ends at the first of them, so re-enabling it starts afresh.
 */
public final class ThresholdRule {

    public static final String NAME = "TEMPERATURE_THRESHOLD";
    public static final String SEVERITY = "HIGH";
    public static final String REASON = "Temperature threshold breached";

    private ThresholdRule() {
    }

    /**
     * The episode state after a reading; the alert it raised and the end of an episode it brought (each null if none);
     * and the event time a timer must settle a pending end at (-1 if none).
     */
    public record Step(ThresholdEpisode next, AlertTriggered alert, AlertResolved resolved, long timerAt) {
    }

    /**
     * @param current the asset's episode state, null before its first reading
     */
    public static Step apply(ThresholdEpisode current, TelemetryReceived reading, String assetType, String location,
            RuleVersions.Threshold rule) {
        long ts = reading.getTimestamp().toEpochMilli();
        double temperature = reading.getTemperature();
        ThresholdEpisode state = current == null ? idle() : current;
        AlertResolved resolved = null;
        if (state.getInBreach() && state.getClearAt() >= 0 && ts >= state.getClearAt()) {
            resolved = resolve(state, reading.getAssetId(), assetType, location, state.getClearAt(), rule);
            state = idle();
        }
        if (!rule.enabled()) {
            if (state.getInBreach()) {
                state.setClearVersion(null);
                resolved = resolve(state, reading.getAssetId(), assetType, location, ts, rule,
                        NAME + " disabled (maintenance)");
            }
            return new Step(idle(), null, resolved, -1);
        }
        if (!state.getInBreach()) {
            if (temperature <= rule.critical()) {
                return new Step(state, null, resolved, -1);
            }
            AlertTriggered alert = AlertTriggered.newBuilder()
                    .setAlertId(AlertIds.of(reading.getAssetId(), NAME, ts))
                    .setAssetId(reading.getAssetId())
                    .setSeverity(SEVERITY)
                    .setReason(REASON)
                    .setRule(NAME)
                    .setAssetType(assetType)
                    .setLocation(location)
                    .setTemperature(temperature)
                    .setThreshold(rule.critical())
                    .setEventIds(List.of(reading.getEventId()))
                    .setTimestamp(reading.getTimestamp())
                    .setRuleVersion(rule.version())
                    .setRuleScope(rule.scope())
                    .build();
            return new Step(new ThresholdEpisode(true, ts, temperature, -1L, -1L, null, null, null), alert, resolved, -1);
        }
        if (state.getPeak() != null) {
            state.setPeak(Math.max(state.getPeak(), temperature));
        }
        if (temperature > rule.clear()) {
            state.setClearingSince(-1L);
            state.setClearAt(-1L);
            state.setClear(null);
            state.setClearVersion(null);
            state.setClearScope(null);
            return new Step(state, null, resolved, -1);
        }
        if (state.getClearingSince() < 0) {
            state.setClearingSince(ts);
            state.setClearAt(ts + rule.clearDelayMillis());
            state.setClear(rule.clear());
            state.setClearVersion(rule.version());
            state.setClearScope(rule.scope());
        }
        if (ts >= state.getClearAt()) {
            return new Step(idle(), null,
                    resolve(state, reading.getAssetId(), assetType, location, state.getClearAt(), rule), -1);
        }
        return new Step(state, null, resolved, state.getClearAt());
    }

    /**
     * Settles a pending end at event time {@code time} (the watermark passed it with no reading above clear): the
     * episode ends at its {@code clearAt}. Returns null, and leaves {@code state} as it is, when nothing ends.
     */
    public static AlertResolved expire(ThresholdEpisode state, String assetId, String assetType, String location,
            long time, RuleVersions.Threshold rule) {
        if (state == null || !state.getInBreach() || state.getClearAt() < 0 || state.getClearAt() > time) {
            return null;
        }
        return resolve(state, assetId, assetType, location, state.getClearAt(), rule);
    }

    public static ThresholdEpisode idle() {
        return new ThresholdEpisode(false, 0L, null, -1L, -1L, null, null, null);
    }

    private static AlertResolved resolve(ThresholdEpisode episode, String assetId, String assetType, String location,
            long end, RuleVersions.Threshold rule) {
        long delay = episode.getClearAt() - episode.getClearingSince();
        String reason = "Temperature at or below " + (episode.getClear() != null ? episode.getClear() : rule.clear())
                + (delay > 0 ? " for " + SustainedOverheatRule.formatDuration(Duration.ofMillis(delay)) : "");
        return resolve(episode, assetId, assetType, location, end, rule, reason);
    }

    private static AlertResolved resolve(ThresholdEpisode episode, String assetId, String assetType, String location,
            long end, RuleVersions.Threshold rule, String reason) {
        return AlertResolved.newBuilder()
                .setAlertId(AlertIds.of(assetId, NAME, episode.getEpisodeStart()))
                .setAssetId(assetId)
                .setRule(NAME)
                .setSeverity(SEVERITY)
                .setReason(reason)
                .setAssetType(assetType)
                .setLocation(location)
                .setEpisodeStart(Instant.ofEpochMilli(episode.getEpisodeStart()))
                .setTimestamp(Instant.ofEpochMilli(end))
                .setDurationMillis(end - episode.getEpisodeStart())
                .setPeakTemperature(episode.getPeak())
                .setRuleVersion(episode.getClearVersion() != null ? episode.getClearVersion() : rule.version())
                .setRuleScope(episode.getClearVersion() != null ? episode.getClearScope() : rule.scope())
                .build();
    }
}
