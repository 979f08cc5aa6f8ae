package io.assetalerts.jobs.differential;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.RuleSet;
import io.assetalerts.schemas.SilenceParameters;
import io.assetalerts.schemas.SustainedOverheatParameters;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.ThresholdParameters;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.rules.RuleSettings;

/**
 * A random fleet for the differential test, reproducible by seed: assets of three types, a reading about
 * every 10 s each, random spikes above critical, sustained stretches above warn, readings exactly at a
 * threshold, empty minutes, re-sent duplicates, unregistered assets, and an arrival order shuffled within
 * 4 s (inside the 5 s out-of-orderness bound).
 */
final class RandomFleet {

    static final Instant START = Instant.parse("2026-01-10T10:00:00Z");

    /** ASSET_SILENT in the fleets: shorter than a skipped minute's gap, so some readings end a silence. */
    static final java.time.Duration SILENCE_AFTER = java.time.Duration.ofSeconds(75);
    static final String[] TYPES = {"TURBINE", "PUMP", "TRANSFORMER"};
    static final String RULES_YAML = """
            assetTypes:
              PUMP: {critical: 80, warn: 70, clear: 75, clearDelay: 20s}
              TRANSFORMER: {critical: 90, warn: 75, window: 30s, windows: 4}
            """;

    final List<AssetRegistered> registrations = new ArrayList<>();
    /** Readings in the order they are produced to Kafka. */
    final List<TelemetryReceived> arrivals = new ArrayList<>();
    /** Rule versions published before the job starts, in publication order, effective at random times of the run. */
    final List<RuleSet> ruleChanges = new ArrayList<>();
    int duplicates;

    /** The readings of never-registered assets the job must dead-letter: one per distinct eventId (dedupe first). */
    int unregisteredReadings() {
        return (int) arrivals.stream().filter(r -> r.getAssetId().startsWith("GHOST"))
                .map(TelemetryReceived::getEventId).distinct().count();
    }

    RandomFleet(long seed, int assetCount, int minutes, RuleBook rules) {
        Random random = new Random(seed);
        record Timed(TelemetryReceived reading, double arrival) {
        }
        List<Timed> timed = new ArrayList<>();
        for (int a = 0; a < assetCount + 3; a++) {
            boolean registered = a < assetCount;
            String type = TYPES[a % TYPES.length];
            String assetId = (registered ? type : "GHOST") + "-" + seed + "-" + a;
            if (registered) {
                registrations.add(AssetRegistered.newBuilder().setEventId("reg-" + assetId).setAssetId(assetId)
                        .setAssetType(type).setLocation("Plant-" + (a % 7)).setTimestamp(START).build());
            }
            RuleSettings s = rules.forType(type);
            double baseline = s.warn() - 4 - random.nextDouble() * 8;
            int sustainedLeft = 0;
            int spikeLeft = 0;
            long t = START.toEpochMilli() + random.nextInt(10_000);
            long end = START.toEpochMilli() + minutes * 60_000L;
            // registered and never reports: silent from its registration (ASSET_SILENT); its readings are drawn and
            // dropped, so that the other assets' readings stay what they were
            boolean mute = a == assetCount - 1;
            long skipMinute = -1;
            int n = 0;
            while (t < end) {
                long minute = t / 60_000;
                if (random.nextDouble() < 0.004) {
                    skipMinute = minute + 1;
                }
                if (sustainedLeft == 0 && random.nextDouble() < 0.02) {
                    sustainedLeft = 6 + random.nextInt(24);
                }
                if (spikeLeft == 0 && random.nextDouble() < 0.03) {
                    spikeLeft = 1 + random.nextInt(3);
                }
                double temperature;
                if (spikeLeft > 0) {
                    spikeLeft--;
                    temperature = s.critical() + 0.1 + random.nextInt(100) / 10.0;
                } else if (random.nextDouble() < 0.01) {
                    temperature = s.critical();
                } else if (sustainedLeft > 0) {
                    temperature = s.warn() + 0.5 + random.nextInt(60) / 10.0;
                } else {
                    temperature = baseline + random.nextGaussian() * 2;
                }
                if (sustainedLeft > 0) {
                    sustainedLeft--;
                }
                if (minute != skipMinute) {
                    TelemetryReceived r = TelemetryReceived.newBuilder().setEventId(assetId + "-" + n++)
                            .setAssetId(assetId).setPower(50 + random.nextInt(500) / 10.0)
                            .setTemperature(Math.round(temperature * 10) / 10.0).setTimestamp(Instant.ofEpochMilli(t))
                            .build();
                    double arrival = t + random.nextDouble() * 4000;
                    if (!mute) {
                        timed.add(new Timed(r, arrival));
                    }
                    if (random.nextDouble() < 0.05) {
                        double again = t + random.nextDouble() * 4000;
                        if (!mute) {
                            timed.add(new Timed(r, again));
                            duplicates++;
                        }
                    }
                }
                t += 7_000 + random.nextInt(6_000);
            }
        }
        timed.sort(Comparator.comparingDouble(Timed::arrival));
        timed.forEach(x -> arrivals.add(x.reading()));
        // silence switches drawn apart, so the other draws stay what they were before silence detection
        ruleChanges(random, new Random(seed ^ 0x5113_4CEL), minutes, rules);
    }

    /**
     * Random versions for the default, a type and single assets: thresholds moved both ways, another warn, window
     * size and count, a rule switched off for a while. Versions rise per scope; effectiveFrom is random, so a higher
     * version sometimes takes over before a lower one.
     */
    private void ruleChanges(Random random, Random silenceRandom, int minutes, RuleBook rules) {
        java.util.Map<String, Long> versions = new java.util.HashMap<>();
        int count = 4 + random.nextInt(5);
        for (int i = 0; i < count; i++) {
            String type = TYPES[random.nextInt(TYPES.length)];
            String scope = switch (random.nextInt(3)) {
                case 0 -> "default";
                case 1 -> "type:" + type;
                default -> {
                    AssetRegistered asset = registrations.get(random.nextInt(registrations.size()));
                    type = asset.getAssetType();
                    yield "asset:" + asset.getAssetId();
                }
            };
            RuleSettings base = rules.forType(type);
            long version = versions.merge(scope, 1L, Long::sum);
            long effectiveFrom = START.toEpochMilli() + random.nextInt(minutes * 60) * 1000L;
            ThresholdParameters threshold = null;
            if (random.nextBoolean()) {
                Double critical = random.nextBoolean() ? base.critical() - 8 + random.nextInt(12) : null;
                String[] delays = {"0s", "10s", "30s", "1 min"};
                threshold = new ThresholdParameters(random.nextInt(6) == 0 ? Boolean.valueOf(random.nextBoolean()) : null,
                        critical,
                        random.nextInt(3) == 0 ? (critical != null ? critical : base.critical()) - random.nextInt(7) : null,
                        random.nextInt(3) == 0 ? delays[random.nextInt(delays.length)] : null,
                        // flapping control on some versions: more than 1 or 2 episodes within 2 or 5 minutes
                        null, null);
                if (random.nextInt(3) == 0) {
                    threshold.setFlapCount(1 + random.nextInt(2));
                    threshold.setFlapWindow(random.nextBoolean() ? "2 min" : "5 min");
                }
            }
            SustainedOverheatParameters sustained = null;
            if (random.nextBoolean() || threshold == null) {
                String[] sizes = {"30s", "1 min", "2 min"};
                sustained = new SustainedOverheatParameters(
                        random.nextInt(6) == 0 ? Boolean.valueOf(random.nextBoolean()) : null,
                        random.nextBoolean() ? base.warn() - 4 + random.nextInt(6) : null,
                        random.nextInt(3) == 0 ? sizes[random.nextInt(sizes.length)] : null,
                        random.nextInt(3) == 0 ? Integer.valueOf(1 + random.nextInt(4)) : null);
            }
            if (threshold != null && sustained != null && threshold.getCritical() != null && sustained.getWarn() != null
                    && sustained.getWarn() >= threshold.getCritical()) {
                sustained.setWarn(threshold.getCritical() - 1);
            }
            ruleChanges.add(RuleSet.newBuilder().setScope(scope).setVersion(version)
                    .setEffectiveFrom(Instant.ofEpochMilli(effectiveFrom))
                    .setTemperatureThreshold(threshold).setSustainedOverheat(sustained)
                    .setAssetSilence(silenceRandom.nextInt(5) == 0 ? new SilenceParameters(silenceRandom.nextBoolean()) : null)
                    .build());
        }
    }
}
