package io.assetalerts.tools.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.tools.simulator.Fleet.Asset;
import io.assetalerts.tools.simulator.Incident.Kind;
import io.assetalerts.schemas.DeviceReading;
import io.assetalerts.contracts.codec.NameIds;

/**
 * The simulated telemetry, as a pure function of its settings: the same settings always give the same readings,
 * eventIds included, however fast they are sent. Assets report in turn; reading {@code k} has event time
 * {@code start + k * speedup / rate}, so sent at {@code rate} per second its event time runs {@code speedup}
 * times faster than the wall clock.
 *
 * <p>Normal readings are a per-asset baseline plus a mean-reverting random walk plus gaussian noise, and always
 * stay at least 4 degrees below {@code warn}, so they never raise an alert. Incidents replace readings:
 * a {@link Kind#SPIKE} makes an asset's first {@value #SPIKE_READINGS} readings at or after its start hotter than
 * {@code critical} by 1.5 to 6 degrees; a {@link Kind#SUSTAINED} one keeps the asset between {@code warn + 1} and
 * {@code critical - 1} for {@code sustainedLength} of event time. Every reading draws the same random numbers
 * whether an incident shapes it or not, so an incident changes only the readings it covers.
 */
public final class TelemetryGenerator {

    /** How many readings of the asset a spike covers. */
    public static final int SPIKE_READINGS = 3;

    private static final double[] SPIKE_PROFILE = {2.5, 5.0, 3.0};
    private static final double NORMAL_MARGIN_BELOW_WARN = 4.0;

    /**
     * @param fleet the assets, reporting in this order
     * @param seed the seed of every random draw
     * @param start event time of the first reading
     * @param eventsPerSecond readings per wall-clock second the sender aims for
     * @param speedup how much faster than the wall clock event time runs
     * @param incidents scripted incidents
     * @param spikeEvery a spike on a random asset every this much event time, or null
     * @param sustainedEvery a sustained overheat on a random asset every this much event time, or null
     * @param sustainedLength event time a sustained overheat lasts
     * @param critical the TEMPERATURE_THRESHOLD limit spikes exceed
     * @param warn the SUSTAINED_OVERHEAT limit sustained overheats stay above
     */
    public record Settings(List<Asset> fleet, long seed, Instant start, double eventsPerSecond, double speedup,
            List<Incident> incidents, Duration spikeEvery, Duration sustainedEvery, Duration sustainedLength,
            double critical, double warn) {

        public Settings {
            fleet = List.copyOf(fleet);
            incidents = List.copyOf(incidents);
            Objects.requireNonNull(start, "start");
            if (fleet.isEmpty()) {
                throw new IllegalArgumentException("the fleet is empty");
            }
            if (!(eventsPerSecond > 0) || !(speedup > 0)) {
                throw new IllegalArgumentException("rate and speedup must be positive");
            }
            if (!(critical > warn)) {
                throw new IllegalArgumentException("critical (" + critical + ") must be above warn (" + warn + ")");
            }
        }

        /** Event time between two consecutive readings of the whole fleet, in milliseconds. */
        public double millisPerReading() {
            return 1000.0 * speedup / eventsPerSecond;
        }
    }

    /**
     * One generated reading.
     *
     * @param incident the incident that shaped this reading, or null for a normal one
     */
    public record Reading(long sequence, Asset asset, Instant timestamp, double power, double temperature,
            String readingId, Incident incident) {

        /** A reading a silent incident swallows: the simulator does not send it. */
        public boolean silenced() {
            return incident != null && incident.kind() == Kind.SILENT;
        }

        public TelemetryReceived toEvent() {
            return TelemetryReceived.newBuilder()
                    .setEventId(readingId)
                    .setEventType("TelemetryReceived")
                    .setAssetId(asset.assetId())
                    .setPower(power)
                    .setTemperature(temperature)
                    .setTimestamp(timestamp)
                    .build();
        }

        public DeviceReading toDeviceReading() {
            return new DeviceReading(readingId, asset.assetId(), power, temperature, timestamp);
        }
    }

    private final Settings settings;
    private final AssetState[] assets;
    private final Deque<Incident> scheduled;
    private final Random incidentRandom;
    private final List<Incident> started = new ArrayList<>();
    private long nextSpikeMillis;
    private long nextSustainedMillis;
    private long sequence;

    public TelemetryGenerator(Settings settings) {
        this.settings = settings;
        this.assets = new AssetState[settings.fleet().size()];
        for (int i = 0; i < assets.length; i++) {
            assets[i] = new AssetState(settings.fleet().get(i), settings.seed());
        }
        List<Incident> scripted = new ArrayList<>(settings.incidents());
        scripted.sort(Comparator.comparing(Incident::offset));
        for (Incident incident : scripted) {
            state(incident.assetId());
        }
        this.scheduled = new ArrayDeque<>(scripted);
        this.incidentRandom = new Random(settings.seed() ^ 0x1DC1DE47L);
        this.nextSpikeMillis = settings.spikeEvery() == null ? Long.MAX_VALUE : settings.spikeEvery().toMillis();
        this.nextSustainedMillis =
                settings.sustainedEvery() == null ? Long.MAX_VALUE : settings.sustainedEvery().toMillis();
    }

    /** Event time of reading number {@code sequence} (counted from 0). */
    public Instant eventTime(long sequence) {
        return settings.start().plusMillis((long) Math.floor(sequence * settings.millisPerReading()));
    }

    /** How many readings have been generated. */
    public long generated() {
        return sequence;
    }

    /** The incidents that have shaped at least one reading so far, in the order they began. */
    public List<Incident> startedIncidents() {
        return List.copyOf(started);
    }

    public Reading next() {
        long seq = sequence++;
        Instant timestamp = eventTime(seq);
        long offsetMillis = timestamp.toEpochMilli() - settings.start().toEpochMilli();
        schedulePeriodic(offsetMillis);
        while (!scheduled.isEmpty() && scheduled.peekFirst().offset().toMillis() <= offsetMillis) {
            Incident incident = scheduled.pollFirst();
            state(incident.assetId()).pending.add(new ActiveIncident(incident));
        }
        AssetState asset = assets[(int) (seq % assets.length)];
        return asset.read(seq, timestamp, offsetMillis);
    }

    private void schedulePeriodic(long offsetMillis) {
        while (nextSpikeMillis <= offsetMillis || nextSustainedMillis <= offsetMillis) {
            boolean spike = nextSpikeMillis <= nextSustainedMillis;
            long at = spike ? nextSpikeMillis : nextSustainedMillis;
            Asset asset = settings.fleet().get(incidentRandom.nextInt(assets.length));
            Incident incident = new Incident(asset.assetId(), spike ? Kind.SPIKE : Kind.SUSTAINED,
                    Duration.ofMillis(at));
            scheduled.addLast(incident);
            if (spike) {
                nextSpikeMillis += settings.spikeEvery().toMillis();
            } else {
                nextSustainedMillis += settings.sustainedEvery().toMillis();
            }
        }
    }

    private AssetState state(String assetId) {
        for (AssetState state : assets) {
            if (state.asset.assetId().equals(assetId)) {
                return state;
            }
        }
        throw new IllegalArgumentException("asset " + assetId + " is not in the simulated fleet ("
                + assets[0].asset.assetId() + " ... " + assets[assets.length - 1].asset.assetId() + ")");
    }

    /** An incident that has begun for its asset; a spike counts the readings it has left. */
    private static final class ActiveIncident {
        final Incident incident;
        int spikeReadingsDone;

        ActiveIncident(Incident incident) {
            this.incident = incident;
        }
    }

    private final class AssetState {
        final Asset asset;
        final Random random;
        final List<ActiveIncident> pending = new ArrayList<>();
        double temperatureWalk;
        double loadWalk;

        AssetState(Asset asset, long seed) {
            this.asset = asset;
            this.random = new Random(seed * 0x9E3779B97F4A7C15L + asset.index() + 1);
        }

        Reading read(long seq, Instant timestamp, long offsetMillis) {
            temperatureWalk = clamp(0.95 * temperatureWalk + 0.6 * random.nextGaussian(), 8);
            double temperatureNoise = clamp(0.8 * random.nextGaussian(), 2.4);
            loadWalk = clamp(0.97 * loadWalk + 0.02 * random.nextGaussian(), 0.15);
            double powerNoise = clamp(0.01 * random.nextGaussian(), 0.03);
            double incidentNoise = random.nextGaussian();

            double temperature = Math.min(asset.baseTemperature() + temperatureWalk + temperatureNoise,
                    settings.warn() - NORMAL_MARGIN_BELOW_WARN);
            double power = asset.basePower() * (1 + loadWalk + powerNoise);
            Incident shapedBy = null;
            ActiveIncident active = activeIncident(offsetMillis);
            if (active != null) {
                shapedBy = active.incident;
                power *= 1.12;
                if (active.incident.kind() == Kind.SILENT) {
                    // not sent (see Reading#silenced); the values are drawn all the same, so the rest stays as it was
                } else if (active.incident.kind() == Kind.SPIKE) {
                    temperature = settings.critical() + SPIKE_PROFILE[active.spikeReadingsDone++]
                            + clamp(0.5 * incidentNoise, 1.0);
                } else {
                    temperature = settings.critical() - settings.warn() >= 2
                            ? Math.max(settings.warn() + 1, Math.min(settings.critical() - 1,
                                    settings.warn() + 4 + incidentNoise))
                            : (settings.warn() + settings.critical()) / 2;
                }
                if (!started.contains(active.incident)) {
                    started.add(active.incident);
                }
            }
            String readingId = NameIds.of(asset.assetId(), timestamp.toEpochMilli(), seq);
            return new Reading(seq, asset, timestamp, round1(power), round1(temperature), readingId, shapedBy);
        }

        /** The incident shaping this reading (a spike wins over a sustained overheat); drops finished ones. */
        private ActiveIncident activeIncident(long offsetMillis) {
            pending.removeIf(a -> switch (a.incident.kind()) {
                case SPIKE -> a.spikeReadingsDone >= SPIKE_READINGS;
                case SUSTAINED -> offsetMillis >= a.incident.offset().plus(settings.sustainedLength()).toMillis();
                case SILENT -> offsetMillis >= a.incident.offset().plus(Incident.SILENT_LENGTH).toMillis();
            });
            ActiveIncident sustained = null;
            for (ActiveIncident a : pending) {
                if (a.incident.kind() == Kind.SILENT) {
                    return a;
                }
                if (a.incident.kind() == Kind.SPIKE) {
                    return a;
                }
                if (sustained == null) {
                    sustained = a;
                }
            }
            return sustained;
        }
    }

    private static double clamp(double value, double limit) {
        return Math.max(-limit, Math.min(limit, value));
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
