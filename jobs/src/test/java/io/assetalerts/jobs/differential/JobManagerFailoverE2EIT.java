package io.assetalerts.jobs.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.assetalerts.jobs.testing.FlinkRestClient;
import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.jobs.testing.LocalFlinkCluster;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, JobManager loss: the standalone cluster runs with ZooKeeper high availability ({@code tools/flink-local.sh}
 * with {@code HA_ZK_PORT}, the HA block of flink-conf). While a seeded fleet streams through the shaded job, the
 * JobManager is killed with SIGKILL; more readings arrive while no JobManager runs; then a new JobManager process is
 * started. It must take the job back from the HA store (same job id, restored from the latest completed checkpoint
 * that ZooKeeper points to, not started anew) and the alerts and resolves must equal the reference model's, each
 * once, with the same ids.
 */
@Tag("system") // mvn verify -Psystem (the root pom)
class JobManagerFailoverE2EIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final LocalFlinkCluster FLINK = LocalFlinkCluster.withHighAvailability();

    /** The JobManager's leadership waits for the dead one's ZooKeeper session to expire (60 s, Flink's default). */
    private static final Duration TIMEOUT = Duration.ofMinutes(4);

    @Test
    void aKilledJobManagerIsReplacedAndItsJobResumesFromTheHaStoreExactlyOnce(@TempDir Path dir) throws Exception {
        FleetRun run = FleetRun.create(KAFKA, "jm-failover", 31, 60, 4, dir);
        int n = run.fleet.arrivals.size();
        var rest = FLINK.rest();
        // every partition gets readings in each third and the ticks end them all, so no split needs to go idle; a short
        // idleness here once let splits go idle between the job start and the first third, and the readings of the
        // partitions fetched last were late (docs/reliability.md, "Not covered yet": data after an all-idle topic)
        String job = rest.runJar(rest.uploadJar(FleetRun.shadedJar()), run.args("--idleness", "10min",
                "--checkpoint-interval", "2s"), 2, null);
        rest.awaitRunning(job, TIMEOUT);

        KAFKA.produceBytes(run.telemetry, run.readings(0, n / 3));
        long completed = awaitCheckpointsCompleted(job, 2);
        // the next third is in Kafka and being read when the JobManager dies
        KAFKA.produceBytes(run.telemetry, run.readings(n / 3, 2 * n / 3));
        long killedAt = System.nanoTime();
        FLINK.killJobManager();
        // and the rest arrives while there is no JobManager at all
        List<ProducerRecord<byte[], byte[]>> rest3 = new ArrayList<>(run.readings(2 * n / 3, n));
        rest3.addAll(run.ticks());
        KAFKA.produceBytes(run.telemetry, rest3);
        FLINK.startJobManager();
        JsonNode restored = awaitRecovered(job);
        double recovery = (System.nanoTime() - killedAt) / 1e9;

        run.assertEventsAreTheModels("a JobManager kill", TIMEOUT);
        System.out.printf("[jm-failover] %d readings; JobManager killed after checkpoint %d; the new JobManager ran"
                + " the same job from checkpoint %d after %.1f s; %d alerts and %d resolves as the model's%n", n,
                completed, restored.path("id").asLong(), recovery, run.expected.alerts().size(),
                run.expected.resolved().size());
        assertThat(restored.path("id").asLong()).as("restored from a checkpoint the first JobManager completed")
                .isGreaterThanOrEqualTo(completed);
        assertThat(restored.path("is_savepoint").asBoolean()).isFalse();
    }

    /** Waits until the job has at least {@code count} completed checkpoints; returns the latest one's id. */
    private static long awaitCheckpointsCompleted(String job, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            JsonNode checkpoints = FLINK.rest().get("/jobs/" + job + "/checkpoints");
            if (checkpoints.path("counts").path("completed").asInt() >= count) {
                return checkpoints.path("latest").path("completed").path("id").asLong();
            }
            assertThat(System.nanoTime()).as("%d checkpoints within %s", count, TIMEOUT).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /**
     * Waits until the new JobManager runs the job (the same id) in all its tasks, restored from a checkpoint; returns
     * the checkpoint statistics' {@code latest.restored}. The REST API answers before the job is recovered from
     * ZooKeeper: until then it does not know the job (404) or the connection is refused.
     */
    private static JsonNode awaitRecovered(String job) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String last = "no answer";
        while (true) {
            try {
                JsonNode details = FLINK.rest().get("/jobs/" + job);
                last = details.path("state").asText();
                boolean allTasks = FlinkRestClient.allRunning(details);
                JsonNode restored = FLINK.rest().get("/jobs/" + job + "/checkpoints").path("latest").path("restored");
                if (allTasks && restored.has("id")) {
                    return restored;
                }
            } catch (AssertionError | UncheckedIOException notYet) {
                last = notYet.getMessage();
            }
            assertThat(System.nanoTime()).as("job %s running again within %s (last: %s)", job, TIMEOUT, last)
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }
}
