package io.assetalerts.jobs.differential;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.state.KnownAsset;
import io.assetalerts.udfs.ordering.AssetRegistry;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.ThresholdEpisode;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.contracts.rules.RuleVersions;
import io.assetalerts.udfs.rules.silence.AssetSilence;
import io.assetalerts.udfs.rules.sustained.SustainedOverheatRule;
import io.assetalerts.udfs.rules.threshold.ThresholdRule;

/**
 * SPEC 4.1 written as plainly as possible over a whole, finished input: drop unregistered assets and
 * repeated eventIds, sort each asset's readings by (timestamp, eventId), walk them for the threshold rule,
 * cut them into consecutive windows for the sustained rule. Alerts are built by the rules' own classes so
 * wording cannot drift; the episode logic here is independent of the streaming code.
 */
final class ReferenceModel {

    private ReferenceModel() {
    }

    /** What a finished input gives on alert.events: the alerts raised, and the ends of their episodes. */
    record Events(List<AlertTriggered> alerts, List<AlertResolved> resolved) {
    }

    /**
     * The whole input is known, so event time passes everything at the end: an end still pending then (a clear delay
     * running, an alerted streak whose next window never came) happens.
     */
    static Events events(List<AssetRegistered> registrations, List<TelemetryReceived> arrivals, RuleVersions rules,
            Duration silenceAfter) {
        Map<String, AssetRegistered> assets = new HashMap<>();
        registrations.forEach(a -> assets.put(a.getAssetId(), a));
        Set<String> seen = new HashSet<>();
        Map<String, List<TelemetryReceived>> byAsset = new LinkedHashMap<>();
        for (TelemetryReceived r : arrivals) {
            if (assets.containsKey(r.getAssetId()) && seen.add(r.getAssetId() + "|" + r.getEventId())) {
                byAsset.computeIfAbsent(r.getAssetId(), k -> new ArrayList<>()).add(r);
            }
        }
        Events events = new Events(new ArrayList<>(), new ArrayList<>());
        byAsset.forEach((assetId, readings) -> {
            readings.sort(Comparator.comparing(TelemetryReceived::getTimestamp).thenComparing(TelemetryReceived::getEventId));
            AssetRegistered asset = assets.get(assetId);
            threshold(readings, asset, rules, events);
            sustained(readings, asset, rules, events);
        });
        for (AssetRegistered asset : assets.values()) {
            silence(byAsset.getOrDefault(asset.getAssetId(), List.of()), asset, rules, silenceAfter.toMillis(), events);
        }
        return events;
    }

    /**
     * ASSET_SILENT: between the registration and the first reading, and between consecutive readings, a gap longer
     * than silenceAfter is a silence from {@code last + silenceAfter} to the reading that ends it; after the last one,
     * event time passes everything, so every asset ends silent.
     */
    private static void silence(List<TelemetryReceived> readings, AssetRegistered asset, RuleVersions rules,
            long silenceAfter, Events events) {
        if (silenceAfter <= 0) {
            return;
        }
        String id = asset.getAssetId();
        long last = asset.getTimestamp().toEpochMilli();
        KnownAsset known = AssetRegistry.knownAsset(asset);
        boolean neverReported = true;
        for (TelemetryReceived r : readings) {
            long ts = r.getTimestamp().toEpochMilli();
            RuleVersions.Silence rule = rules.silence(id, asset.getAssetType(), last + silenceAfter);
            if (ts - last > silenceAfter && rule.enabled()) {
                events.alerts().add(AssetSilence.alert(id, known, last, neverReported, silenceAfter, rule));
                events.resolved().add(AssetSilence.end(id, known, last + silenceAfter, ts, rule.version(), rule.scope()));
            }
            last = ts;
            neverReported = false;
        }
        RuleVersions.Silence rule = rules.silence(id, asset.getAssetType(), last + silenceAfter);
        if (rule.enabled()) {
            events.alerts().add(AssetSilence.alert(id, known, last, neverReported, silenceAfter, rule));
        }
    }

    private static void threshold(List<TelemetryReceived> readings, AssetRegistered asset, RuleVersions rules,
            Events events) {
        ThresholdEpisode state = null;
        for (TelemetryReceived r : readings) {
            ThresholdRule.Step step = ThresholdRule.apply(state, r, asset.getAssetType(), asset.getLocation(),
                    rules.threshold(asset.getAssetId(), asset.getAssetType(), r.getTimestamp().toEpochMilli()));
            state = step.next();
            events.resolved().addAll(step.ends());
            if (step.alert() != null) {
                events.alerts().add(step.alert());
            }
        }
        // event time passes everything at the end: a pending clear, and flapping that no opening extends, end
        events.resolved().addAll(ThresholdRule.expire(state, asset.getAssetId(), asset.getAssetType(),
                asset.getLocation(), Long.MAX_VALUE,
                rules.threshold(asset.getAssetId(), asset.getAssetType(), Long.MAX_VALUE)).ends());
    }

    /** One asset's windows, one after the other: a reading at or past the open window's end closes it. */
    private static void sustained(List<TelemetryReceived> readings, AssetRegistered asset, RuleVersions rules,
            Events events) {
        List<List<TelemetryReceived>> contents = new ArrayList<>();
        List<RuleVersions.Window> windows = new ArrayList<>();
        long previousEnd = -1;
        for (TelemetryReceived r : readings) {
            long ts = r.getTimestamp().toEpochMilli();
            RuleVersions.Window open = windows.isEmpty() ? null : windows.get(windows.size() - 1);
            if (open == null || ts >= open.end()) {
                if (open != null) {
                    previousEnd = open.end();
                }
                windows.add(rules.openWindow(asset.getAssetId(), asset.getAssetType(), ts, previousEnd));
                contents.add(new ArrayList<>());
            }
            contents.get(contents.size() - 1).add(r);
        }
        List<WindowSummary> streak = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            RuleVersions.Window w = windows.get(i);
            boolean alerted = !streak.isEmpty() && streak.size() >= streak.get(0).getRule().getWindowCount();
            long lastHotEnd = streak.isEmpty() ? -1 : streak.get(streak.size() - 1).getWindowEnd();
            double sum = 0;
            double max = Double.NEGATIVE_INFINITY;
            List<String> ids = new ArrayList<>();
            for (TelemetryReceived r : contents.get(i)) {
                sum += r.getTemperature();
                max = Math.max(max, r.getTemperature());
                ids.add(r.getEventId());
            }
            int count = contents.get(i).size();
            boolean hot = w.rule().getEnabled() && sum / count > w.rule().getWarn();
            boolean adjacent = !streak.isEmpty() && streak.get(streak.size() - 1).getWindowEnd() == w.start();
            if (alerted && !(hot && adjacent)) {
                events.resolved().add(end(asset, streak, lastHotEnd, adjacent));
            }
            if (!hot) {
                streak.clear();
                continue;
            }
            if (!adjacent) {
                streak.clear();
            }
            streak.add(WindowSummary.newBuilder().setAssetId(asset.getAssetId()).setAssetType(asset.getAssetType())
                    .setLocation(asset.getLocation()).setWindowStart(w.start()).setWindowEnd(w.end())
                    .setCount(count).setSum(sum).setMax(max).setHot(true).setContinuesHotStreak(adjacent)
                    .setEventIds(ids).setRule(w.rule()).build());
            if (streak.size() == streak.get(0).getRule().getWindowCount()) {
                events.alerts().add(SustainedOverheatRule.alert(streak, streak.get(0).getRule()));
            }
        }
        if (!streak.isEmpty() && streak.size() >= streak.get(0).getRule().getWindowCount()) {
            events.resolved().add(end(asset, streak, streak.get(streak.size() - 1).getWindowEnd(), false));
        }
    }

    /** An alerted streak ends at its last hot window: a cool window right after it, or none (a gap). */
    private static AlertResolved end(AssetRegistered asset, List<WindowSummary> streak, long lastHotEnd, boolean cool) {
        double peak = streak.stream().mapToDouble(WindowSummary::getMax).max().orElseThrow();
        return SustainedOverheatRule.resolved(asset.getAssetId(), asset.getAssetType(), asset.getLocation(),
                streak.get(0).getWindowStart(), lastHotEnd, peak, streak.get(0).getRule(), cool);
    }
}
