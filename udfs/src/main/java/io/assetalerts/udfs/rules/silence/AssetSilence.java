package io.assetalerts.udfs.rules.silence;

import java.time.Duration;
import java.time.Instant;

import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.state.AssetRules;
import io.assetalerts.schemas.state.KnownAsset;
import io.assetalerts.contracts.codec.AlertIds;
import io.assetalerts.contracts.rules.RuleVersions;
import org.apache.flink.util.TimeUtils;

/**
 * ASSET_SILENT (issue 13): a registered asset that sends no reading for {@code silence-after} of event time. Its clock
 * is the asset's latest evaluated reading, or its registration's timestamp before the first one, so an asset that
 * registered and never reported goes silent too. Event time is the fleet's watermark: the alert is raised when the
 * watermark passes {@code last + silenceAfter}, which needs readings of other assets, so a stalled pipeline or a whole
 * fleet that stops raises nothing until event time moves again.
 *
 * <p>Deterministic: a silence exists exactly when two consecutive activities of the asset (registration, readings in
 * event-time order) are more than {@code silenceAfter} apart, or when event time passes the last one by that much.
 * When the watermark got there first, the alert was raised by a timer and the next reading resolves it; when the
 * readings ending the gap are evaluated in the same step (held readings released together, a replay), the reading
 * raises and resolves it at once, with the same alertId and timestamps.
 *
 * <p>State restored from a release before silence detection has no clock ({@code lastReadingAt} null while the asset's
 * rules already have state): its first reading after the upgrade starts it.
 */
public final class AssetSilence {

    public static final String NAME = "ASSET_SILENT";
    public static final String SEVERITY = "MEDIUM";

    private AssetSilence() {
    }

    /** What one reading or one event-time step did: a silence raised and/or ended, each possibly null. */
    public record Step(AlertTriggered raised, AlertResolved resolved) {
        static final Step NONE = new Step(null, null);
    }

    /**
     * A reading at {@code at}, evaluated in event-time order: ends an open silence, or reports (raised and ended) one
     * no timer caught, then moves the clock. Call before the asset's other rules see the reading.
     */
    public static Step reading(AssetRules state, String assetId, KnownAsset asset, long at, long silenceAfter,
            RuleVersions rules) {
        if (silenceAfter <= 0) {
            return Step.NONE;
        }
        Long last = clock(state, asset);
        Step step = Step.NONE;
        if (state.getSilentSince() != null) {
            step = new Step(null, end(assetId, asset, state.getSilentSince(), at, state.getSilenceVersion(),
                    state.getSilenceScope()));
        } else if (last != null && at - last > silenceAfter) {
            RuleVersions.Silence rule = rules.silence(assetId, asset.getAssetType(), last + silenceAfter);
            if (rule.enabled()) {
                AlertTriggered raised = alert(assetId, asset, last, state.getLastReadingAt() == null, silenceAfter, rule);
                step = new Step(raised, end(assetId, asset, last + silenceAfter, at, rule.version(), rule.scope()));
            }
        }
        state.setSilentSince(null);
        state.setSilenceVersion(null);
        state.setSilenceScope(null);
        state.setLastReadingAt(at);
        return step;
    }

    /**
     * Event time has reached {@code time} (this asset's readings up to it are evaluated): raises the silence if the
     * clock is {@code silenceAfter} behind and the rule in force at that moment watches the asset.
     */
    public static Step expire(AssetRules state, String assetId, KnownAsset asset, long time, long silenceAfter,
            RuleVersions rules) {
        Long last = clock(state, asset);
        if (silenceAfter <= 0 || state.getSilentSince() != null || last == null || last + silenceAfter > time) {
            return Step.NONE;
        }
        long start = last + silenceAfter;
        RuleVersions.Silence rule = rules.silence(assetId, asset.getAssetType(), start);
        if (!rule.enabled()) {
            return Step.NONE;
        }
        AlertTriggered raised = alert(assetId, asset, last, state.getLastReadingAt() == null, silenceAfter, rule);
        state.setSilentSince(start);
        state.setSilenceVersion(rule.version());
        state.setSilenceScope(rule.scope());
        return new Step(raised, null);
    }

    /**
     * When the silence check must run next (the event time the asset goes silent if no reading comes first), or -1 if
     * none is due: silent already, no clock, or the moment passed while detection was off.
     */
    public static long nextCheck(AssetRules state, KnownAsset asset, long time, long silenceAfter) {
        if (silenceAfter <= 0 || state.getSilentSince() != null) {
            return -1;
        }
        Long last = clock(state, asset);
        if (last == null || last + silenceAfter <= time) {
            return -1;
        }
        return last + silenceAfter;
    }

    /** Whether the asset has an open ASSET_SILENT alert. */
    public static boolean open(AssetRules state) {
        return state.getSilentSince() != null;
    }

    /**
     * The asset's last activity: its latest reading, or its registration before the first one; null for state restored
     * from a release without silence detection (rules hold state, but no reading was seen since the upgrade).
     */
    private static Long clock(AssetRules state, KnownAsset asset) {
        if (state.getLastReadingAt() != null) {
            return state.getLastReadingAt();
        }
        boolean restoredWithoutClock = state.getThreshold() != null || state.getWindow() != null;
        return restoredWithoutClock || asset == null ? null : asset.getRegisteredAt();
    }

    /**
     * The alert of a silence that began at {@code last + silenceAfter}; {@code neverReported}: {@code last} is the
     * registration's timestamp.
     */
    public static AlertTriggered alert(String assetId, KnownAsset asset, long last, boolean neverReported,
            long silenceAfter, RuleVersions.Silence rule) {
        long start = last + silenceAfter;
        String since = neverReported
                ? "registered at " + Instant.ofEpochMilli(last) + ", no reading since"
                : "last reading at " + Instant.ofEpochMilli(last);
        return AlertTriggered.newBuilder()
                .setAlertId(AlertIds.of(assetId, NAME, start))
                .setAssetId(assetId)
                .setSeverity(SEVERITY)
                .setRule(NAME)
                .setReason("no reading for " + TimeUtils.formatWithHighestUnit(Duration.ofMillis(silenceAfter))
                        + " (" + since + ")")
                .setAssetType(asset.getAssetType())
                .setLocation(asset.getLocation())
                .setTimestamp(Instant.ofEpochMilli(start))
                .setRuleVersion(rule.version())
                .setRuleScope(rule.scope())
                .build();
    }

    /** A duration as people say it: {@code 4 min}, {@code 2 min 9.6 s}, {@code 45 s}. */
    static String readable(long millis) {
        long minutes = millis / 60_000;
        long rest = millis % 60_000;
        String seconds = rest % 1000 == 0 ? Long.toString(rest / 1000)
                : java.math.BigDecimal.valueOf(rest, 3).stripTrailingZeros().toPlainString();
        if (minutes == 0) {
            return seconds + " s";
        }
        return rest == 0 ? minutes + " min" : minutes + " min " + seconds + " s";
    }

    /** The end of a silence that began at {@code start}, by a reading at {@code at}. */
    public static AlertResolved end(String assetId, KnownAsset asset, long start, long at, Long version,
            String scope) {
        return AlertResolved.newBuilder()
                .setAlertId(AlertIds.of(assetId, NAME, start))
                .setAssetId(assetId)
                .setRule(NAME)
                .setSeverity(SEVERITY)
                .setReason("reading at " + Instant.ofEpochMilli(at) + " after " + readable(at - start) + " of silence")
                .setAssetType(asset.getAssetType())
                .setLocation(asset.getLocation())
                .setEpisodeStart(Instant.ofEpochMilli(start))
                .setTimestamp(Instant.ofEpochMilli(at))
                .setDurationMillis(at - start)
                .setRuleVersion(version)
                .setRuleScope(scope)
                .build();
    }
}
