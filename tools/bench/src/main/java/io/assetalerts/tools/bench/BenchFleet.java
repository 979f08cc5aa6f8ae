package io.assetalerts.tools.bench;

import java.time.Instant;
import java.util.UUID;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.TelemetryReceived;

/**
 * The benchmark's fleet and its readings, as pure functions of (seed, asset index, second): the same settings
 * always give the same events, whatever order or thread asks for them, so a fill can be re-created exactly and a
 * top-up after a restore continues it.
 *
 * <p>Asset {@code i} reports once per period of event time ({@link Settings#periodSeconds()}, 1 s unless a large
 * fleet keeps the same fleet-wide rate with a longer one), at {@code start + (second + i / assets) * period}, so
 * within one period the whole fleet reports in index order and every partition's event time advances together.
 * A normal reading is the asset's baseline (55..75 °C) plus a slow 10-minute swing of ±4 °C and ±2 °C noise: at
 * most 81 °C, far from both rules. Two kinds of incident shape readings:
 * <ul>
 *   <li>a <b>spike</b>: one reading at 101..106 °C, each reading with probability {@link Settings#spikeShare()}
 *       (a spike right after a spike is suppressed, so every spike opens its own TEMPERATURE_THRESHOLD episode);</li>
 *   <li>a <b>sustained overheat</b>: a share {@link Settings#overheatShare()} of the assets runs at 92..98 °C for
 *       {@link Settings#overheatSeconds()} seconds at one point of the timeline, long enough for three adjacent
 *       1-minute windows with an average above 90 °C (SUSTAINED_OVERHEAT), provided the timeline is long enough
 *       ({@link #hasOverheat}).</li>
 * </ul>
 */
public final class BenchFleet {

    private static final String[] TYPES = {"TURBINE", "PUMP", "TRANSFORMER"};
    private static final String[] LOCATIONS = {
        "AP-Plant-7", "AP-Plant-2", "EU-Plant-3", "EU-Substation-12", "US-Plant-5", "US-Substation-9",
        "SA-Plant-1", "AF-Plant-4",
    };
    private static final String EVENT_TYPE = "TelemetryReceived";
    private static final long SALT_BASE = 0x5EEDBA5EL;
    private static final long SALT_SPIKE = 0x5B1CEL;
    private static final long SALT_OVERHEAT = 0x0E4EA7L;
    private static final long SALT_NOISE = 0x1015EL;
    private static final long SALT_ID_HI = 0x1D41L;
    private static final long SALT_ID_LO = 0x1D42L;

    /**
     * @param assets fleet size
     * @param seed seed of every random draw
     * @param start event time of second 0
     * @param seconds length of the timeline (readings per asset); overheats are placed inside it
     * @param spikeShare probability that a reading is a spike
     * @param overheatShare share of the assets with one sustained overheat
     * @param overheatSeconds how long a sustained overheat lasts
     */
    public record Settings(int assets, long seed, Instant start, long seconds, double spikeShare,
            double overheatShare, int overheatSeconds, long periodSeconds) {

        /** Every asset reports once a second. */
        public Settings(int assets, long seed, Instant start, long seconds, double spikeShare, double overheatShare,
                int overheatSeconds) {
            this(assets, seed, start, seconds, spikeShare, overheatShare, overheatSeconds, 1);
        }

        public Settings {
            if (assets < 1) {
                throw new IllegalArgumentException("assets must be at least 1, got " + assets);
            }
            if (periodSeconds < 1) {
                throw new IllegalArgumentException("periodSeconds must be at least 1, got " + periodSeconds);
            }
            if (seconds < 0 || overheatSeconds < 0) {
                throw new IllegalArgumentException("seconds must not be negative");
            }
            if (spikeShare < 0 || spikeShare > 1 || overheatShare < 0 || overheatShare > 1) {
                throw new IllegalArgumentException("shares must lie in [0, 1]");
            }
        }
    }

    private final Settings settings;
    private final long startMillis;
    private final String[] ids;

    public BenchFleet(Settings settings) {
        this.settings = settings;
        this.startMillis = settings.start().toEpochMilli();
        this.ids = new String[settings.assets()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = assetIdOf(i);
        }
    }

    public Settings settings() {
        return settings;
    }

    /** {@code TURBINE-0000000}, {@code PUMP-0000001}, ...: the type cycles, the number is the index. */
    static String assetIdOf(int index) {
        String digits = Integer.toString(index);
        return TYPES[index % TYPES.length] + "-" + "0000000".substring(Math.min(7, digits.length())) + digits;
    }

    public String assetId(int asset) {
        return ids[asset];
    }

    /**
     * Stamped a second before the first reading: an asset whose registration were older than the alert job's
     * silence-after (10 min) would raise ASSET_SILENT and its end before its first reading, two alerts an asset that
     * would make the state-scale run (1,000,000 assets) measure an alert storm instead of state.
     */
    public AssetRegistered registration(int asset) {
        Instant at = settings.start().minusSeconds(1);
        return new AssetRegistered(eventId(asset, -1), "AssetRegistered", ids[asset], TYPES[asset % TYPES.length],
                LOCATIONS[(int) (unit(asset, 0, SALT_BASE + 1) * LOCATIONS.length)], at);
    }

    /**
     * Event time of the reading of {@code asset} at {@code second}, in epoch milliseconds: with a period of P
     * seconds, {@code second} counts the fleet's rounds, each P seconds of event time long.
     */
    public long timestampMillis(int asset, long second) {
        long period = settings.periodSeconds() * 1000;
        return startMillis + second * period + (asset * period) / settings.assets();
    }

    public boolean isSpike(int asset, long second) {
        return second >= 0 && unit(asset, second, SALT_SPIKE) < settings.spikeShare()
                && !(second > 0 && unit(asset, second - 1, SALT_SPIKE) < settings.spikeShare());
    }

    /** Whether this asset has a sustained overheat inside the timeline. */
    public boolean hasOverheat(int asset) {
        return settings.overheatSeconds() > 0 && settings.seconds() >= settings.overheatSeconds() + 60
                && unit(asset, 0, SALT_OVERHEAT) < settings.overheatShare();
    }

    /** First second of the asset's sustained overheat; only meaningful when {@link #hasOverheat} holds. */
    public long overheatStart(int asset) {
        long room = settings.seconds() - settings.overheatSeconds();
        return (long) (unit(asset, 1, SALT_OVERHEAT) * room);
    }

    public boolean inOverheat(int asset, long second) {
        if (!hasOverheat(asset)) {
            return false;
        }
        long from = overheatStart(asset);
        return second >= from && second < from + settings.overheatSeconds();
    }

    public double temperature(int asset, long second) {
        if (isSpike(asset, second)) {
            return round1(101 + 5 * unit(asset, second, SALT_NOISE));
        }
        if (inOverheat(asset, second)) {
            return round1(92 + 6 * unit(asset, second, SALT_NOISE));
        }
        double base = 55 + 20 * unit(asset, 0, SALT_BASE);
        double phase = 2 * Math.PI * unit(asset, 1, SALT_BASE);
        double swing = 4 * Math.sin(2 * Math.PI * second / 600.0 + phase);
        double noise = 4 * unit(asset, second, SALT_NOISE) - 2;
        return round1(base + swing + noise);
    }

    public double power(int asset, long second) {
        double base = switch (asset % TYPES.length) {
            case 0 -> 60 + 35 * unit(asset, 2, SALT_BASE);
            case 1 -> 8 + 17 * unit(asset, 2, SALT_BASE);
            default -> 300 + 300 * unit(asset, 2, SALT_BASE);
        };
        return round1(base * (0.95 + 0.1 * unit(asset, second, SALT_NOISE + 1)));
    }

    public TelemetryReceived reading(int asset, long second) {
        return new TelemetryReceived(eventId(asset, second), EVENT_TYPE, ids[asset], power(asset, second),
                temperature(asset, second), Instant.ofEpochMilli(timestampMillis(asset, second)));
    }

    /** A UUID-formatted id that depends only on (seed, asset, second); second -1 is the registration. */
    public String eventId(int asset, long second) {
        return new UUID(mix(asset, second, SALT_ID_HI), mix(asset, second, SALT_ID_LO)).toString();
    }

    /** A uniform draw in [0, 1) for (asset, second, salt). */
    private double unit(int asset, long second, long salt) {
        return (mix(asset, second, salt) >>> 11) * 0x1.0p-53;
    }

    private long mix(int asset, long second, long salt) {
        long z = settings.seed() * 0x9E3779B97F4A7C15L + asset * 0xC2B2AE3D27D4EB4FL + second * 0x165667B19E3779F9L
                + salt * 0xD6E8FEB86659FD93L;
        // SplitMix64 finaliser
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
