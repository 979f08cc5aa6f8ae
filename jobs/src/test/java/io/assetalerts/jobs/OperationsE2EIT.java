package io.assetalerts.jobs;

import static io.assetalerts.jobs.testing.Events.readingJson;
import static io.assetalerts.jobs.testing.Events.registration;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.jobs.testing.AlertJobTopics;
import io.assetalerts.jobs.testing.FlinkRestClient;
import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.jobs.testing.LocalFlinkCluster;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.udfs.dedupe.DropDuplicateReadings;
import io.assetalerts.udfs.evaluator.AlertMetrics;
import io.assetalerts.udfs.ordering.OrderingMetrics;
import io.assetalerts.udfs.rules.threshold.ThresholdRule;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations end to end, the way an operator runs the alert job (SPEC 7): a real Kafka broker, a real standalone
 * Flink cluster started by {@code tools/flink-local.sh} with the project's flink-conf, and only the REST API.
 * The shaded job jar is uploaded and run, its custom metrics read back, it is stopped with a savepoint, upgraded
 * (a rules file lowers the PUMP threshold; every uid is kept) and rescaled 1 -> 2 from that savepoint, then
 * rescaled 2 -> 1 from the next one. Across the three runs the committed alerts are exactly the expected ones, and
 * state carries over: an open breach episode does not alert again, a re-sent eventId is still dropped, the asset
 * registry is still known. Timings go to stdout and target/operations-e2e.txt.
 */
@Tag("system") // mvn verify -Psystem (the root pom)
class OperationsE2EIT {

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final LocalFlinkCluster FLINK = new LocalFlinkCluster();

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** What {@code flink run -d} prints: {@code Job has been submitted with JobID <id>}. */
    private static final Pattern SUBMITTED = Pattern.compile("submitted with JobID ([0-9a-f]{32})");
    /** What {@code flink stop -p} prints: {@code Savepoint completed. Path: <location>}. */
    private static final Pattern SAVEPOINT_DONE = Pattern.compile("Savepoint completed\\. Path: (\\S+)");
    private static final Duration METRICS_TIMEOUT = Duration.ofSeconds(45);
    private static final Instant T0 = Instant.parse("2026-01-10T10:16:00Z");
    private static final int TELEMETRY_PARTITIONS = 2;

    private static final String DEDUPE = "Drop duplicate eventIds";
    private static final String JOIN = AlertJob.EVALUATOR;
    private static final String THRESHOLD = JOIN;
    private static final String HIGH_ALERTS =
            "rule." + ThresholdRule.NAME + ".severity." + ThresholdRule.SEVERITY + "." + AlertMetrics.METRIC_ALERTS;

    private final List<String> report = new ArrayList<>();

    @Test
    void upgradesAndRescalesFromSavepointsWithoutLosingOrRepeatingAlerts(@TempDir Path tmp) throws Exception {
        FlinkRestClient rest = FLINK.rest();
        note("cluster start (tools/flink-local.sh start, jars cached): %d ms; %s",
                FLINK.startTime().toMillis(), FLINK.startReport());
        AlertJobTopics t = AlertJobTopics.create(KAFKA, TELEMETRY_PARTITIONS, 1);
        Path rulesV2 = Files.writeString(tmp.resolve("rules-v2.yaml"), "assetTypes:\n  PUMP: {critical: 80}\n");
        Path savepoints = FLINK.dir().resolve("savepoints");

        // v1, parallelism 1: TURBINE-1 breaches (alert) and stays hot; PUMP-1 at 85 is fine under the default 100
        KAFKA.produce(t.assets(), List.of(registration(t.assets(), "TURBINE-1", "TURBINE", "Plant-1"),
                registration(t.assets(), "PUMP-1", "PUMP", "Plant-2"),
                registration(t.assets(), "CLOCK-1", "TURBINE", "Plant-0")));

        long uploadStart = System.nanoTime();
        String jar = rest.uploadJar(shadedJar());
        String v1 = rest.runJar(jar, args(t, null), 1, null);
        rest.awaitRunning(v1, TIMEOUT);
        note("v1 upload-to-RUNNING (all vertices): %d ms", millisSince(uploadStart));
        // the readings once v1 knows the three assets: a reading the watermark passes before its registration is held
        // until its asset's next tick, and TURBINE-1 has none in v1
        rest.awaitGauge(v1, JOIN, OrderingMetrics.METRIC_ASSETS_KNOWN, 3, METRICS_TIMEOUT);
        produceInOrder(t, List.of(
                reading(t, "TURBINE-1", "t1-a", 1, 105), reading(t, "TURBINE-1", "t1-b", 2, 106),
                reading(t, "PUMP-1", "p1-a", 3, 85),
                reading(t, "TURBINE-1", "t1-dup", 4, 105), reading(t, "TURBINE-1", "t1-dup", 4, 105)), 40);

        assertThat(alertsAtLeast(t, 1)).extracting(OperationsE2EIT::describe)
                .containsExactly("TURBINE-1@10:16:01Z [t1-a]");
        // readings up to the watermark (T0 + 35 s) have passed the join; the tick at T0 + 40 s waits in state
        assertMetric(v1, DEDUPE, DropDuplicateReadings.METRIC_DUPLICATES, "sum", 1);
        assertMetric(v1, JOIN, OrderingMetrics.METRIC_PROCESSED, "sum", 4);
        assertMetric(v1, JOIN, OrderingMetrics.METRIC_ASSETS_KNOWN, "max", 3);
        assertMetric(v1, THRESHOLD, HIGH_ALERTS, "sum", 1);
        assertThat(rest.vertexParallelisms(v1)).allSatisfy(v -> assertThat(v).endsWith(" = 1"));
        assertPrometheusExports(v1);

        // the runbook's two routes, each for both operations: v1 stops with the CLI, v2 is submitted with it; v2 stops
        // and v3 is submitted over REST; v3 stops with the CLI again
        String sp1 = flinkStop(v1, savepoints, "v1 (flink stop -p)");

        // v2 = the next version: a rules file (PUMP critical 80), same jar and uids, parallelism 2, from sp1
        produceInOrder(t, List.of(
                reading(t, "TURBINE-1", "t1-c", 70, 107),      // the breach goes on: no second alert
                reading(t, "TURBINE-1", "t1-dup", 4, 105),     // seen by v1: dropped by the restored dedupe state
                reading(t, "PUMP-1", "p1-b", 75, 85),          // above the new PUMP threshold: alert
                reading(t, "TURBINE-1", "t1-d", 80, 20),       // cools down: re-armed
                reading(t, "TURBINE-1", "t1-e", 90, 108)), 150); // a new episode: alert
        long runStart = System.nanoTime();
        String v2 = flinkRun(2, sp1, args(t, rulesV2));
        rest.awaitRunning(v2, TIMEOUT);
        note("v2 (upgrade + rescale 1 -> 2, flink run -d -p 2 -s) run-from-savepoint-to-RUNNING: %d ms",
                millisSince(runStart));
        // the rules source reads one partition: parallelism 1 whatever the job's
        assertThat(rest.vertexParallelisms(v2)).allSatisfy(v -> assertThat(v).endsWith(
                v.contains("Reject invalid rules") ? " = 1" : " = 2"));

        // in any order from here on: at parallelism 2 different assets' alerts come from different subtasks
        assertThat(alertsAtLeast(t, 3)).extracting(OperationsE2EIT::describe).containsExactlyInAnyOrder(
                "TURBINE-1@10:16:01Z [t1-a]", "PUMP-1@10:17:15Z [p1-b]", "TURBINE-1@10:17:30Z [t1-e]");
        assertMetric(v2, DEDUPE, DropDuplicateReadings.METRIC_DUPLICATES, "sum", 1);
        // v1's tick (restored from state) and the four new readings up to the watermark
        assertMetric(v2, JOIN, OrderingMetrics.METRIC_PROCESSED, "sum", 1 + 4);
        assertMetric(v2, JOIN, OrderingMetrics.METRIC_ASSETS_KNOWN, "max", 3);   // the registry came from sp1
        assertMetric(v2, THRESHOLD, HIGH_ALERTS, "sum", 2);

        String sp2 = stopWithSavepoint(rest, v2, savepoints, "v2 (POST /jobs/:id/stop)");

        // rescale 2 -> 1 from sp2, still with the v2 rules
        produceInOrder(t, List.of(
                reading(t, "TURBINE-1", "t1-f", 200, 109),     // still in the episode v2 alerted on
                reading(t, "TURBINE-1", "t1-e", 90, 108),      // seen by v2: dropped
                reading(t, "PUMP-1", "p1-c", 205, 50),
                reading(t, "PUMP-1", "p1-d", 210, 90)), 300);
        runStart = System.nanoTime();
        String v3 = rest.runJar(jar, args(t, rulesV2), 1, sp2);
        rest.awaitRunning(v3, TIMEOUT);
        note("v3 (rescale 2 -> 1, POST /jars/:id/run) run-from-savepoint-to-RUNNING: %d ms", millisSince(runStart));

        List<AlertTriggered> all = alertsAtLeast(t, 4);
        assertThat(all).extracting(OperationsE2EIT::describe).containsExactlyInAnyOrder(
                "TURBINE-1@10:16:01Z [t1-a]", "PUMP-1@10:17:15Z [p1-b]", "TURBINE-1@10:17:30Z [t1-e]",
                "PUMP-1@10:19:30Z [p1-d]");
        assertThat(all).extracting(AlertTriggered::getAlertId).doesNotHaveDuplicates();
        assertMetric(v3, DEDUPE, DropDuplicateReadings.METRIC_DUPLICATES, "sum", 1);
        assertMetric(v3, JOIN, OrderingMetrics.METRIC_PROCESSED, "sum", 1 + 3);
        assertMetric(v3, THRESHOLD, HIGH_ALERTS, "sum", 1);
        // every record was valid, nothing was late: nothing may have gone to the dead-letter topic
        assertThat(KAFKA.readCommitted(t.dlq(), 0, Duration.ofSeconds(1))).isEmpty();
        flinkStop(v3, savepoints, "v3 (flink stop -p)");

        Files.write(Path.of("target", "operations-e2e.txt"), report, StandardCharsets.UTF_8);
    }

    private static List<String> args(AlertJobTopics t, Path rules) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--asset-topic", t.assets(), "--telemetry-topic", t.telemetry(),
                "--alert-topic", t.alerts(), "--dlq-topic", t.dlq(), "--rules-topic", t.rules(),
                "--group-id", t.id(), "--transactional-id-prefix", t.id(),
                "--starting-offsets", "earliest", "--checkpoint-interval", "1s", "--idleness", "1s"));
        if (rules != null) {
            args.addAll(List.of("--rules", rules.toString()));
        }
        return args;
    }

    /**
     * Readings go to partition 0 in the given (event-time) order, then a cool CLOCK-1 tick at {@code tickAt} seconds
     * moves the watermark past them; partition 1 stays empty, so it is idle and left out of the watermark. All in one
     * partition on purpose: spread over two, a restored job may fetch one partition first while the other is still
     * idle (1 s idleness here), and the first partition's later timestamps would make the other's readings late.
     */
    private static void produceInOrder(AlertJobTopics t, List<ProducerRecord<String, String>> readings, int tickAt) {
        List<ProducerRecord<String, String>> records = new ArrayList<>(readings);
        records.add(reading(t, "CLOCK-1", "tick-" + tickAt, tickAt, 20));
        KAFKA.produce(t.telemetry(), records);
    }

    private static ProducerRecord<String, String> reading(AlertJobTopics t, String asset, String eventId, int second,
            double temperature) {
        return new ProducerRecord<>(t.telemetry(), 0, asset, readingJson(asset, eventId, T0.plusSeconds(second),
                temperature));
    }

    private static List<AlertTriggered> alertsAtLeast(AlertJobTopics t, int count) {
        List<AlertTriggered> alerts = new ArrayList<>();
        for (ConsumerRecord<String, String> r : KAFKA.readCommittedAlerts(t.alerts(), count, TIMEOUT)) {
            alerts.add(EventJson.decodeAlertTriggered(r.value().getBytes(StandardCharsets.UTF_8)).value());
        }
        return alerts;
    }

    private static String describe(AlertTriggered a) {
        return a.getAssetId() + "@" + a.getTimestamp().toString().substring(11) + " " + a.getEventIds();
    }

    private void assertMetric(String jobId, String operator, String metric, String aggregation, double expected) {
        long start = System.nanoTime();
        FLINK.rest().awaitMetric(jobId, operator, metric, aggregation, v -> v == expected, METRICS_TIMEOUT);
        note("metric %s.%s (%s) = %s after %d ms", operator, metric, aggregation, expected, millisSince(start));
    }

    /** The TaskManager's Prometheus endpoint (the reporter flink-conf enables, loaded as a plugin) has the job. */
    private void assertPrometheusExports(String jobId) throws IOException, InterruptedException {
        int port = FLINK.taskManagerPrometheusPort();
        String body = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(body.lines().filter(l -> l.startsWith("flink_taskmanager_job_task_operator_duplicatesDropped{")
                && l.contains("job_id=\"" + jobId + "\"")))
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains("operator_name=\"Drop_duplicate_eventIds\""));
        note("Prometheus: TaskManager exports the job's custom metrics on port %d", port);
    }

    /** The runbook's upgrade command, {@code flink run -d -p P -s SAVEPOINT JAR FLAGS}; returns the job id it printed. */
    private static String flinkRun(int parallelism, String savepoint, List<String> jobArgs) throws Exception {
        List<String> cli = new ArrayList<>(List.of("run", "-d", "-p", Integer.toString(parallelism), "-s", savepoint,
                shadedJar().toAbsolutePath().toString()));
        cli.addAll(jobArgs);
        return printed(FLINK.flink(TIMEOUT, cli.toArray(String[]::new)), SUBMITTED, "flink run");
    }

    /** The runbook's {@code flink stop -p DIR JOB}: the savepoint it printed, once the job has FINISHED. */
    private String flinkStop(String jobId, Path savepoints, String label) throws Exception {
        long start = System.nanoTime();
        String location = printed(FLINK.flink(TIMEOUT, "stop", "-p", savepoints.toString(), jobId), SAVEPOINT_DONE,
                "flink stop");
        FLINK.rest().awaitState(jobId, "FINISHED", TIMEOUT);
        return reportSavepoint(label, location, millisSince(start));
    }

    private static String printed(List<String> output, Pattern pattern, String command) {
        for (String line : output) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError(command + " did not print " + pattern + ":\n" + String.join("\n", output));
    }

    private String stopWithSavepoint(FlinkRestClient rest, String jobId, Path savepoints, String label)
            throws IOException {
        long start = System.nanoTime();
        String location = rest.stopWithSavepoint(jobId, savepoints, TIMEOUT);
        return reportSavepoint(label, location, millisSince(start));
    }

    private String reportSavepoint(String label, String location, long millis) throws IOException {
        Path dir = Path.of(URI.create(location));
        long bytes;
        long files;
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> regular = walk.filter(Files::isRegularFile).toList();
            files = regular.size();
            bytes = 0;
            for (Path f : regular) {
                bytes += Files.size(f);
            }
        }
        note("%s stop-with-savepoint: %d ms to FINISHED; %s: %d bytes in %d file(s)", label, millis,
                dir.getFileName(), bytes, files);
        return location;
    }

    private void note(String format, Object... args) {
        String line = String.format(format, args);
        report.add(line);
        System.out.println("[operations-e2e] " + line);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static Path shadedJar() throws IOException {
        try (Stream<Path> jars = Files.list(Path.of("target"))) {
            return jars.filter(p -> p.getFileName().toString().matches("alert-job-.*\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no target/alert-job-*.jar: run this test with `mvn verify`"
                            + " (failsafe runs after package, which builds the shaded jar)"));
        }
    }
}
