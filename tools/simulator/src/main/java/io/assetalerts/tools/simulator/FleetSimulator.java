package io.assetalerts.tools.simulator;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.tools.simulator.Fleet.Asset;
import io.assetalerts.tools.simulator.TelemetryGenerator.Reading;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Simulates a fleet of turbines, pumps and transformers against any Kafka cluster: registers every asset on
 * {@code asset.events}, then streams telemetry at a steady rate with overheat incidents injected on a schedule
 * (see {@link TelemetryGenerator}). Records are keyed by assetId and sent by an idempotent producer with
 * {@code acks=all}. A progress line goes to stderr every few seconds, and one line per incident as it begins.
 * Kafka record timestamps are the send time: with {@code --speedup} event time runs ahead of the clock, and a
 * broker refuses record timestamps too far in the future.
 */
public final class FleetSimulator {

    private static final String NAME = "fleet-simulator";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);
    private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final SimulatorConfig config;
    private final PrintStream err;
    private final Cli.Stop stop;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

    private FleetSimulator(SimulatorConfig config, PrintStream err, Cli.Stop stop) {
        this.config = config;
        this.err = err;
        this.stop = stop;
    }

    public static void main(String[] args) {
        Cli.main(NAME, SimulatorConfig.Flags::new, args, FleetSimulator::run);
    }

    static int run(String[] args, PrintStream out, PrintStream err, Cli.Stop stop) throws Exception {
        SimulatorConfig config = SimulatorConfig.fromArgs(args);
        new FleetSimulator(config, err, stop).simulate();
        return Cli.OK;
    }

    private void simulate() throws Exception {
        try (KafkaProducer<String, byte[]> producer =
                KafkaClients.producer(config.bootstrapServers(), config.kafkaProperties(), NAME)) {
            publishRuleChanges(producer);
            register(producer);
            stream(producer);
        }
    }

    /** The scripted rule versions, before any reading: published ahead of the event time they take effect at. */
    private void publishRuleChanges(KafkaProducer<String, byte[]> producer) throws Exception {
        if (config.ruleChanges().isEmpty()) {
            return;
        }
        KafkaClients.sendAll(producer, config.ruleChanges().stream()
                .map(r -> new ProducerRecord<>(config.rulesTopic(), r.getScope(), EventJson.encode(r))).toList(),
                SEND_TIMEOUT);
        for (var rules : config.ruleChanges()) {
            err.printf(Locale.ROOT, "%s: rule change on %s: %s%n", NAME, config.rulesTopic(), RuleChange.describe(rules));
        }
    }

    private void register(KafkaProducer<String, byte[]> producer) throws Exception {
        TelemetryGenerator.Settings settings = config.generator();
        List<ProducerRecord<String, byte[]>> registrations = new ArrayList<>();
        for (Asset asset : settings.fleet()) {
            AssetRegistered registration = Fleet.registration(asset, settings.start());
            registrations.add(new ProducerRecord<>(config.assetTopic(), asset.assetId(), EventJson.encode(registration)));
        }
        KafkaClients.sendAll(producer, registrations, SEND_TIMEOUT);
        err.printf(Locale.ROOT, "%s: registered %d assets on %s (%s ... %s); streaming %s to %s at %.0f/s,"
                        + " event time from %s at x%s%n",
                NAME, settings.fleet().size(), config.assetTopic(), settings.fleet().get(0).assetId(),
                settings.fleet().get(settings.fleet().size() - 1).assetId(),
                config.format() == SimulatorConfig.Format.EVENTS ? "TelemetryReceived" : "device readings",
                config.telemetryTopic(), settings.eventsPerSecond(), settings.start(), number(settings.speedup()));
    }

    private void stream(KafkaProducer<String, byte[]> producer) throws Exception {
        TelemetryGenerator generator = new TelemetryGenerator(config.generator());
        double nanosPerEvent = 1e9 / config.generator().eventsPerSecond();
        long progressNanos = config.progressEvery().toNanos();
        long t0 = System.nanoTime();
        long nextProgress = t0 + progressNanos;
        Instant lastEventTime = config.generator().start();
        while (!stop.requested()) {
            long sent = generator.generated();
            if (config.count() != null && sent >= config.count()) {
                break;
            }
            long now = System.nanoTime();
            if (config.duration() != null && now - t0 >= config.duration().toNanos()) {
                break;
            }
            if (now - nextProgress >= 0) {
                progress(sent, now - t0, lastEventTime, generator.startedIncidents().size());
                nextProgress += progressNanos;
            }
            long due = t0 + (long) (sent * nanosPerEvent);
            if (due - now > 0) {
                LockSupport.parkNanos(Math.min(due - now, MAX_SLEEP_NANOS));
                continue;
            }
            Exception failure = sendFailure.get();
            if (failure != null) {
                throw failure;
            }
            Reading reading = generator.next();
            lastEventTime = reading.timestamp();
            if (reading.silenced()) {
                announceStarted(generator, reading);
                continue;
            }
            byte[] value = config.format() == SimulatorConfig.Format.EVENTS
                    ? EventJson.encode(reading.toEvent())
                    : EventJson.encode(reading.toDeviceReading());
            producer.send(new ProducerRecord<>(config.telemetryTopic(), reading.asset().assetId(), value),
                    (metadata, e) -> {
                        if (e != null) {
                            sendFailure.compareAndSet(null, e);
                        }
                    });
            announceStarted(generator, reading);
        }
        producer.flush();
        Exception failure = sendFailure.get();
        if (failure != null) {
            throw failure;
        }
        err.printf(Locale.ROOT, "%s: %s after %d telemetry events%n", NAME,
                stop.requested() ? "stopped" : "done", generator.generated());
        progress(generator.generated(), System.nanoTime() - t0, lastEventTime, generator.startedIncidents().size());
    }

    private void progress(long sent, long elapsedNanos, Instant eventTime, int incidents) {
        double seconds = elapsedNanos / 1e9;
        err.printf(Locale.ROOT, "%s: %4.0fs  sent %d events (%.1f/s)  event time %s  incidents %d%n",
                NAME, seconds, sent, seconds > 0 ? sent / seconds : 0.0, eventTime, incidents);
    }

    private int incidentsReported;

    /** Reports the incidents that began with this reading. */
    private void announceStarted(TelemetryGenerator generator, Reading reading) {
        List<Incident> started = generator.startedIncidents();
        for (; incidentsReported < started.size(); incidentsReported++) {
            announce(started.get(incidentsReported), reading);
        }
    }

    /** Reports an incident with the first reading it shaped. */
    private void announce(Incident incident, Reading reading) {
        Asset asset = config.generator().fleet().stream()
                .filter(a -> a.assetId().equals(incident.assetId())).findFirst().orElseThrow();
        String what = incident.kind() == Incident.Kind.SILENT
                ? "no readings for " + Incident.format(Incident.SILENT_LENGTH)
                : String.format(Locale.ROOT, "reading %.1f°C", reading.temperature());
        err.printf(Locale.ROOT, "%s: incident %s on %s (%s @ %s) from %s event time, %s%n", NAME,
                incident.kind().name().toLowerCase(Locale.ROOT), asset.assetId(), asset.assetType(),
                asset.location(), reading.timestamp(), what);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
