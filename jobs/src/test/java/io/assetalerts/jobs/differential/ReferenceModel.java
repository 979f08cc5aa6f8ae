package io.assetalerts.jobs.differential;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.udfs.rules.RuleBook;
import io.assetalerts.udfs.rules.RuleSettings;
import io.assetalerts.udfs.rules.SustainedOverheatRule;
import io.assetalerts.udfs.rules.ThresholdRule;
import io.assetalerts.schemas.state.ThresholdEpisode;

/**
 * SPEC 4.1 written as plainly as possible over a whole, finished input: drop unregistered assets and
 * repeated eventIds, sort each asset's readings by (timestamp, eventId), walk them for the threshold rule,
 * group them into epoch-aligned windows for the sustained rule. Alerts are built by the rules' own classes so
 * wording cannot drift; the episode logic here is independent of the streaming code.
 */
final class ReferenceModel {

    private ReferenceModel() {
    }

    static List<AlertTriggered> alerts(List<AssetRegistered> registrations, List<TelemetryReceived> arrivals, RuleBook rules) {
        Map<String, AssetRegistered> assets = new HashMap<>();
        registrations.forEach(a -> assets.put(a.getAssetId(), a));
        Set<String> seen = new HashSet<>();
        Map<String, List<TelemetryReceived>> byAsset = new LinkedHashMap<>();
        for (TelemetryReceived r : arrivals) {
            if (assets.containsKey(r.getAssetId()) && seen.add(r.getAssetId() + "|" + r.getEventId())) {
                byAsset.computeIfAbsent(r.getAssetId(), k -> new ArrayList<>()).add(r);
            }
        }
        List<AlertTriggered> alerts = new ArrayList<>();
        byAsset.forEach((assetId, readings) -> {
            readings.sort(Comparator.comparing(TelemetryReceived::getTimestamp).thenComparing(TelemetryReceived::getEventId));
            AssetRegistered asset = assets.get(assetId);
            RuleSettings settings = rules.forType(asset.getAssetType());
            alerts.addAll(threshold(readings, asset, settings));
            alerts.addAll(sustained(readings, asset, settings));
        });
        return alerts;
    }

    private static List<AlertTriggered> threshold(List<TelemetryReceived> readings, AssetRegistered asset, RuleSettings s) {
        List<AlertTriggered> alerts = new ArrayList<>();
        ThresholdEpisode state = null;
        for (TelemetryReceived r : readings) {
            ThresholdRule.Step step = ThresholdRule.apply(state, r, asset.getAssetType(), asset.getLocation(), s.critical());
            state = step.next();
            if (step.alert() != null) {
                alerts.add(step.alert());
            }
        }
        return alerts;
    }

    private static List<AlertTriggered> sustained(List<TelemetryReceived> readings, AssetRegistered asset, RuleSettings s) {
        long size = s.windowSize().toMillis();
        TreeMap<Long, List<TelemetryReceived>> windows = new TreeMap<>();
        for (TelemetryReceived r : readings) {
            long ts = r.getTimestamp().toEpochMilli();
            windows.computeIfAbsent(ts - Math.floorMod(ts, size), k -> new ArrayList<>()).add(r);
        }
        List<AlertTriggered> alerts = new ArrayList<>();
        List<WindowSummary> streak = new ArrayList<>();
        for (Map.Entry<Long, List<TelemetryReceived>> w : windows.entrySet()) {
            double sum = 0;
            double max = Double.NEGATIVE_INFINITY;
            List<String> ids = new ArrayList<>();
            for (TelemetryReceived r : w.getValue()) {
                sum += r.getTemperature();
                max = Math.max(max, r.getTemperature());
                ids.add(r.getEventId());
            }
            int count = w.getValue().size();
            boolean hot = sum / count > s.warn();
            boolean adjacent = !streak.isEmpty() && streak.get(streak.size() - 1).getWindowEnd() == w.getKey();
            if (!hot) {
                streak.clear();
                continue;
            }
            if (!adjacent) {
                streak.clear();
            }
            streak.add(WindowSummary.newBuilder().setAssetId(asset.getAssetId()).setAssetType(asset.getAssetType())
                    .setLocation(asset.getLocation()).setWindowStart(w.getKey()).setWindowEnd(w.getKey() + size)
                    .setCount(count).setSum(sum).setMax(max).setHot(true).setContinuesHotStreak(adjacent)
                    .setEventIds(ids).build());
            if (streak.size() == s.windowCount()) {
                alerts.add(SustainedOverheatRule.alert(streak, s));
            }
        }
        return alerts;
    }
}
