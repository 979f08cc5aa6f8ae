package io.assetalerts.contracts.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.assetalerts.schemas.RuleSet;
import io.assetalerts.schemas.SilenceParameters;
import io.assetalerts.schemas.SustainedOverheatParameters;
import io.assetalerts.schemas.ThresholdParameters;
import io.assetalerts.schemas.state.WindowRule;
import io.assetalerts.contracts.codec.Durations;

/**
 * The rules in force, as data (issue 12): the job's {@code --rules} as version 0, and the versions of each scope read
 * from the rules topic. Everything here is a function of the versions and an event timestamp, so the same readings
 * and the same rules topic give the same alerts whenever and however often they are evaluated.
 *
 * <ul>
 *   <li><b>Version in force.</b> For one scope at event time {@code t}: the highest version whose
 *       {@code effectiveFrom <= t}. A record with a version the scope already has replaces it (log order).</li>
 *   <li><b>Scopes.</b> Asset, then type, then default, then the job's {@code --rules} (its section for the type, or its
 *       defaults). Each parameter comes from the most specific scope whose version in force sets it; the alert names
 *       the most specific scope whose version in force has parameters for its rule, and that version.</li>
 *   <li><b>Windows.</b> A SUSTAINED_OVERHEAT window is governed by the parameters in force at its start, so a change
 *       (of size, warn or count) starts with the first window that starts at or after its {@code effectiveFrom}; the
 *       window open at that moment runs to its end. A new window starts where its size aligns it to the epoch, or
 *       where the previous window ended if that is later, so windows never overlap when the size changes.</li>
 *   <li><b>Bounded.</b> Each scope keeps its latest {@value #MAX_VERSIONS_PER_SCOPE} versions; a tombstone removes the
 *       scope's versions (its readings fall back to the next scope).</li>
 * </ul>
 */
public final class RuleVersions {

    public static final int MAX_VERSIONS_PER_SCOPE = 32;
    public static final String DEFAULT_SCOPE = io.assetalerts.contracts.codec.RuleRecords.DEFAULT_SCOPE;
    public static final long BASELINE_VERSION = 0;

    private static final Comparator<RuleSet> BY_VERSION = Comparator.comparingLong(RuleSet::getVersion);

    private final RuleBook baseline;
    private final Map<String, List<RuleSet>> byScope = new HashMap<>();
    private final Map<String, Threshold> baselineThresholds = new HashMap<>();

    public RuleVersions(RuleBook baseline) {
        this.baseline = baseline;
    }

    public static String assetScope(String assetId) {
        return "asset:" + assetId;
    }

    public static String typeScope(String assetType) {
        return "type:" + assetType;
    }

    /**
     * TEMPERATURE_THRESHOLD as it judges a reading: on or off, its critical value, the clear threshold and delay that
     * end an episode (hysteresis; a clear above critical counts as critical), and which version said so.
     */
    public record Threshold(boolean enabled, double critical, double clear, long clearDelayMillis, int flapCount,
            long flapWindowMillis, long version, String scope) {

        /** Without hysteresis: the first reading at or below critical ends an episode. */
        public Threshold(boolean enabled, double critical, long version, String scope) {
            this(enabled, critical, critical, 0, version, scope);
        }

        /** Without flapping control. */
        public Threshold(boolean enabled, double critical, double clear, long clearDelayMillis, long version,
                String scope) {
            this(enabled, critical, clear, clearDelayMillis, 0, 0, version, scope);
        }

        public boolean flapControl() {
            return flapCount > 0 && flapWindowMillis > 0;
        }
    }

    /** ASSET_SILENT as it judges an asset at an event time: on or off, and which version said so. */
    public record Silence(boolean enabled, long version, String scope) {
    }

    /** A SUSTAINED_OVERHEAT window: where it starts and ends, and the parameters governing it. */
    public record Window(long start, long end, WindowRule rule) {
    }

    /**
     * Applies one record of the rules topic, in log order: a version (kept with the scope's others, the oldest
     * dropped beyond the bound) or a tombstone ({@code ruleSet} null: the scope's versions are removed).
     *
     * @return the versions now kept for the scope, ascending; empty after a tombstone
     */
    public List<RuleSet> apply(String scope, RuleSet ruleSet) {
        if (ruleSet == null) {
            byScope.remove(scope);
            return List.of();
        }
        List<RuleSet> versions = new ArrayList<>(byScope.getOrDefault(scope, List.of()));
        versions.removeIf(v -> v.getVersion() == ruleSet.getVersion());
        versions.add(ruleSet);
        versions.sort(BY_VERSION);
        while (versions.size() > MAX_VERSIONS_PER_SCOPE) {
            versions.remove(0);
        }
        byScope.put(scope, versions);
        return Collections.unmodifiableList(versions);
    }

    /** Puts back the versions of a scope as they were kept (from the job's state). */
    public void restore(String scope, List<RuleSet> versions) {
        List<RuleSet> sorted = new ArrayList<>(versions);
        sorted.sort(BY_VERSION);
        byScope.put(scope, sorted);
    }

    /** The scopes with versions from the topic, each with its versions ascending. */
    public Map<String, List<RuleSet>> scopes() {
        return Collections.unmodifiableMap(byScope);
    }

    public int versionCount() {
        return byScope.values().stream().mapToInt(List::size).sum();
    }

    /** The highest version of the scope in force at {@code at}, or null. */
    public RuleSet inForce(String scope, long at) {
        List<RuleSet> versions = byScope.get(scope);
        if (versions == null) {
            return null;
        }
        for (int i = versions.size() - 1; i >= 0; i--) {
            RuleSet v = versions.get(i);
            if (v.getEffectiveFrom().toEpochMilli() <= at) {
                return v;
            }
        }
        return null;
    }

    public Threshold threshold(String assetId, String assetType, long at) {
        if (byScope.isEmpty()) {
            return baselineThresholds.computeIfAbsent(assetType == null ? "" : assetType, t -> baselineThreshold(assetType));
        }
        RuleSet[] chain = chain(assetId, assetType, at);
        Boolean enabled = null;
        Double critical = null;
        Double clear = null;
        String clearDelay = null;
        Integer flapCount = null;
        String flapWindow = null;
        RuleSet source = null;
        for (RuleSet v : chain) {
            ThresholdParameters p = v == null ? null : v.getTemperatureThreshold();
            if (p == null) {
                continue;
            }
            source = source == null ? v : source;
            enabled = enabled != null ? enabled : p.getEnabled();
            critical = critical != null ? critical : p.getCritical();
            clear = clear != null ? clear : p.getClear();
            clearDelay = clearDelay != null ? clearDelay : p.getClearDelay();
            flapCount = flapCount != null ? flapCount : p.getFlapCount();
            flapWindow = flapWindow != null ? flapWindow : p.getFlapWindow();
        }
        Threshold base = baselineThreshold(assetType);
        double inForce = critical != null ? critical : base.critical();
        // an unset clear follows the critical in force (no hysteresis), wherever that critical came from
        Double baseClear = baseline.forType(assetType).clear();
        double clearInForce = clear != null ? clear : baseClear != null ? baseClear : inForce;
        return new Threshold(enabled == null || enabled, inForce, Math.min(clearInForce, inForce),
                clearDelay != null ? Durations.parse(clearDelay).toMillis() : base.clearDelayMillis(),
                flapCount != null ? flapCount : 0,
                flapWindow != null ? Durations.parse(flapWindow).toMillis() : 0,
                source == null ? BASELINE_VERSION : source.getVersion(),
                source == null ? base.scope() : source.getScope());
    }

    /** The SUSTAINED_OVERHEAT parameters in force at {@code at}. */
    public WindowRule sustained(String assetId, String assetType, long at) {
        RuleSettings base = baseline.forType(assetType);
        Boolean enabled = null;
        Double warn = null;
        String size = null;
        Integer count = null;
        RuleSet source = null;
        if (!byScope.isEmpty()) {
            for (RuleSet v : chain(assetId, assetType, at)) {
                SustainedOverheatParameters p = v == null ? null : v.getSustainedOverheat();
                if (p == null) {
                    continue;
                }
                source = source == null ? v : source;
                enabled = enabled != null ? enabled : p.getEnabled();
                warn = warn != null ? warn : p.getWarn();
                size = size != null ? size : p.getWindowSize();
                count = count != null ? count : p.getWindowCount();
            }
        }
        return WindowRule.newBuilder()
                .setEnabled(enabled == null || enabled)
                .setWarn(warn != null ? warn : base.warn())
                .setWindowCount(count != null ? count : base.windowCount())
                .setWindowSizeMillis(size != null ? Durations.parse(size).toMillis() : base.windowSize().toMillis())
                .setVersion(source == null ? BASELINE_VERSION : source.getVersion())
                .setScope(source == null ? baselineScope(assetType) : source.getScope())
                .build();
    }

    /** Whether ASSET_SILENT watches the asset at {@code at} (on unless a scope in force switches it off). */
    public Silence silence(String assetId, String assetType, long at) {
        if (!byScope.isEmpty()) {
            for (RuleSet v : chain(assetId, assetType, at)) {
                SilenceParameters p = v == null ? null : v.getAssetSilence();
                if (p != null && p.getEnabled() != null) {
                    return new Silence(p.getEnabled(), v.getVersion(), v.getScope());
                }
            }
        }
        return new Silence(true, BASELINE_VERSION, baselineScope(assetType));
    }

    /**
     * The window a reading at {@code at} opens, when the asset's previous window ended at {@code previousEnd} (-1 if
     * it has none): governed by the parameters in force at the window's start.
     */
    public Window openWindow(String assetId, String assetType, long at, long previousEnd) {
        if (previousEnd >= 0 && at >= previousEnd) {
            return chainedWindow(assetId, assetType, at, previousEnd);
        }
        WindowRule rule = sustained(assetId, assetType, at);
        // the start depends on the size, and the parameters on the start: a change point between the two moves the
        // window back into the older parameters, which settles after one step (bounded, in case of odd histories)
        for (int i = 0; i < 4; i++) {
            long start = Math.max(alignedStart(at, rule.getWindowSizeMillis()), previousEnd);
            WindowRule atStart = sustained(assetId, assetType, start);
            if (atStart.equals(rule)) {
                break;
            }
            rule = atStart;
        }
        long aligned = alignedStart(at, rule.getWindowSizeMillis());
        return new Window(Math.max(aligned, previousEnd), aligned + rule.getWindowSizeMillis(), rule);
    }

    /**
     * The window holding {@code at} in the chain of windows from {@code previousEnd}, empty ones included: each
     * window governed by the parameters in force at its start, starting where the one before it ended, ending on
     * its size's epoch boundary. So a change that takes effect while no reading comes starts with the first window
     * of that chain starting at or after its {@code effectiveFrom}, the same window the gap after an alerted streak
     * is judged by; the chain is walked from one change point to the next, never window by window. (Choosing the size
     * by the reading's time instead made a window that began before the change under the new size; found by the
     * differential test over 50 fleets, where it judged a streak's end by a window that had not existed.)
     */
    private Window chainedWindow(String assetId, String assetType, long at, long previousEnd) {
        long start = previousEnd;
        while (true) {
            WindowRule rule = sustained(assetId, assetType, start);
            long size = rule.getWindowSizeMillis();
            long end = alignedStart(start, size) + size;
            if (at < end) {
                return new Window(start, end, rule);
            }
            long change = nextChange(assetId, assetType, start);
            long firstAfterChange = change == Long.MAX_VALUE ? Long.MAX_VALUE : alignedStart(change - 1, size) + size;
            if (at < firstAfterChange) {
                long aligned = alignedStart(at, size); // same parameters from start to at: this size's grid
                return new Window(aligned, aligned + size, rule);
            }
            start = firstAfterChange;
        }
    }

    /** The earliest {@code effectiveFrom} after {@code time} of a version of the asset's, its type's or the default scope. */
    private long nextChange(String assetId, String assetType, long time) {
        long next = Long.MAX_VALUE;
        for (String scope : new String[] {assetScope(assetId), assetType == null ? null : typeScope(assetType),
                DEFAULT_SCOPE}) {
            for (RuleSet version : scope == null ? List.<RuleSet>of() : byScope.getOrDefault(scope, List.of())) {
                long from = version.getEffectiveFrom().toEpochMilli();
                if (from > time && from < next) {
                    next = from;
                }
            }
        }
        return next;
    }

    /** The start of the epoch-aligned window of {@code size} that holds {@code at}. */
    public static long alignedStart(long at, long size) {
        return at - Math.floorMod(at, size);
    }

    private RuleSet[] chain(String assetId, String assetType, long at) {
        return new RuleSet[] {
                inForce(assetScope(assetId), at),
                assetType == null ? null : inForce(typeScope(assetType), at),
                inForce(DEFAULT_SCOPE, at)};
    }

    private Threshold baselineThreshold(String assetType) {
        RuleSettings settings = baseline.forType(assetType);
        return new Threshold(true, settings.critical(), settings.clearOrCritical(), settings.clearDelay().toMillis(),
                BASELINE_VERSION, baselineScope(assetType));
    }

    private String baselineScope(String assetType) {
        return assetType != null && baseline.byAssetType().containsKey(assetType) ? typeScope(assetType) : DEFAULT_SCOPE;
    }
}
