package io.assetalerts.jobs.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.assetalerts.jobs.AlertJob;
import io.assetalerts.jobs.testing.KafkaBrokerExtension;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.udfs.codec.EventJson;
import io.assetalerts.udfs.rules.RuleBook;
import io.assetalerts.udfs.rules.RuleSettings;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a failure (SPEC 4.2 "Delivery"): the TaskManager running the job is killed while
 * alerts are being produced; the job restarts from its last checkpoint, and a read_committed consumer still
 * sees exactly the reference model's alerts, none lost and none twice.
 */
class ExactlyOnceIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    /** A seeded fleet on its own topics, its registrations published, and what the reference model expects of it. */
    private record Run(String id, String telemetry, String alerts, String dlq, RandomFleet fleet,
            List<TelemetryReceived> ticks, ReferenceModel.Events expected, String[] args) {

        static Run of(long seed, Path dir, String... flags) throws Exception {
            Path rulesFile = dir.resolve("rules.yaml");
            Files.writeString(rulesFile, RandomFleet.RULES_YAML);
            RuleBook rules = RuleBook.load(rulesFile, RuleSettings.SPEC_DEFAULTS);
            RandomFleet fleet = new RandomFleet(seed, 60, 12, rules);
            String id = KAFKA.uniqueTopic("eo");
            String assets = id + ".asset.events";
            String telemetry = id + ".telemetry.events";
            String alerts = id + ".alert.events";
            KAFKA.createTopic(assets, 1, Map.of("cleanup.policy", "compact"));
            KAFKA.createTopic(telemetry, 3);
            KAFKA.createTopic(alerts, 2);
            KAFKA.createTopic(id + ".dlq", 1);
            KAFKA.createTopic(id + ".alert.rules", 1, Map.of("cleanup.policy", "compact"));
            List<ProducerRecord<String, String>> registrations = new ArrayList<>();
            for (AssetRegistered a : fleet.registrations) {
                registrations.add(new ProducerRecord<>(assets, a.getAssetId(), utf8(EventJson.encode(a))));
            }
            KAFKA.produce(assets, registrations);
            // one far-future reading per partition: the ticks stay above the watermark (they move it), so neither the
            // job nor the model evaluates them
            String tickAsset = fleet.registrations.get(0).getAssetId();
            List<TelemetryReceived> ticks = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                ticks.add(TelemetryReceived.newBuilder().setEventId("tick-" + p).setAssetId(tickAsset).setPower(1)
                        .setTemperature(20).setTimestamp(RandomFleet.START.plus(Duration.ofHours(2))).build());
            }
            ReferenceModel.Events events = ReferenceModel.events(fleet.registrations, fleet.arrivals,
                    new io.assetalerts.udfs.rules.RuleVersions(rules), RandomFleet.SILENCE_AFTER);
            List<String> args = new ArrayList<>(List.of("--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--asset-topic", assets, "--telemetry-topic", telemetry, "--alert-topic", alerts,
                    "--dlq-topic", id + ".dlq", "--rules-topic", id + ".alert.rules", "--group-id", id,
                    "--transactional-id-prefix", id,
                    "--rules", rulesFile.toString(), "--silence-after", RandomFleet.SILENCE_AFTER.toSeconds() + "s",
                    "--starting-offsets", "earliest", "--checkpoint-interval", "1s",
                    "--parallelism", "2"));
            args.addAll(List.of(flags));
            return new Run(id, telemetry, alerts, id + ".dlq", fleet, ticks, events, args.toArray(String[]::new));
        }

        /** The first half of the readings, in arrival order. */
        List<ProducerRecord<String, String>> firstHalf() {
            return records(telemetry, fleet.arrivals.subList(0, fleet.arrivals.size() / 2));
        }

        /** The rest, then one tick per partition. */
        List<ProducerRecord<String, String>> rest() {
            List<ProducerRecord<String, String>> rest =
                    records(telemetry, fleet.arrivals.subList(fleet.arrivals.size() / 2, fleet.arrivals.size()));
            for (int p = 0; p < ticks.size(); p++) {
                rest.add(new ProducerRecord<>(telemetry, p, ticks.get(p).getAssetId(), utf8(EventJson.encode(ticks.get(p)))));
            }
            return rest;
        }

        /** Waits for every alert and resolve the model expects and checks them: none lost, none twice, none other. */
        void assertEventsAreTheModels(String what) {
            List<AlertTriggered> expectedAlerts = expected.alerts();
            List<ConsumerRecord<String, String>> written = KAFKA.readCommittedEvents(alerts, expectedAlerts.size(),
                    expected.resolved().size(), Duration.ofMinutes(3));
            List<AlertTriggered> committed = written.stream().filter(KafkaBrokerExtension::isAlert)
                    .map(r -> EventJson.decodeAlertTriggered(r.value().getBytes(StandardCharsets.UTF_8)).value()).toList();
            List<io.assetalerts.schemas.AlertResolved> resolved = written.stream().filter(r -> !KafkaBrokerExtension.isAlert(r))
                    .map(r -> EventJson.decodeAlertResolved(r.value().getBytes(StandardCharsets.UTF_8)).value()).toList();
            assertThat(committed).extracting(AlertTriggered::getAlertId).doesNotHaveDuplicates();
            assertThat(committed).as("alerts through %s", what).containsExactlyInAnyOrderElementsOf(expectedAlerts);
            assertThat(resolved).as("every episode's end exactly once through %s", what)
                    .containsExactlyInAnyOrderElementsOf(expected.resolved());
        }
    }

    @Test
    void aTaskManagerCrashNeitherLosesNorDuplicatesCommittedAlerts(@InjectMiniCluster MiniCluster cluster,
            @TempDir Path dir) throws Exception {
        Run run = Run.of(7, dir);
        KAFKA.produce(run.telemetry(), run.firstHalf());
        JobClient job = AlertJob.start(run.args());
        try {
            List<ConsumerRecord<String, String>> before = KAFKA.consumeUntil(run.alerts(),
                    r -> r.stream().filter(KafkaBrokerExtension::isAlert).count() >= 20, Duration.ofMinutes(2));

            cluster.terminateTaskManager(0).get();
            cluster.startTaskManager();

            KAFKA.produce(run.telemetry(), run.rest());
            assertThat(before.stream().filter(KafkaBrokerExtension::isAlert).count())
                    .isLessThan(run.expected().alerts().size());
            run.assertEventsAreTheModels("the kill");
        } finally {
            job.cancel().get();
        }
    }

    /**
     * Issue 14: the broker goes away for many times the idleness, and the job restarts from its last checkpoint while
     * it is away, so every split restarts into a backlog it cannot fetch. Before, the splits went idle, the partitions
     * fetched first drove event time past the others' backlog, and valid readings became LATE_EVENT; now a split goes
     * idle only once its subtask has read everything committed to it, so no reading is late and no alert changes.
     */
    @Test
    void aBrokerOutageLongerThanTheIdlenessThroughARestartTurnsNoReadingLateAndChangesNoAlert(
            @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
        Run run = Run.of(8, dir, "--idleness", "2s");
        KAFKA.produce(run.telemetry(), run.firstHalf());
        JobClient job = AlertJob.start(run.args());
        try {
            KAFKA.consumeUntil(run.alerts(), r -> r.stream().filter(KafkaBrokerExtension::isAlert).count() >= 20,
                    Duration.ofMinutes(2));
            KAFKA.produce(run.telemetry(), run.rest()); // a backlog behind the last checkpoint
            KAFKA.killBroker();
            try {
                cluster.terminateTaskManager(0).get();
                cluster.startTaskManager();
                holdOutage(Duration.ofSeconds(15)); // the fault itself: 7.5 x the idleness with the broker away
            } finally {
                KAFKA.restartBroker();
            }
            run.assertEventsAreTheModels("the outage");
            long unregistered = run.fleet().arrivals.stream().filter(r -> r.getAssetId().startsWith("GHOST"))
                    .map(TelemetryReceived::getEventId).distinct().count();
            List<String> reasons = KAFKA.readCommitted(run.dlq(), (int) unregistered, Duration.ofMinutes(1)).stream()
                    .map(r -> EventJson.decodeDeadLetter(r.value().getBytes(StandardCharsets.UTF_8)).value().getReason())
                    .toList();
            assertThat(reasons).as("dead letters: one per reading of an unregistered asset, no LATE_EVENT")
                    .hasSize((int) unregistered).containsOnly("UNKNOWN_ASSET");
        } finally {
            job.cancel().get();
        }
    }

    /** Keeps the broker away this long: the length of the outage is what the test injects, not a wait for a result. */
    private static void holdOutage(Duration outage) throws InterruptedException {
        Thread.sleep(outage.toMillis());
    }

    static List<ProducerRecord<String, String>> records(String topic, List<TelemetryReceived> readings) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (TelemetryReceived r : readings) {
            records.add(new ProducerRecord<>(topic, r.getAssetId(), utf8(EventJson.encode(r))));
        }
        return records;
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
