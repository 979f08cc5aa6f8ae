package io.assetalerts.tools.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Every flag of {@link FleetSimulator}, declared once in {@link Flags} ({@link Cli#parse}: {@code --key value},
 * {@code --config FILE}, {@code --kafka.<property>} passed to the producer, a one-line error naming a wrong or
 * unknown flag; {@code --help} prints the same declaration). Durations of incidents are event time;
 * {@code --duration} is wall-clock time.
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

    @Command(name = "fleet-simulator", sortOptions = false, showDefaultValues = true,
            customSynopsis = "fleet-simulator --bootstrap-servers HOST:PORT [flags]",
            description = {"Registers a fleet and streams its telemetry, with scripted and random incidents.",
                    "Durations of incidents are event time; --duration is wall-clock time."})
    static final class Flags {
        @Mixin
        Cli.Broker broker;

        @Option(names = "--assets", paramLabel = "N", defaultValue = "24",
                description = "fleet size (TURBINE-101, PUMP-101, TRANSFORMER-101, TURBINE-102, ...)")
        int assets;

        @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "50",
                description = "telemetry events per second (wall clock)")
        double rate;

        @Option(names = "--speedup", paramLabel = "FACTOR", defaultValue = "1",
                description = "event time runs this many times faster than the wall clock")
        double speedup;

        @Option(names = "--start-time", paramLabel = "ISO-8601|now", defaultValue = "now",
                description = "event time of the first reading, e.g. 2026-01-10T10:15:00Z")
        String startTime;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
                description = "same seed and flags, same readings and eventIds")
        long seed;

        @Option(names = "--incident", paramLabel = "A:KIND:OFFSET[,...]",
                description = "scripted incidents; KIND spike|sustained|silent, OFFSET event time after --start-time,"
                        + " e.g. TURBINE-101:spike:30s,PUMP-101:sustained:1min")
        String incidents;

        @Option(names = "--spike-every", paramLabel = "DURATION", converter = Cli.DurationFlag.class,
                description = "a spike above --critical on a random asset every DURATION of event time")
        Duration spikeEvery;

        @Option(names = "--sustained-every", paramLabel = "DURATION", converter = Cli.DurationFlag.class,
                description = "a sustained overheat above --warn on a random asset every DURATION")
        Duration sustainedEvery;

        @Option(names = "--sustained-length", paramLabel = "DURATION", defaultValue = "4min",
                converter = Cli.DurationFlag.class,
                description = "event time a sustained overheat lasts (3 one-minute windows, any alignment)")
        Duration sustainedLength;

        @Option(names = "--critical", paramLabel = "CELSIUS", defaultValue = "100",
                description = "the threshold rule's critical temperature the incidents are shaped for")
        double critical;

        @Option(names = "--warn", paramLabel = "CELSIUS", defaultValue = "90",
                description = "the sustained rule's warn temperature the incidents are shaped for")
        double warn;

        @Option(names = "--rule-change", paramLabel = "S:OFFSET:P=V[+P=V][,...]",
                description = "rule versions published before the first reading; S a scope, OFFSET event time after"
                        + " --start-time, P critical, clear, clearDelay, warn, windowSize, windowCount, threshold=on|off"
                        + " or sustained=on|off, e.g. type:PUMP:6min:critical=92")
        String ruleChanges;

        @Option(names = "--rules-topic", paramLabel = "NAME", defaultValue = "alert.rules")
        String rulesTopic;

        @Option(names = "--format", paramLabel = "events|raw", defaultValue = "events",
                description = "TelemetryReceived (eventId) or device readings (readingId)")
        Format format;

        @Option(names = "--telemetry-topic", paramLabel = "NAME",
                description = "default telemetry.events for events, telemetry.raw for raw")
        String telemetryTopic;

        @Option(names = "--asset-topic", paramLabel = "NAME", defaultValue = "asset.events")
        String assetTopic;

        @Option(names = "--duration", paramLabel = "DURATION", converter = Cli.DurationFlag.class,
                description = "stop after this wall-clock time")
        Duration duration;

        @Option(names = "--count", paramLabel = "N", description = "stop after this many telemetry events")
        Long count;

        @Option(names = "--progress-every", paramLabel = "DURATION", defaultValue = "5s",
                converter = Cli.DurationFlag.class, description = "progress line on stderr")
        Duration progressEvery;
    }

    public static SimulatorConfig fromArgs(String... args) {
        Flags flags = new Flags();
        Properties kafka = Cli.parse(flags, args).kafka();
        Format format = flags.format;
        String telemetryTopic = flags.telemetryTopic != null ? flags.telemetryTopic
                : format == Format.EVENTS ? "telemetry.events" : "telemetry.raw";
        if (flags.assets < 1) {
            throw new Cli.BadFlag("assets", "expected a positive integer, got " + flags.assets);
        }
        double rate = positive("rate", flags.rate);
        double speedup = positive("speedup", flags.speedup);
        Instant start = instant("start-time", flags.startTime);
        List<Incident> incidents;
        try {
            incidents = flags.incidents == null ? List.of() : Incident.parseList(flags.incidents);
        } catch (IllegalArgumentException e) {
            throw new Cli.BadFlag("incident", e.getMessage());
        }
        Duration spikeEvery = Cli.positive("spike-every", flags.spikeEvery);
        Duration sustainedEvery = Cli.positive("sustained-every", flags.sustainedEvery);
        Duration sustainedLength = Cli.positive("sustained-length", flags.sustainedLength);
        double critical = finite("critical", flags.critical);
        double warn = finite("warn", flags.warn);
        if (!(critical > warn)) {
            throw new Cli.BadFlag("critical", "must be above --warn (" + warn + "), got " + critical);
        }
        Duration duration = Cli.positive("duration", flags.duration);
        if (flags.count != null && flags.count <= 0) {
            throw new Cli.BadFlag("count", "expected a positive integer, got " + flags.count);
        }
        Duration progressEvery = Cli.positive("progress-every", flags.progressEvery);
        List<io.assetalerts.schemas.RuleSet> ruleChanges;
        try {
            ruleChanges = flags.ruleChanges == null ? List.of() : RuleChange.parseList(flags.ruleChanges, start);
        } catch (IllegalArgumentException e) {
            throw new Cli.BadFlag("rule-change", e.getMessage());
        }

        TelemetryGenerator.Settings settings;
        try {
            settings = new TelemetryGenerator.Settings(Fleet.of(flags.assets, flags.seed), flags.seed, start, rate,
                    speedup, incidents, spikeEvery, sustainedEvery, sustainedLength, critical, warn);
            new TelemetryGenerator(settings);
        } catch (IllegalArgumentException e) {
            throw new Cli.BadFlag("incident", e.getMessage());
        }
        return new SimulatorConfig(flags.broker.servers, kafka, flags.assetTopic, telemetryTopic, flags.rulesTopic,
                ruleChanges, format, settings, duration, flags.count, progressEvery);
    }

    private static double positive(String flag, double value) {
        if (!(finite(flag, value) > 0)) {
            throw new Cli.BadFlag(flag, "must be greater than zero, got " + value);
        }
        return value;
    }

    private static double finite(String flag, double value) {
        if (!Double.isFinite(value)) {
            throw new Cli.BadFlag(flag, "expected a finite number, got " + value);
        }
        return value;
    }

    /** An ISO-8601 instant ({@code Z} or an offset), or {@code now} (the default), to the millisecond. */
    static Instant instant(String flag, String value) {
        if (value == null || value.equals("now")) {
            return Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }
        try {
            return OffsetDateTime.parse(value).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            throw new Cli.BadFlag(flag, "expected an ISO-8601 instant like 2026-01-10T10:15:00Z, got '"
                    + value + "'");
        }
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
