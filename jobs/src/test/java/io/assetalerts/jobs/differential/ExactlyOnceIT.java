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

    @Test
    void aTaskManagerCrashNeitherLosesNorDuplicatesCommittedAlerts(@InjectMiniCluster MiniCluster cluster,
            @TempDir Path dir) throws Exception {
        Path rulesFile = dir.resolve("rules.yaml");
        Files.writeString(rulesFile, RandomFleet.RULES_YAML);
        RuleBook rules = RuleBook.load(rulesFile, RuleSettings.SPEC_DEFAULTS);
        RandomFleet fleet = new RandomFleet(7, 60, 12, rules);

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

        List<TelemetryReceived> input = new ArrayList<>(fleet.arrivals);
        String tickAsset = fleet.registrations.get(0).getAssetId();
        for (int p = 0; p < 3; p++) {
            input.add(TelemetryReceived.newBuilder().setEventId("tick-" + p).setAssetId(tickAsset).setPower(1)
                    .setTemperature(20).setTimestamp(RandomFleet.START.plus(Duration.ofHours(2))).build());
        }
        // the ticks stay above the watermark (they move it), so neither the job nor the model evaluates them
        ReferenceModel.Events events = ReferenceModel.events(fleet.registrations, fleet.arrivals,
                new io.assetalerts.udfs.rules.RuleVersions(rules), RandomFleet.SILENCE_AFTER);
        List<AlertTriggered> expected = events.alerts();

        int half = fleet.arrivals.size() / 2;
        KAFKA.produce(telemetry, records(telemetry, fleet.arrivals.subList(0, half)));
        JobClient job = AlertJob.start("--bootstrap-servers", KAFKA.bootstrapServers(),
                "--asset-topic", assets, "--telemetry-topic", telemetry, "--alert-topic", alerts,
                "--dlq-topic", id + ".dlq", "--rules-topic", id + ".alert.rules", "--group-id", id,
                "--transactional-id-prefix", id,
                "--rules", rulesFile.toString(), "--silence-after", RandomFleet.SILENCE_AFTER.toSeconds() + "s",
                "--starting-offsets", "earliest", "--checkpoint-interval", "1s",
                "--parallelism", "2");
        try {
            List<ConsumerRecord<String, String>> before = KAFKA.consumeUntil(alerts,
                    r -> r.stream().filter(KafkaBrokerExtension::isAlert).count() >= 20, Duration.ofMinutes(2));

            cluster.terminateTaskManager(0).get();
            cluster.startTaskManager();

            List<ProducerRecord<String, String>> rest = records(telemetry, fleet.arrivals.subList(half, fleet.arrivals.size()));
            for (int p = 0; p < 3; p++) {
                TelemetryReceived tick = input.get(fleet.arrivals.size() + p);
                rest.add(new ProducerRecord<>(telemetry, p, tickAsset, utf8(EventJson.encode(tick))));
            }
            KAFKA.produce(telemetry, rest);

            List<ConsumerRecord<String, String>> written = KAFKA.readCommittedEvents(alerts, expected.size(),
                    events.resolved().size(), Duration.ofMinutes(3));
            List<AlertTriggered> committed = written.stream().filter(KafkaBrokerExtension::isAlert)
                    .map(r -> EventJson.decodeAlertTriggered(r.value().getBytes(StandardCharsets.UTF_8)).value()).toList();
            List<io.assetalerts.schemas.AlertResolved> resolved = written.stream().filter(r -> !KafkaBrokerExtension.isAlert(r))
                    .map(r -> EventJson.decodeAlertResolved(r.value().getBytes(StandardCharsets.UTF_8)).value()).toList();
            assertThat(before.stream().filter(KafkaBrokerExtension::isAlert).count()).isLessThan(expected.size());
            assertThat(committed).extracting(AlertTriggered::getAlertId).doesNotHaveDuplicates();
            assertThat(committed).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(resolved).as("every episode's end exactly once through the kill")
                    .containsExactlyInAnyOrderElementsOf(events.resolved());
        } finally {
            job.cancel().get();
        }
    }

    private static List<ProducerRecord<String, String>> records(String topic, List<TelemetryReceived> readings) {
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
