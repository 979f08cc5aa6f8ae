package io.assetalerts.jobs.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.jobs.testing.MiniFlink;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
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
    static final MiniFlink FLINK = new MiniFlink();

    @Test
    void tenThousandBadRecordsAllReachTheDlqWithoutAJobFailureAndTheAlertsStayExact(
            @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
        FleetRun run = FleetRun.create(KAFKA, "hostile", 9, 60, 3, dir);
        // the valid readings in their order, the bad ones dropped in between at random places, the ticks last
        List<ProducerRecord<byte[], byte[]>> hostile =
                HostileRecords.generate(run.telemetry, run.fleet.registrations.get(1).getAssetId(), HOSTILE, 14);
        List<ProducerRecord<byte[], byte[]>> mixed = new ArrayList<>();
        Random random = new Random(14);
        int h = 0;
        for (ProducerRecord<byte[], byte[]> record : run.readings(0, run.fleet.arrivals.size())) {
            while (h < hostile.size() && random.nextInt(3) > 0) {
                mixed.add(hostile.get(h++));
            }
            mixed.add(record);
        }
        mixed.addAll(hostile.subList(h, hostile.size()));
        mixed.addAll(run.ticks());
        KAFKA.produceBytes(run.telemetry, mixed);
        int unregistered = run.unregisteredReadings();

        JobClient job = AlertJob.start(run.args("--checkpoint-interval", "1s", "--parallelism", "2")
                .toArray(String[]::new));
        FLINK.track(job);
        run.assertEventsAreTheModels("10,000 bad records", Duration.ofMinutes(3));

        int deadLetters = HOSTILE + unregistered;
        List<DeadLetter> dead = KAFKA.readCommitted(run.dlq, deadLetters, Duration.ofMinutes(2)).stream()
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
        assertThat(byReason.get("UNKNOWN_ASSET")).isEqualTo(unregistered);
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        assertThat(restarts(cluster, job)).as("job restarts").isZero();
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
}
