package io.assetalerts.tools.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;

import io.assetalerts.udfs.config.Flags;
import io.assetalerts.udfs.config.InvalidFlagException;

/**
 * Every flag of {@link FleetSimulator}, read the way the jobs read theirs ({@link Flags}: {@code --key value},
 * {@code --config FILE}, {@code --kafka.<property>} passed to the producer, a one-line error naming a wrong or
 * unknown flag). Durations of incidents are event time; {@code --duration} is wall-clock time.
 */
public record SimulatorConfig(
        String bootstrapServers,
        Properties kafkaProperties,
        String assetTopic,
        String telemetryTopic,
        String rulesTopic,
        List<io.assetalerts.schemas.RuleSet> ruleChanges,
        Format format,
        TelemetryGenerator.Settings generator,
        Duration duration,
        Long count,
        Duration progressEvery) {

    /** What goes on the telemetry topic. */
    public enum Format {
        /** TelemetryReceived with an eventId, for {@code telemetry.events} (read by the alert job). */
        EVENTS,
        /** Device readings with a readingId, for {@code telemetry.raw} (read by the telemetry-ingest job). */
        RAW
    }

    public static final String USAGE = """
            usage: fleet-simulator --bootstrap-servers HOST:PORT [flags]
              --assets 24                 fleet size (TURBINE-101, PUMP-101, TRANSFORMER-101, TURBINE-102, ...)
              --rate 50                   telemetry events per second (wall clock)
              --speedup 1                 event time runs this many times faster than the wall clock
              --start-time now            event time of the first reading (ISO-8601, e.g. 2026-01-10T10:15:00Z)
              --seed 42                   same seed and flags, same readings and eventIds
              --incident A:KIND:OFFSET    scripted incidents, comma-separated; KIND spike|sustained|silent, OFFSET event
                                          time after --start-time, e.g. TURBINE-101:spike:30s,PUMP-101:sustained:1min
              --spike-every DURATION      a spike above --critical on a random asset every DURATION of event time
              --sustained-every DURATION  a sustained overheat above --warn on a random asset every DURATION
              --sustained-length 4min     event time a sustained overheat lasts (3 one-minute windows, any alignment)
              --critical 100 --warn 90    the rule thresholds the incidents are shaped for
              --rule-change S:OFFSET:P=V  rule versions published before the first reading, comma-separated; S a
                                          scope, OFFSET event time after --start-time, P critical, clear,
                                          clearDelay, warn, windowSize, windowCount, threshold=on|off or
                                          sustained=on|off (join with
                                          +), e.g. type:PUMP:6min:critical=92
              --rules-topic alert.rules
              --format events|raw         TelemetryReceived (eventId) or device readings (readingId)
              --telemetry-topic NAME      default telemetry.events for events, telemetry.raw for raw
              --asset-topic asset.events
              --duration DURATION | --count N   stop after this wall time or this many telemetry events
              --progress-every 5s         progress line on stderr
              --kafka.<property> VALUE    passed to the Kafka producer (e.g. security settings)
            """;

    public static SimulatorConfig fromArgs(String... args) {
        Flags flags = Flags.parse(args);
        String bootstrap = flags.requiredString("bootstrap-servers");
        Properties kafka = flags.kafkaProperties();
        Format format = flags.choice("format", Format.class, Format.EVENTS);
        String telemetryTopic = flags.string("telemetry-topic",
                format == Format.EVENTS ? "telemetry.events" : "telemetry.raw");
        String assetTopic = flags.string("asset-topic", "asset.events");
        int assets = flags.positiveInt("assets", 24);
        double rate = positive(flags, "rate", 50);
        double speedup = positive(flags, "speedup", 1);
        long seed = longValue(flags, "seed", 42);
        Instant start = instant(flags, "start-time");
        String incidentList = flags.optionalString("incident");
        List<Incident> incidents;
        try {
            incidents = incidentList == null ? List.of() : Incident.parseList(incidentList);
        } catch (IllegalArgumentException e) {
            throw new InvalidFlagException("incident", e.getMessage());
        }
        Duration spikeEvery = optionalPositiveDuration(flags, "spike-every");
        Duration sustainedEvery = optionalPositiveDuration(flags, "sustained-every");
        Duration sustainedLength = flags.positiveDuration("sustained-length", Duration.ofMinutes(4));
        double critical = flags.finiteDouble("critical", 100.0);
        double warn = flags.finiteDouble("warn", 90.0);
        if (!(critical > warn)) {
            throw new InvalidFlagException("critical", "must be above --warn (" + warn + "), got " + critical);
        }
        Duration duration = optionalPositiveDuration(flags, "duration");
        Long count = flags.optionalString("count") == null ? null : longValue(flags, "count", 0);
        if (count != null && count <= 0) {
            throw new InvalidFlagException("count", "expected a positive integer, got " + count);
        }
        Duration progressEvery = flags.positiveDuration("progress-every", Duration.ofSeconds(5));
        String rulesTopic = flags.string("rules-topic", "alert.rules");
        String ruleChangeList = flags.optionalString("rule-change");
        List<io.assetalerts.schemas.RuleSet> ruleChanges;
        try {
            ruleChanges = ruleChangeList == null ? List.of() : RuleChange.parseList(ruleChangeList, start);
        } catch (IllegalArgumentException e) {
            throw new InvalidFlagException("rule-change", e.getMessage());
        }
        flags.rejectUnknown();

        TelemetryGenerator.Settings settings;
        try {
            settings = new TelemetryGenerator.Settings(Fleet.of(assets, seed), seed, start, rate, speedup, incidents,
                    spikeEvery, sustainedEvery, sustainedLength, critical, warn);
            new TelemetryGenerator(settings);
        } catch (IllegalArgumentException e) {
            throw new InvalidFlagException("incident", e.getMessage());
        }
        return new SimulatorConfig(bootstrap, kafka, assetTopic, telemetryTopic, rulesTopic, ruleChanges, format,
                settings, duration, count, progressEvery);
    }

    private static double positive(Flags flags, String flag, double defaultValue) {
        double value = flags.finiteDouble(flag, defaultValue);
        if (!(value > 0)) {
            throw new InvalidFlagException(flag, "must be greater than zero, got " + value);
        }
        return value;
    }

    static long longValue(Flags flags, String flag, long defaultValue) {
        String value = flags.optionalString(flag);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidFlagException(flag, "expected an integer, got '" + value + "'");
        }
    }

    /** An ISO-8601 instant ({@code Z} or an offset), or {@code now} (the default), to the millisecond. */
    static Instant instant(Flags flags, String flag) {
        String value = flags.optionalString(flag);
        if (value == null || value.equals("now")) {
            return Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }
        try {
            return OffsetDateTime.parse(value).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            throw new InvalidFlagException(flag, "expected an ISO-8601 instant like 2026-01-10T10:15:00Z, got '"
                    + value + "'");
        }
    }

    private static Duration optionalPositiveDuration(Flags flags, String flag) {
        return flags.optionalString(flag) == null ? null : flags.positiveDuration(flag, null);
    }

    /** The configuration as it would be logged: Kafka client properties are not shown (they may hold secrets). */
    @Override
    public String toString() {
        TelemetryGenerator.Settings s = generator;
        return "SimulatorConfig{bootstrapServers=" + bootstrapServers
                + ", kafkaProperties=" + kafkaProperties.stringPropertyNames()
                + ", assetTopic=" + assetTopic + ", telemetryTopic=" + telemetryTopic + ", format=" + format
                + ", assets=" + s.fleet().size() + ", rate=" + s.eventsPerSecond() + ", speedup=" + s.speedup()
                + ", seed=" + s.seed() + ", start=" + s.start() + ", incidents=" + s.incidents()
                + ", spikeEvery=" + s.spikeEvery() + ", sustainedEvery=" + s.sustainedEvery()
                + ", duration=" + duration + ", count=" + count + "}";
    }
}
