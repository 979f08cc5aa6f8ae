package io.assetalerts.jobs.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assetalerts.jobs.AlertJob;
import io.assetalerts.jobs.testing.HostileRecords;
import io.assetalerts.jobs.testing.KafkaBrokerExtension;
import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.udfs.codec.EventJson;
import io.assetalerts.udfs.rules.RuleBook;
import io.assetalerts.udfs.rules.RuleSettings;
import io.assetalerts.udfs.rules.RuleVersions;
import org.apache.flink.api.common.JobStatus;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 14, hostile input in the project's own suite: 10,000 bad records of every kind ({@link HostileRecords}) mixed
 * into a seeded fleet's valid traffic on a real broker. The job must not fail once, every bad record must be in the
 * DLQ with a reason, and the valid traffic's alerts and resolves must be exactly the reference model's.
 */
class HostileInputIT {

    private static final Logger LOG = LoggerFactory.getLogger(HostileInputIT.class);
    private static final int HOSTILE = 10_000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @Test
    void tenThousandBadRecordsAllReachTheDlqWithoutAJobFailureAndTheAlertsStayExact(
            @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
        Path rulesFile = dir.resolve("rules.yaml");
        Files.writeString(rulesFile, RandomFleet.RULES_YAML);
        RuleBook rules = RuleBook.load(rulesFile, RuleSettings.SPEC_DEFAULTS);
        RandomFleet fleet = new RandomFleet(9, 60, 12, rules);
        String id = KAFKA.uniqueTopic("hostile");
        String assets = id + ".asset.events";
        String telemetry = id + ".telemetry.events";
        String alerts = id + ".alert.events";
        String dlq = id + ".dlq";
        KAFKA.createTopic(assets, 1, Map.of("cleanup.policy", "compact"));
        KAFKA.createTopic(telemetry, 3);
        KAFKA.createTopic(alerts, 2);
        KAFKA.createTopic(dlq, 1);
        KAFKA.createTopic(id + ".alert.rules", 1, Map.of("cleanup.policy", "compact"));
        List<ProducerRecord<String, String>> registrations = new ArrayList<>();
        for (AssetRegistered a : fleet.registrations) {
            registrations.add(new ProducerRecord<>(assets, a.getAssetId(), utf8(EventJson.encode(a))));
        }
        KAFKA.produce(assets, registrations);

        // the valid readings in their order, the bad ones dropped in between at random places
        List<ProducerRecord<byte[], byte[]>> valid = new ArrayList<>();
        for (TelemetryReceived r : fleet.arrivals) {
            valid.add(new ProducerRecord<>(telemetry, bytes(r.getAssetId()), EventJson.encode(r)));
        }
        String tickAsset = fleet.registrations.get(0).getAssetId();
        for (int p = 0; p < 3; p++) {
            TelemetryReceived tick = TelemetryReceived.newBuilder().setEventId("tick-" + p).setAssetId(tickAsset)
                    .setPower(1).setTemperature(20).setTimestamp(RandomFleet.START.plus(Duration.ofHours(2))).build();
            valid.add(new ProducerRecord<>(telemetry, p, bytes(tickAsset), EventJson.encode(tick)));
        }
        List<ProducerRecord<byte[], byte[]>> hostile =
                HostileRecords.generate(telemetry, fleet.registrations.get(1).getAssetId(), HOSTILE, 14);
        List<ProducerRecord<byte[], byte[]>> mixed = new ArrayList<>();
        Random random = new Random(14);
        int h = 0;
        for (ProducerRecord<byte[], byte[]> record : valid.subList(0, valid.size() - 3)) {
            while (h < hostile.size() && random.nextInt(3) > 0) {
                mixed.add(hostile.get(h++));
            }
            mixed.add(record);
        }
        mixed.addAll(hostile.subList(h, hostile.size()));
        mixed.addAll(valid.subList(valid.size() - 3, valid.size())); // the ticks last
        KAFKA.produceBytes(telemetry, mixed);

        ReferenceModel.Events expected = ReferenceModel.events(fleet.registrations, fleet.arrivals,
                new RuleVersions(rules), RandomFleet.SILENCE_AFTER);
        long unregistered = fleet.arrivals.stream().filter(r -> r.getAssetId().startsWith("GHOST"))
                .map(TelemetryReceived::getEventId).distinct().count();

        JobClient job = AlertJob.start("--bootstrap-servers", KAFKA.bootstrapServers(),
                "--asset-topic", assets, "--telemetry-topic", telemetry, "--alert-topic", alerts,
                "--dlq-topic", dlq, "--rules-topic", id + ".alert.rules", "--group-id", id,
                "--transactional-id-prefix", id, "--rules", rulesFile.toString(),
                "--silence-after", RandomFleet.SILENCE_AFTER.toSeconds() + "s",
                "--starting-offsets", "earliest", "--checkpoint-interval", "1s", "--parallelism", "2");
        try {
            List<ConsumerRecord<String, String>> written = KAFKA.readCommittedEvents(alerts, expected.alerts().size(),
                    expected.resolved().size(), Duration.ofMinutes(3));
            List<AlertTriggered> raised = written.stream().filter(KafkaBrokerExtension::isAlert)
                    .map(r -> EventJson.decodeAlertTriggered(bytes(r.value())).value()).toList();
            List<AlertResolved> ended = written.stream().filter(r -> !KafkaBrokerExtension.isAlert(r))
                    .map(r -> EventJson.decodeAlertResolved(bytes(r.value())).value()).toList();
            assertThat(raised).as("the valid traffic's alerts").containsExactlyInAnyOrderElementsOf(expected.alerts());
            assertThat(ended).containsExactlyInAnyOrderElementsOf(expected.resolved());

            int deadLetters = HOSTILE + (int) unregistered;
            List<DeadLetter> dead = KAFKA.readCommitted(dlq, deadLetters, Duration.ofMinutes(2)).stream()
                    .map(r -> EventJson.decodeDeadLetter(bytes(r.value())).value()).toList();
            Map<String, Integer> byReason = new TreeMap<>();
            dead.forEach(d -> byReason.merge(d.getReason(), 1, Integer::sum));
            LOG.info("{} bad records and {} readings of unregistered assets in the DLQ by reason: {}", HOSTILE,
                    unregistered, byReason);
            assertThat(dead).as("every bad record once, and nothing else").hasSize(deadLetters)
                    .allSatisfy(d -> assertThat(d.getMessage()).isNotBlank());
            assertThat(byReason).as("no valid reading late").doesNotContainKey("LATE_EVENT")
                    .containsKeys("MALFORMED_JSON", "MISSING_FIELD", "INVALID_VALUE", "UNKNOWN_EVENT_TYPE",
                            "KEY_MISMATCH", "FUTURE_TIMESTAMP", "UNKNOWN_ASSET");
            assertThat(byReason.get("UNKNOWN_ASSET")).isEqualTo((int) unregistered);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            assertThat(restarts(cluster, job)).as("job restarts").isZero();
        } finally {
            job.cancel().get();
        }
    }

    /** The job's {@code numRestarts} metric, over the MiniCluster's REST API. */
    private static long restarts(MiniCluster cluster, JobClient job) throws Exception {
        URI rest = cluster.getRestAddress().get();
        HttpRequest request = HttpRequest.newBuilder(
                rest.resolve("/jobs/" + job.getJobID() + "/metrics?get=numRestarts")).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            // the REST endpoint serves metrics it fetched from the JobManager, which it does every few seconds
            String body = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
            JsonNode metrics = new ObjectMapper().readTree(body);
            if (metrics.size() == 1) {
                return metrics.get(0).get("value").asLong();
            }
            assertThat(System.nanoTime()).as("numRestarts over REST: %s", body).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
