package io.assetalerts.jobs;

import static io.assetalerts.jobs.testing.Events.reading;
import static io.assetalerts.jobs.testing.Events.readingJson;
import static io.assetalerts.jobs.testing.Events.registration;
import static io.assetalerts.jobs.testing.Events.ticks;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.jobs.testing.AlertJobTopics;
import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.jobs.testing.MiniFlink;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.udfs.ordering.OrderingMetrics;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The alert job's real main path on Flink's MiniCluster against a real Kafka broker. */
class AlertJobIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniFlink FLINK = new MiniFlink();

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Instant T0 = Instant.parse("2026-01-10T10:16:05Z");

    private static JobClient start(String... args) throws Exception {
        return FLINK.track(AlertJob.start(args));
    }

    /**
     * Starts the job and returns once its evaluator knows {@code assets} registrations, for tests that write their
     * readings after that: a reading the watermark passes before its registration arrives is held until its asset's
     * next event-time tick (SPEC 4.2), and a test's last reading has none after it.
     */
    private static JobClient startKnowing(int assets, String... args) throws Exception {
        JobClient job = start(args);
        FLINK.awaitGauge(job, AlertJob.EVALUATOR, OrderingMetrics.METRIC_ASSETS_KNOWN, assets, TIMEOUT);
        return job;
    }

    private static List<AlertTriggered> alerts(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> {
            AlertTriggered a = EventJson.decodeAlertTriggered(r.value().getBytes(StandardCharsets.UTF_8)).value();
            assertThat(r.key()).isEqualTo(a.getAssetId());
            return a;
        }).toList();
    }

    /** What {@code topic} holds, committed, for a failure's message (reads for at most five seconds). */
    private static String committedSoFar(String topic) {
        try {
            KAFKA.consumeUntil(topic, records -> false, Duration.ofSeconds(5));
            return topic + ": nothing read";
        } catch (AssertionError listed) {
            return listed.getMessage();
        }
    }

    private static List<DeadLetter> deadLetters(List<ConsumerRecord<String, String>> records) {
        return records.stream()
                .map(r -> EventJson.decodeDeadLetter(r.value().getBytes(StandardCharsets.UTF_8)).value()).toList();
    }

    @Test
    void seedEventsRaiseExactlyOneHighAlertReadCommitted() throws Exception {
        AlertJobTopics t = AlertJobTopics.create(KAFKA, 3, 1);
        KAFKA.produce(t.assets(), "TURBINE-101", "{\"eventId\":\"uuid\",\"eventType\":\"AssetRegistered\","
                + "\"assetId\":\"TURBINE-101\",\"assetType\":\"TURBINE\",\"location\":\"AP-Plant-7\","
                + "\"timestamp\":\"2026-01-10T10:15:00Z\"}");
        startKnowing(1, t.args(KAFKA, "seed"));

        KAFKA.produce(t.telemetry(), "TURBINE-101", "{\"eventId\":\"uuid\",\"eventType\":\"TelemetryReceived\","
                + "\"assetId\":\"TURBINE-101\",\"power\":82.4,\"temperature\":96.2,\"timestamp\":\"2026-01-10T10:16:05Z\"}");
        KAFKA.produce(t.telemetry(), List.of(
                reading(t.telemetry(), "TURBINE-101", "hot-1", T0.plusSeconds(1), 104.7),
                reading(t.telemetry(), "TURBINE-101", "hot-2", T0.plusSeconds(2), 106.0)));
        // a later reading in the same partition moves event time past the breach (watermark = max - 5 s); the two
        // empty partitions stop holding it once idle. A tick in another partition could be read before these readings
        // while their partition is still idle, and make them LATE_EVENT (README, "Event time, and outages")
        KAFKA.produce(t.telemetry(), List.of(reading(t.telemetry(), "TURBINE-101", "tick", T0.plusSeconds(30), 20.0)));

        List<AlertTriggered> alerts = alerts(KAFKA.readCommittedAlerts(t.alerts(), 1, TIMEOUT));
        // on a failure, say what the DLQ holds: a held reading (UNKNOWN_ASSET) and a late one (LATE_EVENT) both end
        // without the alert, and tell two different races apart
        assertThat(alerts).as(() -> "the alert of hot-1; " + committedSoFar(t.dlq())).singleElement().satisfies(a -> {
            assertThat(a.getAssetId()).isEqualTo("TURBINE-101");
            assertThat(a.getSeverity()).isEqualTo("HIGH");
            assertThat(a.getReason()).isEqualTo("Temperature threshold breached");
            assertThat(a.getRule()).isEqualTo("TEMPERATURE_THRESHOLD");
            assertThat(a.getTimestamp()).isEqualTo(T0.plusSeconds(1));
            assertThat(a.getTemperature()).isEqualTo(104.7);
            assertThat(a.getAssetType()).isEqualTo("TURBINE");
            assertThat(a.getLocation()).isEqualTo("AP-Plant-7");
            assertThat(a.getEventIds()).containsExactly("hot-1");
        });
    }

    /** Issue 13: with hysteresis, an alert and the end of its episode, both read_committed, keyed by the asset. */
    @Test
    void anAlertAndTheEndOfItsEpisodeShareTheAlertIdOnAlertEvents(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path rules = dir.resolve("rules.yaml");
        java.nio.file.Files.writeString(rules, "assetTypes:\n  TURBINE: {clear: 95, clearDelay: 10s}\n");
        AlertJobTopics t = AlertJobTopics.create(KAFKA, 1, 1);
        KAFKA.produce(t.assets(), List.of(registration(t.assets(), "TURBINE-101", "TURBINE", "AP-Plant-7")));
        startKnowing(1, t.args(KAFKA, "lifecycle", "--rules", rules.toString()));
        KAFKA.produce(t.telemetry(), List.of(
                reading(t.telemetry(), "TURBINE-101", "hot", T0.plusSeconds(1), 104.7),
                reading(t.telemetry(), "TURBINE-101", "between", T0.plusSeconds(2), 97.0),
                reading(t.telemetry(), "TURBINE-101", "hotter", T0.plusSeconds(3), 108.0),
                reading(t.telemetry(), "TURBINE-101", "cool", T0.plusSeconds(5), 90.0),
                reading(t.telemetry(), "TURBINE-101", "tick", T0.plusSeconds(60), 20.0)));

        List<ConsumerRecord<String, String>> written = KAFKA.readCommittedEvents(t.alerts(), 1, 1, TIMEOUT);
        assertThat(written).extracting(ConsumerRecord::key).containsOnly("TURBINE-101");
        AlertTriggered alert = alerts(written.stream().filter(KafkaBrokerExtension::isAlert).toList()).get(0);
        var resolved = written.stream().filter(r -> !KafkaBrokerExtension.isAlert(r))
                .map(r -> EventJson.decodeAlertResolved(r.value().getBytes(StandardCharsets.UTF_8)).value()).toList();
        assertThat(written).hasSize(2);
        assertThat(alert.getEventIds()).containsExactly("hot");
        assertThat(resolved).singleElement().satisfies(r -> {
            assertThat(r.getAlertId()).isEqualTo(alert.getAlertId());
            assertThat(r.getEpisodeStart()).isEqualTo(T0.plusSeconds(1));
            assertThat(r.getTimestamp()).as("10 s at or below 95 after 'cool'").isEqualTo(T0.plusSeconds(15));
            assertThat(r.getDurationMillis()).isEqualTo(14_000);
            assertThat(r.getPeakTemperature()).isEqualTo(108.0);
        });
    }

    @Test
    void atLeastOnceDeliveryAlsoAlertsWithTheSameAlertId() throws Exception {
        AlertJobTopics t = AlertJobTopics.create(KAFKA, 1, 1);
        KAFKA.produce(t.assets(), List.of(registration(t.assets(), "TURBINE-101", "TURBINE", "AP-Plant-7")));
        startKnowing(1, t.args(KAFKA, "alo", "--delivery-guarantee", "at-least-once"));
        KAFKA.produce(t.telemetry(), List.of(
                reading(t.telemetry(), "TURBINE-101", "hot-1", T0.plusSeconds(1), 104.7),
                reading(t.telemetry(), "TURBINE-101", "tick", T0.plusSeconds(30), 90.0)));

        assertThat(alerts(KAFKA.readCommittedAlerts(t.alerts(), 1, TIMEOUT))).singleElement().satisfies(a ->
                assertThat(a.getAlertId()).isEqualTo(io.assetalerts.contracts.codec.AlertIds.of("TURBINE-101",
                        "TEMPERATURE_THRESHOLD", T0.plusSeconds(1).toEpochMilli())));
    }

    @Test
    void everyRejectReasonLandsInTheDlqWhileValidRecordsStillAlert() throws Exception {
        AlertJobTopics t = AlertJobTopics.create(KAFKA, 1, 1);
        String tel = t.telemetry();
        KAFKA.produce(t.assets(), List.of(
                registration(t.assets(), "TURBINE-101", "TURBINE", "AP-Plant-7"),
                new ProducerRecord<>(t.assets(), "PUMP-9", "{\"eventId\":\"d1\",\"eventType\":\"AssetDecommissioned\","
                        + "\"assetId\":\"PUMP-9\",\"timestamp\":\"2026-01-10T10:15:00Z\"}")));
        JobClient job = startKnowing(1, t.args(KAFKA, "dlq", "--unknown-asset-grace", "20s"));
        KAFKA.produce(tel, List.of(
                reading(tel, "TURBINE-101", "ok-1", T0, 101.0),
                new ProducerRecord<>(tel, "TURBINE-101", "{\"eventId\":\"bad-json\", "),
                new ProducerRecord<>(tel, "TURBINE-101", "{\"eventId\":\"m1\",\"eventType\":\"TelemetryReceived\","
                        + "\"assetId\":\"TURBINE-101\",\"power\":82.4,\"timestamp\":\"2026-01-10T10:16:06Z\"}"),
                new ProducerRecord<>(tel, "TURBINE-101", "{\"eventId\":\"s1\",\"eventType\":\"TelemetryReceived\","
                        + "\"assetId\":\"TURBINE-101\",\"power\":82.4,\"temperature\":\"96.2\","
                        + "\"timestamp\":\"2026-01-10T10:16:06Z\"}"),
                new ProducerRecord<>(tel, "SOMEONE-ELSE", io.assetalerts.jobs.testing.Events.readingJson(
                        "TURBINE-101", "k1", T0.plusSeconds(1), 90)),
                reading(tel, "GHOST-1", "g1", T0.plusSeconds(2), 120),
                reading(tel, "TURBINE-101", "ok-2", T0.plusSeconds(10), 95.0),
                reading(tel, "TURBINE-101", "ok-3", T0.plusSeconds(60), 103.0),
                reading(tel, "TURBINE-101", "tick", T0.plusSeconds(120), 90.0)));
        List<AlertTriggered> first = alerts(KAFKA.readCommittedAlerts(t.alerts(), 2, TIMEOUT));
        assertThat(first).extracting(a -> a.getEventIds().get(0)).containsExactly("ok-1", "ok-3");

        // event time is now past T0 + 110 s: a reading from T0 is late; a new episode still alerts
        KAFKA.produce(tel, List.of(
                reading(tel, "TURBINE-101", "late-1", T0, 130.0),
                reading(tel, "TURBINE-101", "ok-4", T0.plusSeconds(200), 99.0),
                reading(tel, "TURBINE-101", "ok-5", T0.plusSeconds(201), 110.0),
                reading(tel, "TURBINE-101", "tick-2", T0.plusSeconds(300), 90.0)));
        List<AlertTriggered> all = alerts(KAFKA.readCommittedAlerts(t.alerts(), 3, TIMEOUT));
        assertThat(all).extracting(a -> a.getEventIds().get(0)).containsExactly("ok-1", "ok-3", "ok-5");

        List<DeadLetter> dlq = deadLetters(KAFKA.consumeUntil(t.dlq(), records -> records.size() >= 7, TIMEOUT));
        Set<String> reasons = new TreeSet<>();
        dlq.forEach(d -> reasons.add(d.getReason()));
        assertThat(reasons).containsExactlyInAnyOrder("MALFORMED_JSON", "MISSING_FIELD", "INVALID_VALUE",
                "UNKNOWN_EVENT_TYPE", "UNKNOWN_ASSET", "LATE_EVENT", "KEY_MISMATCH");
        assertThat(dlq).hasSize(7).allSatisfy(d -> {
            assertThat(d.getJob()).isEqualTo("alert-job");
            assertThat(d.getMessage()).isNotBlank();
            assertThat(d.getOffset()).isGreaterThanOrEqualTo(0);
        });
        assertThat(dlq).filteredOn(d -> d.getReason().equals("MALFORMED_JSON")).singleElement()
                .satisfies(d -> assertThat(d.getPayload()).isEqualTo("{\"eventId\":\"bad-json\", "));
        assertThat(dlq).filteredOn(d -> d.getReason().equals("UNKNOWN_EVENT_TYPE")).singleElement()
                .satisfies(d -> assertThat(d.getSourceTopic()).isEqualTo(t.assets()));
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }

    /**
     * SPEC 4.2, broken device clocks: one reading stamped in the year 2999 on a partition that then stays idle. Had it
     * reached the watermark generator, that partition's watermark would be 973 years ahead, and once the other
     * partition fell idle every later reading would be LATE_EVENT. The test passes whatever the date it runs on
     * until 2998.
     */
    @Test
    void aReadingFromABrokenDeviceClockIsDeadLetteredAndMovesNoWatermark() throws Exception {
        AlertJobTopics t = AlertJobTopics.create(KAFKA, 2, 1);
        String tel = t.telemetry();
        KAFKA.produce(t.assets(), List.of(registration(t.assets(), "TURBINE-101", "TURBINE", "AP-Plant-7"),
                registration(t.assets(), "PUMP-7", "PUMP", "Plant-B")));
        startKnowing(2, t.args(KAFKA, "future"));
        KAFKA.produce(tel, List.of(
                new ProducerRecord<>(tel, 0, "TURBINE-101", readingJson("TURBINE-101", "hot-1", T0.plusSeconds(1), 104.7)),
                new ProducerRecord<>(tel, 0, "TURBINE-101", readingJson("TURBINE-101", "cool-1", T0.plusSeconds(30), 20)),
                new ProducerRecord<>(tel, 1, "PUMP-7", readingJson("PUMP-7", "broken-clock",
                        Instant.parse("2999-01-01T00:00:00Z"), 50))));

        assertThat(deadLetters(KAFKA.readCommitted(t.dlq(), 1, TIMEOUT))).singleElement().satisfies(d -> {
            assertThat(d.getReason()).isEqualTo("FUTURE_TIMESTAMP");
            assertThat(d.getPartition()).isEqualTo(1);
            assertThat(d.getPayload()).contains("2999-01-01T00:00:00Z");
        });
        assertThat(alerts(KAFKA.readCommittedAlerts(t.alerts(), 1, TIMEOUT))).extracting(AlertTriggered::getEventIds)
                .containsExactly(List.of("hot-1"));

        // partition 1 has been idle since; partition 0 goes on, and its readings are still on time
        KAFKA.produce(tel, List.of(
                new ProducerRecord<>(tel, 0, "TURBINE-101", readingJson("TURBINE-101", "hot-2", T0.plusSeconds(40), 103.0)),
                new ProducerRecord<>(tel, 0, "TURBINE-101", readingJson("TURBINE-101", "cool-2", T0.plusSeconds(70), 20))));
        assertThat(alerts(KAFKA.readCommittedAlerts(t.alerts(), 2, TIMEOUT))).extracting(AlertTriggered::getEventIds)
                .containsExactly(List.of("hot-1"), List.of("hot-2"));
        assertThat(deadLetters(KAFKA.readCommitted(t.dlq(), 1, TIMEOUT))).extracting(DeadLetter::getReason)
                .containsExactly("FUTURE_TIMESTAMP");
    }

    @Test
    void anEmptyAssetPartitionDoesNotStallAlerts() throws Exception {
        AlertJobTopics t = AlertJobTopics.create(KAFKA, 2, 2);
        KAFKA.produce(t.assets(), List.of(registration(t.assets(), "TURBINE-101", "TURBINE", "AP-Plant-7")));

        // idleness far beyond the test timeout: only the registry's own watermark strategy can let event time pass
        start(t.args(KAFKA, "empty", "--idleness", "1h", "--parallelism", "2"));
        // the registration is in the job before the readings are written, so the hot reading is never held (a
        // held reading would wait for a later tick of its asset, and there is none in this test)
        KAFKA.awaitCommitted(t.id() + "-empty", t.assets(), 1, TIMEOUT);
        KAFKA.produce(t.telemetry(), List.of(reading(t.telemetry(), "TURBINE-101", "hot", T0, 120.0)));
        KAFKA.produce(t.telemetry(), ticks(t.telemetry(), 2, "TURBINE-101", T0.plusSeconds(30)));

        assertThat(alerts(KAFKA.readCommittedAlerts(t.alerts(), 1, TIMEOUT)))
                .singleElement().satisfies(a -> assertThat(a.getEventIds()).containsExactly("hot"));
    }

    @Test
    void aReplayWithFreshStateEmitsIdenticalAlertIds() throws Exception {
        AlertJobTopics t = AlertJobTopics.create(KAFKA, 3, 1);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        List<String> assets = List.of("TURBINE-1", "TURBINE-2", "PUMP-3", "PUMP-4");
        for (String asset : assets) {
            KAFKA.produce(t.assets(), List.of(registration(t.assets(), asset, asset.split("-")[0], "Plant-1")));
        }
        for (int s = 0; s < 120; s++) {
            for (int a = 0; a < assets.size(); a++) {
                double temperature = ((s + 7 * a) % 20 < 3) ? 101 + a : 95;
                records.add(reading(t.telemetry(), assets.get(a), assets.get(a) + "-" + s, T0.plusSeconds(s), temperature));
            }
        }
        records.addAll(ticks(t.telemetry(), 3, "TURBINE-1", T0.plusSeconds(600)));
        KAFKA.produce(t.telemetry(), records);
        int expected = 0;
        for (int a = 0; a < assets.size(); a++) {
            for (int s = 0; s < 120; s++) {
                boolean hot = (s + 7 * a) % 20 < 3;
                boolean wasHot = s > 0 && (s - 1 + 7 * a) % 20 < 3;
                if (hot && !wasHot) {
                    expected++;
                }
            }
        }

        // every asset is also above 90 on average in the three minutes 10:16, 10:17, 10:18: one SUSTAINED_OVERHEAT each
        expected += assets.size();

        start(t.args(KAFKA, "first"));
        List<AlertTriggered> first = alerts(KAFKA.readCommittedAlerts(t.alerts(), expected, TIMEOUT));
        FLINK.cancelJobs();

        String replayAlerts = t.id() + ".replay.alert.events";
        KAFKA.createTopic(replayAlerts, 1);
        start(t.args(KAFKA, "replay", "--alert-topic", replayAlerts, "--parallelism", "3"));
        List<AlertTriggered> replay = alerts(KAFKA.readCommittedAlerts(replayAlerts, expected, TIMEOUT));

        assertThat(first).hasSize(expected);
        assertThat(first).filteredOn(a -> a.getRule().equals("SUSTAINED_OVERHEAT")).hasSize(assets.size());
        assertThat(ids(replay)).isEqualTo(ids(first));
    }

    private static Set<String> ids(List<AlertTriggered> alerts) {
        Set<String> ids = new TreeSet<>();
        alerts.forEach(a -> ids.add(a.getAlertId() + "|" + a.getAssetId() + "|" + a.getRule() + "|" + a.getSeverity()
                + "|" + a.getTimestamp() + "|" + a.getEventIds()));
        return ids;
    }
}
