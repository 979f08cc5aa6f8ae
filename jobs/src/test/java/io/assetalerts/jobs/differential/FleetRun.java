package io.assetalerts.jobs.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.rules.RuleSettings;
import io.assetalerts.contracts.rules.RuleVersions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A seeded {@link RandomFleet} on topics of its own, its registrations published, the job's flags for it, and what
 * the reference model expects of it: the fault tests ({@link ExactlyOnceIT}, {@link HostileInputIT},
 * {@link CrashE2EIT}) differ only in what they do to the job in between.
 */
final class FleetRun {

    private final KafkaBrokerExtension kafka;
    private final String id;
    private final Path rulesFile;
    private final int partitions;
    final String telemetry;
    final String alerts;
    final String dlq;
    final RandomFleet fleet;
    final ReferenceModel.Events expected;

    private FleetRun(KafkaBrokerExtension kafka, String id, Path rulesFile, int partitions, RandomFleet fleet,
            ReferenceModel.Events expected) {
        this.kafka = kafka;
        this.id = id;
        this.rulesFile = rulesFile;
        this.partitions = partitions;
        this.telemetry = id + ".telemetry.events";
        this.alerts = id + ".alert.events";
        this.dlq = id + ".dlq";
        this.fleet = fleet;
        this.expected = expected;
    }

    /** Creates the topics ({@code partitions} for telemetry) and publishes the fleet's registrations. */
    static FleetRun create(KafkaBrokerExtension kafka, String name, long seed, int assets, int partitions, Path dir)
            throws Exception {
        Path rulesFile = dir.resolve("rules.yaml");
        Files.writeString(rulesFile, RandomFleet.RULES_YAML);
        RuleBook rules = RuleBook.load(rulesFile, RuleSettings.SPEC_DEFAULTS);
        RandomFleet fleet = new RandomFleet(seed, assets, 12, rules);
        ReferenceModel.Events expected = ReferenceModel.events(fleet.registrations, fleet.arrivals,
                new RuleVersions(rules), RandomFleet.SILENCE_AFTER);
        FleetRun run = new FleetRun(kafka, kafka.uniqueTopic(name), rulesFile, partitions, fleet, expected);
        kafka.createTopic(run.assets(), 1, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(run.telemetry, partitions);
        kafka.createTopic(run.alerts, 2);
        kafka.createTopic(run.dlq, 1);
        kafka.createTopic(run.rules(), 1, Map.of("cleanup.policy", "compact"));
        List<ProducerRecord<String, String>> registrations = new ArrayList<>();
        for (AssetRegistered a : fleet.registrations) {
            registrations.add(new ProducerRecord<>(run.assets(), a.getAssetId(),
                    new String(EventJson.encode(a), StandardCharsets.UTF_8)));
        }
        kafka.produce(run.assets(), registrations);
        return run;
    }

    private String assets() {
        return id + ".asset.events";
    }

    private String rules() {
        return id + ".alert.rules";
    }

    /** The job's flags for this run, then {@code extra} (checkpoint interval, parallelism, idleness, ...). */
    List<String> args(String... extra) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(),
                "--asset-topic", assets(), "--telemetry-topic", telemetry, "--alert-topic", alerts,
                "--dlq-topic", dlq, "--rules-topic", rules(), "--group-id", id, "--transactional-id-prefix", id,
                "--rules", rulesFile.toString(), "--silence-after", RandomFleet.SILENCE_AFTER.toSeconds() + "s",
                "--starting-offsets", "earliest"));
        args.addAll(List.of(extra));
        return args;
    }

    /** The fleet's readings {@code from} (inclusive) {@code to} (exclusive), in arrival order, as Kafka records. */
    List<ProducerRecord<byte[], byte[]>> readings(int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (TelemetryReceived r : fleet.arrivals.subList(from, to)) {
            records.add(new ProducerRecord<>(telemetry, r.getAssetId().getBytes(StandardCharsets.UTF_8),
                    EventJson.encode(r)));
        }
        return records;
    }

    /**
     * One far-future reading per partition: the ticks stay above the watermark (they move it), so neither the job nor
     * the model evaluates them, and event time passes everything else.
     */
    List<ProducerRecord<byte[], byte[]>> ticks() {
        String asset = fleet.registrations.get(0).getAssetId();
        List<ProducerRecord<byte[], byte[]>> ticks = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            TelemetryReceived tick = TelemetryReceived.newBuilder().setEventId("tick-" + p).setAssetId(asset)
                    .setPower(1).setTemperature(20).setTimestamp(RandomFleet.START.plus(Duration.ofHours(2))).build();
            ticks.add(new ProducerRecord<>(telemetry, p, asset.getBytes(StandardCharsets.UTF_8), EventJson.encode(tick)));
        }
        return ticks;
    }

    /** How many readings of unregistered assets the DLQ gets (one per eventId; dedupe drops the repeats first). */
    int unregisteredReadings() {
        return fleet.unregisteredReadings();
    }

    /** The shaded alert job jar the build made ({@code target/alert-job-*.jar}), for tests on a real cluster. */
    static Path shadedJar() throws java.io.IOException {
        try (java.util.stream.Stream<Path> jars = Files.list(Path.of("target"))) {
            return jars.filter(p -> p.getFileName().toString().matches("alert-job-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/alert-job-*.jar: run with `mvn verify`"));
        }
    }

    /** Waits for every alert and resolve the model expects and checks them: none lost, none twice, none other. */
    void assertEventsAreTheModels(String what, Duration timeout) {
        List<ConsumerRecord<String, String>> written = kafka.readCommittedEvents(alerts, expected.alerts().size(),
                expected.resolved().size(), timeout);
        List<AlertTriggered> raised = written.stream().filter(KafkaBrokerExtension::isAlert)
                .map(r -> EventJson.decodeAlertTriggered(r.value().getBytes(StandardCharsets.UTF_8)).value()).toList();
        List<AlertResolved> ended = written.stream().filter(r -> !KafkaBrokerExtension.isAlert(r))
                .map(r -> EventJson.decodeAlertResolved(r.value().getBytes(StandardCharsets.UTF_8)).value()).toList();
        assertThat(raised).extracting(AlertTriggered::getAlertId).doesNotHaveDuplicates();
        assertThat(raised).as("alerts through %s", what).containsExactlyInAnyOrderElementsOf(expected.alerts());
        assertThat(ended).as("every episode's end exactly once through %s", what)
                .containsExactlyInAnyOrderElementsOf(expected.resolved());
    }
}
