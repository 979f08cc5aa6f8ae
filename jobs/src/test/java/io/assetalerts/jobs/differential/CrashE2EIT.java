package io.assetalerts.jobs.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.assetalerts.jobs.testing.HostileRecords;
import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.jobs.testing.LocalFlinkCluster;
import io.assetalerts.jobs.testing.Outage;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, crashes on the real cluster: while a seeded fleet streams through the shaded job on a standalone cluster
 * ({@code tools/flink-local.sh}), the TaskManager is killed with SIGKILL five times at points of the job's progress:
 * three once it has written a seeded number of the chunk's dead letters (in a transaction not yet committed, as a
 * rule), two while a checkpoint is in progress; it is started again each time. The broker is killed and kept away for
 * {@link #BROKER_OUTAGE}, 90 s: 30 times the idleness, and longer than the producers' 60 s {@code max.block.ms}, so
 * that checkpoints are declined and the job restarts while the broker is away. The alerts and resolves must equal the reference model's, with the same ids, each
 * once; the DLQ must hold exactly the bad records sent (and the unregistered assets' readings), none of them late.
 */
class CrashE2EIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final LocalFlinkCluster FLINK = new LocalFlinkCluster();

    private static final int CHUNKS = 10;
    /** After which chunks the TaskManager is killed; the ones marked in {@link #DURING_CHECKPOINT} wait for one. */
    private static final List<Integer> KILLS = List.of(1, 2, 4, 6, 8);
    private static final List<Integer> DURING_CHECKPOINT = List.of(2, 6);
    private static final int BROKER_OUTAGE_AFTER = 5;
    private static final Duration IDLENESS = Duration.ofSeconds(3);
    private static final Duration BROKER_OUTAGE = Duration.ofSeconds(90);
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @Test
    void fiveTaskManagerKillsAndABrokerOutageLeaveTheAlertsExactlyTheModels(@TempDir Path dir) throws Exception {
        FleetRun run = FleetRun.create(KAFKA, "crash", 21, 80, 4, dir);
        List<ProducerRecord<byte[], byte[]>> hostile =
                HostileRecords.generate(run.telemetry, run.fleet.registrations.get(1).getAssetId(), 500, 21);
        List<List<ProducerRecord<byte[], byte[]>>> chunks = chunks(run, hostile);

        // the first chunk is in Kafka before the job starts: produced into a running job's idle, empty splits, one
        // partition read before another could make the other's readings LATE_EVENT (readings written to an idle
        // partition), which is not what this test is about
        long firstDeadLetters = KAFKA.endOffset(run.dlq);
        KAFKA.produceBytes(run.telemetry, chunks.get(0));
        var rest = FLINK.rest();
        String jar = rest.uploadJar(FleetRun.shadedJar());
        String job = rest.runJar(jar, run.args("--idleness", IDLENESS.toSeconds() + "s",
                "--checkpoint-interval", "2s"), 2, null);
        rest.awaitRunning(job, TIMEOUT);
        Random moments = new Random(21);
        List<String> faults = new ArrayList<>();
        for (int i = 0; i < CHUNKS; i++) {
            long deadLettersBefore = i == 0 ? firstDeadLetters : KAFKA.endOffset(run.dlq);
            if (i > 0) {
                KAFKA.produceBytes(run.telemetry, chunks.get(i));
            }
            if (KILLS.contains(i)) {
                String moment;
                if (DURING_CHECKPOINT.contains(i)) {
                    awaitAllTasksRunning(job);
                    awaitCheckpointInProgress(job);
                    moment = "checkpoint in progress";
                } else {
                    int bad = badRecordsIn(chunks.get(i), hostile);
                    assertThat(bad).as("bad records in chunk %d, whose dead letters mark the kill's moment", i)
                            .isPositive();
                    // the dead-letter topic's end offset: records and transaction markers, so the moment is the job's
                    // progress through the chunk's bad records, counted loosely (a seeded point, not an exact one)
                    int written = 1 + moments.nextInt(bad);
                    KAFKA.awaitEndOffset(run.dlq, deadLettersBefore + written, TIMEOUT);
                    moment = "the dead-letter topic's end offset " + written + " past the chunk's start";
                }
                long restartedBefore = lastRestart(job);
                long killedAt = System.nanoTime();
                FLINK.killTaskManager();
                FLINK.startTaskManager();
                awaitRecovered(job, restartedBefore);
                faults.add(String.format("TaskManager kill in chunk %d (%s), running again in %.1f s", i, moment,
                        (System.nanoTime() - killedAt) / 1e9));
            }
            if (i == BROKER_OUTAGE_AFTER) {
                long restartedBefore = lastRestart(job);
                int failedBefore = failedCheckpoints(job);
                KAFKA.killBroker();
                long killedAt = System.nanoTime();
                Set<String> states;
                try {
                    states = Outage.last(BROKER_OUTAGE, () -> FLINK.rest().get("/jobs/" + job).path("state").asText());
                } finally {
                    KAFKA.restartBroker();
                }
                awaitAllTasksRunning(job);
                faults.add(String.format("broker kill after chunk %d for %d s (job states %s, %d checkpoints failed, "
                        + "job %s), all tasks running %.1f s after the kill", i, BROKER_OUTAGE.toSeconds(), states,
                        failedCheckpoints(job) - failedBefore,
                        lastRestart(job) > restartedBefore ? "restarted" : "not restarted",
                        (System.nanoTime() - killedAt) / 1e9));
            }
        }
        System.out.println("[crash-e2e] " + String.join("; ", faults));

        run.assertEventsAreTheModels("the crashes", TIMEOUT);

        int unregistered = run.unregisteredReadings();
        int deadLetters = hostile.size() + unregistered;
        List<DeadLetter> dead = KAFKA.readCommitted(run.dlq, deadLetters, TIMEOUT).stream()
                .map(r -> EventJson.decodeDeadLetter(r.value().getBytes(StandardCharsets.UTF_8)).value()).toList();
        Map<String, Integer> byReason = new TreeMap<>();
        dead.forEach(d -> byReason.merge(d.getReason(), 1, Integer::sum));
        System.out.printf("[crash-e2e] %d readings, %d bad records; %d alerts and %d resolves as the model's; DLQ %s%n",
                run.fleet.arrivals.size(), hostile.size(), run.expected.alerts().size(),
                run.expected.resolved().size(), byReason);
        assertThat(dead).as("each bad record exactly once").hasSize(deadLetters);
        assertThat(byReason).doesNotContainKey("LATE_EVENT").containsEntry("UNKNOWN_ASSET", unregistered);
    }

    /** The readings in arrival order with the bad records among them, cut in {@link #CHUNKS}; the ticks last. */
    private static List<List<ProducerRecord<byte[], byte[]>>> chunks(FleetRun run,
            List<ProducerRecord<byte[], byte[]>> hostile) {
        List<ProducerRecord<byte[], byte[]>> all = new ArrayList<>();
        Random random = new Random(21);
        int h = 0;
        for (ProducerRecord<byte[], byte[]> reading : run.readings(0, run.fleet.arrivals.size())) {
            if (h < hostile.size() && random.nextInt(12) == 0) {
                all.add(hostile.get(h++));
            }
            all.add(reading);
        }
        all.addAll(hostile.subList(h, hostile.size()));
        all.addAll(run.ticks());
        List<List<ProducerRecord<byte[], byte[]>>> chunks = new ArrayList<>();
        int size = (all.size() + CHUNKS - 1) / CHUNKS;
        for (int i = 0; i < CHUNKS; i++) {
            chunks.add(all.subList(Math.min(all.size(), i * size), Math.min(all.size(), (i + 1) * size)));
        }
        return chunks;
    }

    /** When the job last entered RESTARTING (epoch millis; 0 if it never did), from its REST details. */
    private static long lastRestart(String job) {
        return FLINK.rest().get("/jobs/" + job).path("timestamps").path("RESTARTING").asLong(0);
    }

    private static int failedCheckpoints(String job) {
        return FLINK.rest().get("/jobs/" + job + "/checkpoints").path("counts").path("failed").asInt();
    }

    /** Waits until the job has restarted after {@code restartedBefore} and every task of it runs again. */
    private static void awaitRecovered(String job, long restartedBefore) {
        awaitRunning(job, details -> details.path("timestamps").path("RESTARTING").asLong(0) > restartedBefore);
    }

    /**
     * Waits until the job and every task of it run: after the long broker outage the job may still be restarting
     * (its checkpoints were declined while the broker was away), and a restarting job triggers no checkpoint.
     */
    private static void awaitAllTasksRunning(String job) {
        awaitRunning(job, details -> true);
    }

    private static void awaitRunning(String job, Predicate<JsonNode> and) {
        FLINK.rest().awaitRunning(job, TIMEOUT, and);
    }

    /**
     * Polls the checkpoint statistics until one is in progress, so that the kill lands inside it. Checkpoints are
     * triggered every 2 s once every task runs; the deadline is the test's, since the first checkpoint after a
     * restart may wait for the restored sinks' transactions.
     */
    private static void awaitCheckpointInProgress(String job) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (FLINK.rest().get("/jobs/" + job + "/checkpoints").path("counts").path("in_progress").asInt() == 0) {
            assertThat(System.nanoTime()).as("a checkpoint in progress within %s", TIMEOUT).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** How many of the bad records are in {@code chunk}. */
    private static int badRecordsIn(List<ProducerRecord<byte[], byte[]>> chunk,
            List<ProducerRecord<byte[], byte[]>> hostile) {
        Set<ProducerRecord<byte[], byte[]>> bad = Collections.newSetFromMap(new IdentityHashMap<>());
        bad.addAll(hostile);
        return (int) chunk.stream().filter(bad::contains).count();
    }
}
