package io.assetalerts.udfs.rules.threshold;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.ThresholdEpisode;
import io.assetalerts.contracts.codec.AlertIds;
import io.assetalerts.contracts.rules.RuleVersions;
import io.assetalerts.udfs.rules.sustained.SustainedOverheatRule;

/**
 * Rule 1 of SPEC 4.1, TEMPERATURE_THRESHOLD, with its lifecycle (issue 13): a reading strictly above {@code critical}
 * opens a breach episode and raises one HIGH alert. The episode lasts until readings stay at or below {@code clear}
 * for {@code clearDelay} of event time: it then ends, exactly at the first such reading's timestamp + the delay, with
 * an {@link AlertResolved} carrying the alert's id, and the rule is armed again. Readings between {@code clear} and
 * {@code critical} keep the episode open and raise nothing. The defaults ({@code clear = critical}, delay 0) are the
 * seed's rule: the first reading at or below {@code critical} ends the episode.
 *
 * <p><b>Flapping control</b> (off unless {@code flapCount} and {@code flapWindow} are set): when an episode opens and
 * more than {@code flapCount} episodes opened within the last {@code flapWindow} of event time (this one included),
 * one alert with rule {@value #FLAPPING} is raised instead of the episode's. From then on the rule's episodes raise no
 * alert and no resolve (they are counted as suppressed), until no episode opened for {@code flapWindow}: the FLAPPING
 * alert is then resolved, at the last opening + {@code flapWindow}.
 *
 * <p>Fed one asset's readings in event-time order, each judged by the rule version in force at its timestamp
 * ({@link RuleVersions}). Ends that no later reading reaches are settled by {@link #expire}, which the job calls from
 * event-time timers. While the rule is disabled, readings raise nothing and an open episode ends at the first of
 * them, so re-enabling it starts afresh.
 */
public final class ThresholdRule {

    public static final String NAME = "TEMPERATURE_THRESHOLD";
    public static final String SEVERITY = "HIGH";
    public static final String REASON = "Temperature threshold breached";
    public static final String FLAPPING = "FLAPPING";

    private ThresholdRule() {
    }

    /**
     * The state after a reading; the alert it raised (null if none); the ends it brought, in event-time order; the
     * event times timers must settle pending ends at; and how many alerts and ends flapping control held back.
     */
    public record Step(ThresholdEpisode next, AlertTriggered alert, List<AlertResolved> ends, List<Long> timers,
            int suppressed) {

        /** The one end of this step, or null (for callers that know there is at most one). */
        public AlertResolved resolved() {
            return ends.isEmpty() ? null : ends.get(ends.size() - 1);
        }

        /** The single timer of this step, or -1. */
        public long timerAt() {
            return timers.isEmpty() ? -1 : timers.get(timers.size() - 1);
        }
    }

    /** What a timer settled: the state after it, the ends, and the ends flapping control held back. */
    public record Expired(ThresholdEpisode next, List<AlertResolved> ends, int suppressed) {
    }

    /**
     * @param current the asset's episode state, null before its first reading
     */
    public static Step apply(ThresholdEpisode current, TelemetryReceived reading, String assetType, String location,
            RuleVersions.Threshold rule) {
        long ts = reading.getTimestamp().toEpochMilli();
        double temperature = reading.getTemperature();
        String assetId = reading.getAssetId();
        List<AlertResolved> ends = new ArrayList<>();
        List<Long> timers = new ArrayList<>();
        int[] suppressed = {0};
        ThresholdEpisode state = settle(current == null ? idle() : current, assetId, assetType, location, ts, rule,
                ends, suppressed);
        if (!rule.enabled()) {
            if (state.getInBreach()) {
                if (state.getSuppressed()) {
                    suppressed[0]++;
                } else {
                    state.setClearVersion(null);
                    ends.add(resolve(state, assetId, assetType, location, ts, rule, NAME + " disabled (maintenance)"));
                }
                state = rest(state);
            }
            return new Step(state, null, ends, timers, suppressed[0]);
        }
        if (!state.getInBreach()) {
            if (temperature <= rule.critical()) {
                return new Step(state, null, ends, timers, suppressed[0]);
            }
            return open(state, reading, assetType, location, rule, ends, timers, suppressed[0]);
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
            return new Step(state, null, ends, timers, suppressed[0]);
        }
        if (state.getClearingSince() < 0) {
            state.setClearingSince(ts);
            state.setClearAt(ts + rule.clearDelayMillis());
            state.setClear(rule.clear());
            state.setClearVersion(rule.version());
            state.setClearScope(rule.scope());
        }
        if (ts >= state.getClearAt()) {
            if (state.getSuppressed()) {
                suppressed[0]++;
            } else {
                ends.add(resolve(state, assetId, assetType, location, state.getClearAt(), rule));
            }
            return new Step(rest(state), null, ends, timers, suppressed[0]);
        }
        timers.add(state.getClearAt());
        return new Step(state, null, ends, timers, suppressed[0]);
    }

    /** A new episode: its alert, or the FLAPPING alert, or nothing while flapping. */
    private static Step open(ThresholdEpisode state, TelemetryReceived reading, String assetType, String location,
            RuleVersions.Threshold rule, List<AlertResolved> ends, List<Long> timers, int suppressed) {
        long ts = reading.getTimestamp().toEpochMilli();
        ThresholdEpisode next = rest(state);
        next.setInBreach(true);
        next.setEpisodeStart(ts);
        next.setPeak(reading.getTemperature());
        if (!rule.flapControl()) {
            // not counted, and the openings counted so far are kept: a FLAPPING alert an earlier version raised still
            // ends at its last counted opening + flapWindow, and its end names that stretch (found by the
            // differential test over 50 fleets: clearing them here made that end fail on an empty list)
            return new Step(next, alert(reading, assetType, location, rule, NAME, REASON, ts), ends, timers, suppressed);
        }
        List<Long> recent = new ArrayList<>();
        for (long opened : next.getRecentOpens()) {
            if (opened > ts - rule.flapWindowMillis()) {
                recent.add(opened);
            }
        }
        recent.add(ts);
        while (recent.size() > rule.flapCount() + 1) {
            recent.remove(0);
        }
        next.setRecentOpens(recent);
        if (next.getFlapStart() >= 0) {
            next.setSuppressed(true);
            next.setFlapUntil(ts + rule.flapWindowMillis());
            timers.add(next.getFlapUntil());
            return new Step(next, null, ends, timers, suppressed + 1);
        }
        if (recent.size() <= rule.flapCount()) {
            return new Step(next, alert(reading, assetType, location, rule, NAME, REASON, ts), ends, timers, suppressed);
        }
        next.setSuppressed(true);
        next.setFlapStart(ts);
        next.setFlapUntil(ts + rule.flapWindowMillis());
        next.setFlapVersion(rule.version());
        next.setFlapScope(rule.scope());
        timers.add(next.getFlapUntil());
        String reason = NAME + " opened " + recent.size() + " episodes within "
                + SustainedOverheatRule.formatDuration(Duration.ofMillis(rule.flapWindowMillis()));
        return new Step(next, alert(reading, assetType, location, rule, FLAPPING, reason, ts), ends, timers, suppressed);
    }

    private static AlertTriggered alert(TelemetryReceived reading, String assetType, String location,
            RuleVersions.Threshold rule, String ruleName, String reason, long ts) {
        return AlertTriggered.newBuilder()
                .setAlertId(AlertIds.of(reading.getAssetId(), ruleName, ts))
                .setAssetId(reading.getAssetId())
                .setSeverity(SEVERITY)
                .setReason(reason)
                .setRule(ruleName)
                .setAssetType(assetType)
                .setLocation(location)
                .setTemperature(reading.getTemperature())
                .setThreshold(rule.critical())
                .setEventIds(List.of(reading.getEventId()))
                .setTimestamp(reading.getTimestamp())
                .setRuleVersion(rule.version())
                .setRuleScope(rule.scope())
                .build();
    }

    /**
     * Settles what event time {@code time} has reached with no reading above clear, and no episode opened: a pending
     * episode end at its {@code clearAt}, and the end of flapping at its {@code flapUntil}, earlier first.
     */
    public static Expired expire(ThresholdEpisode state, String assetId, String assetType, String location,
            long time, RuleVersions.Threshold rule) {
        List<AlertResolved> ends = new ArrayList<>();
        int[] suppressed = {0};
        ThresholdEpisode next = state == null ? null : settle(state, assetId, assetType, location, time, rule, ends,
                suppressed);
        return new Expired(next, ends, suppressed[0]);
    }

    private static ThresholdEpisode settle(ThresholdEpisode state, String assetId, String assetType, String location,
            long time, RuleVersions.Threshold rule, List<AlertResolved> ends, int[] suppressed) {
        while (true) {
            long clearDue = state.getInBreach() && state.getClearAt() >= 0 && state.getClearAt() <= time
                    ? state.getClearAt() : Long.MAX_VALUE;
            long flapDue = state.getFlapStart() >= 0 && state.getFlapUntil() <= time
                    ? state.getFlapUntil() : Long.MAX_VALUE;
            if (clearDue == Long.MAX_VALUE && flapDue == Long.MAX_VALUE) {
                return state;
            }
            if (clearDue <= flapDue) {
                if (state.getSuppressed()) {
                    suppressed[0]++;
                } else {
                    ends.add(resolve(state, assetId, assetType, location, state.getClearAt(), rule));
                }
                state = rest(state);
            } else {
                ends.add(AlertResolved.newBuilder()
                        .setAlertId(AlertIds.of(assetId, FLAPPING, state.getFlapStart()))
                        .setAssetId(assetId)
                        .setRule(FLAPPING)
                        .setSeverity(SEVERITY)
                        .setReason("No " + NAME + " episode opened for "
                                + SustainedOverheatRule.formatDuration(
                                        Duration.ofMillis(state.getFlapUntil() - state.getRecentOpens()
                                                .get(state.getRecentOpens().size() - 1))))
                        .setAssetType(assetType)
                        .setLocation(location)
                        .setEpisodeStart(Instant.ofEpochMilli(state.getFlapStart()))
                        .setTimestamp(Instant.ofEpochMilli(state.getFlapUntil()))
                        .setDurationMillis(state.getFlapUntil() - state.getFlapStart())
                        .setRuleVersion(state.getFlapVersion())
                        .setRuleScope(state.getFlapScope())
                        .build());
                state.setFlapStart(-1L);
                state.setFlapUntil(-1L);
                state.setFlapVersion(null);
                state.setFlapScope(null);
            }
        }
    }

    public static ThresholdEpisode idle() {
        return new ThresholdEpisode(false, 0L, null, -1L, -1L, null, null, null, new ArrayList<>(), -1L, -1L, null,
                null, false);
    }

    /** No episode open; what flapping control remembers carries on. */
    private static ThresholdEpisode rest(ThresholdEpisode state) {
        ThresholdEpisode idle = idle();
        idle.setRecentOpens(new ArrayList<>(state.getRecentOpens()));
        idle.setFlapStart(state.getFlapStart());
        idle.setFlapUntil(state.getFlapUntil());
        idle.setFlapVersion(state.getFlapVersion());
        idle.setFlapScope(state.getFlapScope());
        return idle;
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
