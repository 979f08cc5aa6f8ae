package io.assetalerts.udfs.rules.sustained;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.WindowAccumulator;
import io.assetalerts.schemas.state.WindowRule;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.contracts.codec.AlertIds;
import io.assetalerts.contracts.rules.RuleVersions;

/**
 * Rule 2 of SPEC 4.1, SUSTAINED_OVERHEAT, in two plain parts. First, one asset's readings (in event-time
 * order) are summarised in epoch-aligned tumbling windows as count/sum/max; a window is hot when its average
 * is strictly above {@code warn}. Second, {@code windowCount} consecutive hot windows that are adjacent (each
 * starts where the previous ended: an empty window is a gap) make an episode that raises one MEDIUM alert,
 * at the end of the N-th window; the episode lasts while hot adjacent windows keep coming, and ends at a window
 * at or below {@code warn} or at a gap. The CEP pattern in the job matches the second part over the summaries.
 *
 * <p>Each window is governed by the rule version in force at its start ({@link RuleVersions#openWindow}): its size,
 * {@code warn}, window count and whether the rule is enabled travel with it ({@link WindowRule}) into its summary, so
 * the one CEP pattern serves every count. A window of a disabled rule is never hot.
 */
public final class SustainedOverheatRule {

    public static final String NAME = "SUSTAINED_OVERHEAT";
    public static final String SEVERITY = "MEDIUM";

    private SustainedOverheatRule() {
    }

    /**
     * After one reading: the asset's open window, the window the reading closed (null if none), whether the reading
     * opened a window, and the end of an alerted episode the reading showed (a cool window, or a gap; null if none).
     */
    public record Step(WindowAccumulator open, WindowSummary closed, boolean opened, AlertResolved resolved) {
    }

    /** A window closed: its summary, what the asset keeps, and the episode it ended (null if none). */
    public record Closed(WindowSummary summary, WindowAccumulator next, AlertResolved resolved) {
    }

    /**
     * Adds a reading to its window. A reading past the open window's end first closes that window; a reading that
     * finds no open window opens the one {@code rules} gives it. A window opened after a gap ends the alerted episode
     * before it.
     *
     * @param current the asset's accumulator, null before its first reading; count 0 means no window is open
     */
    public static Step add(WindowAccumulator current, TelemetryReceived reading, String assetType, String location,
            RuleVersions rules) {
        long ts = reading.getTimestamp().toEpochMilli();
        WindowSummary closed = null;
        AlertResolved resolved = null;
        WindowAccumulator acc = current;
        if (acc != null && acc.getCount() > 0 && ts >= acc.getWindowEnd()) {
            Closed c = closeWindow(acc, reading.getAssetId(), rules);
            closed = c.summary();
            resolved = c.resolved();
            acc = c.next();
        }
        if (acc != null && acc.getCount() > 0 && ts < acc.getWindowStart()) {
            throw new IllegalStateException("reading at " + reading.getTimestamp() + " is before the open window "
                    + Instant.ofEpochMilli(acc.getWindowStart()) + " of " + reading.getAssetId()
                    + ": readings must arrive in event-time order");
        }
        boolean opened = acc == null || acc.getCount() == 0;
        if (opened) {
            long previousEnd = acc == null ? -1 : acc.getPreviousWindowEnd();
            RuleVersions.Window window = rules.openWindow(reading.getAssetId(), assetType, ts, previousEnd);
            if (acc != null && alerted(acc) && window.start() != acc.getPreviousWindowEnd()) {
                resolved = resolve(acc, reading.getAssetId(), GAP);
                acc = withoutStreak(acc);
            }
            WindowAccumulator next = WindowAccumulator.newBuilder()
                    .setWindowStart(window.start())
                    .setWindowEnd(window.end())
                    .setCount(0).setSum(0).setMax(Double.NEGATIVE_INFINITY)
                    .setEventIds(new ArrayList<>())
                    .setAssetType(assetType).setLocation(location)
                    .setPreviousWindowEnd(previousEnd)
                    .setPreviousWindowHot(acc != null && acc.getPreviousWindowHot())
                    .setRule(window.rule())
                    .build();
            if (acc != null) {
                copyStreak(acc, next);
            }
            acc = next;
        }
        acc.setCount(acc.getCount() + 1);
        acc.setSum(acc.getSum() + reading.getTemperature());
        acc.setMax(Math.max(acc.getMax(), reading.getTemperature()));
        acc.getEventIds().add(reading.getEventId());
        return new Step(acc, closed, opened, resolved);
    }

    /**
     * The summary of a window that is complete (a later reading, or the timer at its end, passed it). A window opened
     * by the first release has no rule recorded: the parameters in force at its start judge it.
     */
    public static WindowSummary close(WindowAccumulator acc, String assetId, RuleVersions rules) {
        WindowRule rule = acc.getRule() != null
                ? acc.getRule()
                : rules.sustained(assetId, acc.getAssetType(), acc.getWindowStart());
        boolean hot = rule.getEnabled() && acc.getSum() / acc.getCount() > rule.getWarn();
        boolean continues = acc.getPreviousWindowHot() && acc.getPreviousWindowEnd() == acc.getWindowStart();
        return WindowSummary.newBuilder()
                .setAssetId(assetId).setAssetType(acc.getAssetType()).setLocation(acc.getLocation())
                .setWindowStart(acc.getWindowStart()).setWindowEnd(acc.getWindowEnd())
                .setCount(acc.getCount()).setSum(acc.getSum()).setMax(acc.getMax())
                .setHot(hot).setContinuesHotStreak(continues)
                .setEventIds(new ArrayList<>(acc.getEventIds()))
                .setRule(rule)
                .build();
    }

    /**
     * Closes the open window: its summary, and the streak of adjacent hot windows it extends, starts or ends. A cool
     * window, or a hot one that does not continue the streak, ends an alerted episode at the end of its last hot
     * window (the CEP pattern raised its alert at the streak's {@code windowCount}-th window).
     */
    public static Closed closeWindow(WindowAccumulator acc, String assetId, RuleVersions rules) {
        WindowSummary summary = close(acc, assetId, rules);
        WindowAccumulator next = afterClose(summary);
        AlertResolved resolved = null;
        if (alerted(acc) && !(summary.getHot() && summary.getContinuesHotStreak())) {
            resolved = resolve(acc, assetId, summary.getHot() ? GAP : COOL);
        }
        if (summary.getHot() && summary.getContinuesHotStreak()) {
            copyStreak(acc, next);
            if (next.getStreakLength() > 0) {
                next.setStreakLength(next.getStreakLength() + 1);
                next.setStreakPeak(Math.max(next.getStreakPeak(), summary.getMax()));
            }
        } else if (summary.getHot()) {
            next.setStreakStart(summary.getWindowStart());
            next.setStreakLength(1);
            next.setStreakPeak(summary.getMax());
            next.setStreakRule(summary.getRule());
        }
        return new Closed(summary, next, resolved);
    }

    /**
     * An alerted episode whose next window never came: when event time reaches the end of the window that would have
     * continued it ({@code nextWindowEnd}) with no reading in it, the episode ended at the end of its last hot window.
     * Returns null when nothing ends.
     */
    public static AlertResolved expireGap(WindowAccumulator acc, String assetId, long time, long nextWindowEnd) {
        if (acc == null || acc.getCount() > 0 || !alerted(acc) || time < nextWindowEnd - 1) {
            return null;
        }
        return resolve(acc, assetId, GAP);
    }

    /** Whether the streak held by this accumulator raised its alert (it reached its first window's count). */
    public static boolean alerted(WindowAccumulator acc) {
        return acc.getStreakStart() >= 0 && acc.getStreakRule() != null
                && acc.getStreakLength() >= acc.getStreakRule().getWindowCount();
    }

    public static WindowAccumulator withoutStreak(WindowAccumulator acc) {
        acc.setStreakStart(-1L);
        acc.setStreakLength(0);
        acc.setStreakPeak(0.0);
        acc.setStreakRule(null);
        return acc;
    }

    private static void copyStreak(WindowAccumulator from, WindowAccumulator to) {
        to.setStreakStart(from.getStreakStart());
        to.setStreakLength(from.getStreakLength());
        to.setStreakPeak(from.getStreakPeak());
        to.setStreakRule(from.getStreakRule());
    }

    private static final String COOL = "cool";
    private static final String GAP = "gap";

    /** The end of an alerted episode: at the end of its last hot window, the accumulator's previous window. */
    private static AlertResolved resolve(WindowAccumulator acc, String assetId, String why) {
        return resolved(assetId, acc.getAssetType(), acc.getLocation(), acc.getStreakStart(), acc.getPreviousWindowEnd(),
                acc.getStreakPeak(), acc.getStreakRule(), why.equals(COOL));
    }

    /**
     * The AlertResolved of a SUSTAINED_OVERHEAT episode that began at {@code streakStart} and ended at {@code end}
     * (the end of its last hot window), because the next window was cool ({@code cool}) or had no readings.
     */
    public static AlertResolved resolved(String assetId, String assetType, String location, long streakStart, long end,
            double peak, WindowRule rule, boolean cool) {
        String reason = cool
                ? "Average temperature at or below " + rule.getWarn() + " in the next window"
                : "No readings in the window after the last hot one";
        return AlertResolved.newBuilder()
                .setAlertId(AlertIds.of(assetId, NAME, streakStart))
                .setAssetId(assetId)
                .setRule(NAME)
                .setSeverity(SEVERITY)
                .setReason(reason)
                .setAssetType(assetType)
                .setLocation(location)
                .setEpisodeStart(Instant.ofEpochMilli(streakStart))
                .setTimestamp(Instant.ofEpochMilli(end))
                .setDurationMillis(end - streakStart)
                .setPeakTemperature(peak)
                .setRuleVersion(rule.getVersion())
                .setRuleScope(rule.getScope())
                .build();
    }

    /** What is kept of a closed window: enough to tell whether the next one continues its streak. */
    public static WindowAccumulator afterClose(WindowSummary closed) {
        return WindowAccumulator.newBuilder()
                .setWindowStart(closed.getWindowEnd()).setWindowEnd(closed.getWindowEnd())
                .setCount(0).setSum(0).setMax(0).setEventIds(new ArrayList<>())
                .setAssetType(closed.getAssetType()).setLocation(closed.getLocation())
                .setPreviousWindowEnd(closed.getWindowEnd()).setPreviousWindowHot(closed.getHot())
                .build();
    }

    /** A window that can open an episode: hot, and not the continuation of a streak that already began. */
    public static boolean startsEpisode(WindowSummary w) {
        return w.getHot() && !w.getContinuesHotStreak();
    }

    /** A window that extends the episode begun before it. */
    public static boolean continuesEpisode(WindowSummary w) {
        return w.getHot() && w.getContinuesHotStreak();
    }

    /** The alert for the first {@code rule.windowCount} windows of an episode, {@code rule} governing the first. */
    public static AlertTriggered alert(List<WindowSummary> windows, WindowRule rule) {
        WindowSummary first = windows.get(0);
        WindowSummary last = windows.get(windows.size() - 1);
        double sum = 0;
        long count = 0;
        List<String> eventIds = new ArrayList<>();
        for (WindowSummary w : windows) {
            sum += w.getSum();
            count += w.getCount();
            eventIds.addAll(w.getEventIds());
        }
        return AlertTriggered.newBuilder()
                .setAlertId(AlertIds.of(first.getAssetId(), NAME, first.getWindowStart()))
                .setAssetId(first.getAssetId())
                .setSeverity(SEVERITY)
                .setReason(reason(rule))
                .setRule(NAME)
                .setAssetType(last.getAssetType())
                .setLocation(last.getLocation())
                .setTemperature(sum / count)
                .setThreshold(rule.getWarn())
                .setWindowStart(Instant.ofEpochMilli(first.getWindowStart()))
                .setWindowEnd(Instant.ofEpochMilli(last.getWindowEnd()))
                .setEventIds(eventIds)
                .setTimestamp(Instant.ofEpochMilli(last.getWindowEnd()))
                .setRuleVersion(rule.getVersion())
                .setRuleScope(rule.getScope())
                .build();
    }

    static String reason(WindowRule rule) {
        Duration size = Duration.ofMillis(rule.getWindowSizeMillis());
        String span = size.equals(Duration.ofMinutes(1)) ? "minutes" : formatDuration(size) + " windows";
        return "Average temperature above " + rule.getWarn() + " for " + rule.getWindowCount() + " consecutive " + span;
    }

    public static String formatDuration(Duration d) {
        long s = d.getSeconds();
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + " min" : s + "s";
    }
}
