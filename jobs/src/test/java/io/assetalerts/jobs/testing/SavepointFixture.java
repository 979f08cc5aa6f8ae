package io.assetalerts.jobs.testing;

import static io.assetalerts.jobs.testing.Events.readingJson;
import static io.assetalerts.jobs.testing.Events.registration;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The scenario behind a committed savepoint of the alert job ({@code src/test/resources/savepoints/NAME/}), shared
 * by the test that writes a fixture and the test that restores it, so the two cannot drift apart.
 *
 * <p>Before the savepoint: TURBINE-7, PUMP-3 and CLOCK are registered; TURBINE-7 breaches (alert) and stays hot, so
 * its episode is open; PUMP-3 breaches (alert) and cools down, so it is re-armed; every eventId is in the dedupe
 * state; a cool CLOCK tick waits in the registry join for the watermark. After restoring, {@link #readingsAfter}
 * checks that each of these survived.
 *
 * <p>Topics carry the fixture's name, because a restored Kafka source resumes its partitions by topic name and
 * offset. {@code fixture.properties} records each partition's end offset at the savepoint, so a test can pad fresh
 * topics up to exactly those offsets and the restored job reads every record produced after the padding.
 */
public final class SavepointFixture {

    public static final String PROPERTIES = "fixture.properties";
    public static final Instant T0 = Instant.parse("2026-01-10T10:16:00Z");
    public static final int TELEMETRY_PARTITIONS = 2;

    private final String name;

    public SavepointFixture(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public String assets() {
        return name + ".asset.events";
    }

    public String telemetry() {
        return name + ".telemetry.events";
    }

    public String alerts() {
        return name + ".alert.events";
    }

    public String dlq() {
        return name + ".alert-job.dlq";
    }

    public String rules() {
        return name + ".alert.rules";
    }

    public void createTopics(KafkaBrokerExtension kafka) {
        kafka.createTopic(assets(), 1, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(rules(), 1, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(telemetry(), TELEMETRY_PARTITIONS);
        kafka.createTopic(alerts(), 1);
        kafka.createTopic(dlq(), 1);
    }

    /** The job's flags: the fixture's topics, group and transactional-id prefix; fast checkpoints for tests. */
    public String[] args(KafkaBrokerExtension kafka, int parallelism) {
        return new String[] {
            "--bootstrap-servers", kafka.bootstrapServers(),
            "--asset-topic", assets(), "--telemetry-topic", telemetry(), "--alert-topic", alerts(), "--dlq-topic", dlq(),
            "--rules-topic", rules(), "--group-id", name, "--transactional-id-prefix", name,
            "--starting-offsets", "earliest", "--checkpoint-interval", "1s", "--idleness", "1s",
            "--parallelism", Integer.toString(parallelism)};
    }

    public List<ProducerRecord<String, String>> registrationsBefore() {
        return List.of(registration(assets(), "TURBINE-7", "TURBINE", "Plant-A"),
                registration(assets(), "PUMP-3", "PUMP", "Plant-B"),
                registration(assets(), "CLOCK", "TURBINE", "Plant-0"));
    }

    /** Alerts before the savepoint: TURBINE-7 at T0+1 s (t7-1), PUMP-3 at T0+2 s (p3-1). */
    public List<ProducerRecord<String, String>> readingsBefore() {
        return List.of(
                reading("TURBINE-7", "t7-1", 1, 110),
                reading("PUMP-3", "p3-1", 2, 105),
                reading("PUMP-3", "p3-2", 3, 50),
                reading("CLOCK", "tick-40", 40, 20));
    }

    /** A registration the restored job must read from an asset topic that is empty up to the restored offset. */
    public List<ProducerRecord<String, String>> registrationsAfter() {
        return List.of(registration(assets(), "NEW-1", "TURBINE", "Plant-9"));
    }

    /**
     * After restoring, three alerts and no others: PUMP-3 at T0+85 s (re-armed before the savepoint, registry
     * restored), TURBINE-7 only at T0+95 s (its open episode and dedupe state restored), NEW-1 at T0+100 s.
     */
    public List<ProducerRecord<String, String>> readingsAfter() {
        return List.of(
                reading("TURBINE-7", "t7-2", 70, 112),   // the open episode goes on: no alert
                reading("TURBINE-7", "t7-1", 75, 20),    // an eventId seen before the savepoint: dropped, no re-arm
                reading("TURBINE-7", "t7-3", 80, 113),   // still the same episode: no alert
                reading("PUMP-3", "p3-3", 85, 104),      // alert: re-armed before the savepoint
                reading("TURBINE-7", "t7-4", 90, 40),    // cools down: re-armed
                reading("TURBINE-7", "t7-5", 95, 111),   // alert: a new episode
                reading("NEW-1", "n1-1", 100, 120),      // alert: registered after the restore
                reading("CLOCK", "tick-150", 150, 20));
    }

    /** All readings in partition 0, in event-time order, so that no reading can be late whatever the restore does. */
    private ProducerRecord<String, String> reading(String asset, String eventId, int second, double temperature) {
        return new ProducerRecord<>(telemetry(), 0, asset, readingJson(asset, eventId, T0.plusSeconds(second),
                temperature));
    }

    /** Writes {@code fixture.properties}: the topics' end offsets (= the restored positions) and provenance. */
    public void writeProperties(Path dir, KafkaBrokerExtension kafka, String jobVersion, String flinkVersion)
            throws Exception {
        Properties p = new Properties();
        p.setProperty("fixture", name);
        p.setProperty("job.version", jobVersion);
        p.setProperty("flink.version", flinkVersion);
        p.setProperty("parallelism", "1");
        p.setProperty("endOffsets." + assets(), join(endOffsets(kafka, assets(), 1)));
        p.setProperty("endOffsets." + telemetry(), join(endOffsets(kafka, telemetry(), TELEMETRY_PARTITIONS)));
        try (Writer out = Files.newBufferedWriter(dir.resolve(PROPERTIES), StandardCharsets.UTF_8)) {
            p.store(out, "Savepoint fixture of the alert job, written by SavepointFixtureGeneratorIT;"
                    + " see docs/operations.md before changing it");
        }
    }

    public static Properties readProperties(Path dir) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(PROPERTIES), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /**
     * Fills every partition of a fresh telemetry topic with filler records up to the offset the fixture's source
     * resumes from, so the restored job's first record is the first one produced afterwards. (Without it, a
     * restored offset beyond a partition's end makes the consumer reset to earliest, but records produced before
     * that reset and beyond the offset would be skipped: the outcome would depend on timing.) Fillers are not
     * JSON: if the job ever read one it would show as a MALFORMED_JSON dead letter.
     */
    public void padTelemetryToRestoredOffsets(KafkaBrokerExtension kafka, Properties fixture) {
        long[] offsets = Arrays.stream(fixture.getProperty("endOffsets." + telemetry()).split(","))
                .mapToLong(Long::parseLong).toArray();
        List<ProducerRecord<String, String>> fillers = new ArrayList<>();
        for (int partition = 0; partition < offsets.length; partition++) {
            for (long i = 0; i < offsets[partition]; i++) {
                fillers.add(new ProducerRecord<>(telemetry(), partition, "filler", "filler, never read"));
            }
        }
        kafka.produce(telemetry(), fillers);
    }

    public long restoredAssetOffset(Properties fixture) {
        return Long.parseLong(fixture.getProperty("endOffsets." + assets()));
    }

    private static long[] endOffsets(KafkaBrokerExtension kafka, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
                kafka.admin().listOffsets(request).all().get(30, TimeUnit.SECONDS);
        long[] offsets = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            offsets[p] = result.get(new TopicPartition(topic, p)).offset();
        }
        return offsets;
    }

    private static String join(long[] values) {
        return String.join(",", Arrays.stream(values).mapToObj(Long::toString).toList());
    }
}
