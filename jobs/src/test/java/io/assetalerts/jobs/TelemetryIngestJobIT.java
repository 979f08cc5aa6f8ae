package io.assetalerts.jobs;

import static io.assetalerts.jobs.testing.Events.registration;
import static io.assetalerts.jobs.testing.Events.ticks;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.jobs.testing.MiniFlink;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.udfs.kafka.InboundDeserializer;
import io.assetalerts.udfs.ordering.OrderingMetrics;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The telemetry-ingest job, and both jobs chained as the seed's flow draws it, on MiniCluster + a real broker. */
class TelemetryIngestJobIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniFlink FLINK = new MiniFlink();

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Instant T0 = Instant.parse("2026-01-10T10:16:05Z");

    private static String raw(String assetId, String readingId, Instant at, Object temperature) {
        return "{\"assetId\":\"" + assetId + "\",\"power\":82.4,\"temperature\":" + temperature + ",\"timestamp\":\"" + at
                + "\"" + (readingId == null ? "" : ",\"readingId\":\"" + readingId + "\"") + "}";
    }

    private record Topics(String assets, String raw, String telemetry, String ingestDlq, String alerts, String alertDlq) {
        static Topics create(String id) {
            Topics t = new Topics(id + ".asset.events", id + ".telemetry.raw", id + ".telemetry.events",
                    id + ".telemetry-ingest.dlq", id + ".alert.events", id + ".alert-job.dlq");
            KAFKA.createTopic(t.assets, 1, Map.of("cleanup.policy", "compact"));
            KAFKA.createTopic(t.raw, 2);
            KAFKA.createTopic(t.telemetry, 2);
            KAFKA.createTopic(t.ingestDlq, 1);
            KAFKA.createTopic(t.alerts, 1);
            KAFKA.createTopic(t.alertDlq, 1);
            KAFKA.createTopic(id + ".alert.rules", 1, Map.of("cleanup.policy", "compact"));
            return t;
        }

        String[] ingestArgs(String id, String... extra) {
            List<String> args = new ArrayList<>(List.of("--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--asset-topic", assets, "--raw-topic", raw, "--telemetry-topic", telemetry, "--dlq-topic", ingestDlq,
                    "--group-id", id + "-ingest", "--transactional-id-prefix", id + "-ingest",
                    "--starting-offsets", "earliest", "--checkpoint-interval", "1s", "--idleness", "1s",
                    "--parallelism", "1"));
            args.addAll(List.of(extra));
            return args.toArray(String[]::new);
        }
    }

    private static List<TelemetryReceived> telemetry(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> {
            TelemetryReceived t = EventJson.decodeTelemetryReceived(r.value().getBytes(StandardCharsets.UTF_8)).value();
            assertThat(r.key()).isEqualTo(t.getAssetId());
            return t;
        }).toList();
    }

    @Test
    void rawReadingsBecomeTelemetryEventsAndBadOnesGoToTheDlq() throws Exception {
        String id = KAFKA.uniqueTopic("ingest");
        Topics t = Topics.create(id);
        KAFKA.produce(t.assets(), List.of(registration(t.assets(), "TURBINE-101", "TURBINE", "AP-Plant-7")));
        // the readings once the job knows TURBINE-101: a held reading would wait for a tick after the last one
        JobClient job = FLINK.track(TelemetryIngestJob.start(t.ingestArgs(id, "--unknown-asset-grace", "60s",
                // no split goes idle: the ticks in both partitions, written after the readings, decide event time,
                // and none of them can be read while the other partition, idle, still has readings to read
                "--idleness", "1h")));
        FLINK.awaitGauge(job, TelemetryIngestJob.REGISTRY_JOIN, OrderingMetrics.METRIC_ASSETS_KNOWN, 1, TIMEOUT);
        KAFKA.produce(t.raw(), List.of(
                new ProducerRecord<>(t.raw(), "TURBINE-101", raw("TURBINE-101", "r-1", T0, 96.2)),
                new ProducerRecord<>(t.raw(), "TURBINE-101", raw("TURBINE-101", null, T0.plusSeconds(1), 97.0)),
                new ProducerRecord<>(t.raw(), "TURBINE-101", raw("TURBINE-101", null, T0.plusSeconds(1), 97.0)),
                new ProducerRecord<>(t.raw(), "PUMP-7", raw("PUMP-7", "p-1", T0.plusSeconds(2), 70.0)),
                new ProducerRecord<>(t.raw(), "GHOST-1", raw("GHOST-1", "g-1", T0.plusSeconds(2), 70.0)),
                new ProducerRecord<>(t.raw(), "TURBINE-101", raw("TURBINE-101", "cold", T0.plusSeconds(3), -300.0)),
                new ProducerRecord<>(t.raw(), "TURBINE-101", raw("TURBINE-101", "str", T0.plusSeconds(3), "\"96.2\"")),
                new ProducerRecord<>(t.raw(), "TURBINE-101", "{\"power\":1,\"temperature\":2,\"timestamp\":\"" + T0 + "\"}"),
                new ProducerRecord<>(t.raw(), "TURBINE-101", "not json"),
                new ProducerRecord<>(t.raw(), "PUMP-7", raw("TURBINE-101", "k-1", T0.plusSeconds(3), 90.0))));
        KAFKA.produce(t.raw(), ticks(t.raw(), 2, "TURBINE-101", T0.plusSeconds(40)));

        String derived = InboundDeserializer.eventId("TURBINE-101", T0.plusSeconds(1));
        // event time reaches T0 + 35 s (ticks at +40 minus the 5 s bound): the three TURBINE-101 readings pass
        List<TelemetryReceived> first = telemetry(KAFKA.consumeUntil(t.telemetry(),
                records -> records.size() >= 3, TIMEOUT));
        assertThat(first).extracting(TelemetryReceived::getEventId)
                .contains("r-1", derived).doesNotContain("p-1", "g-1");
        assertThat(first).filteredOn(e -> e.getEventId().equals(derived)).hasSize(2)
                .allSatisfy(e -> assertThat(e.getTemperature()).isEqualTo(97.0));
        assertThat(first).filteredOn(e -> e.getEventId().equals("r-1")).singleElement().satisfies(e -> {
            assertThat(e.getEventType()).isEqualTo("TelemetryReceived");
            assertThat(e.getAssetId()).isEqualTo("TURBINE-101");
            assertThat(e.getPower()).isEqualTo(82.4);
            assertThat(e.getTemperature()).isEqualTo(96.2);
            assertThat(e.getTimestamp()).isEqualTo(T0);
        });

        // PUMP-7 registers within its 60 s hold: its held reading leaves, in order, before its next one;
        // GHOST-1 never registers and goes to the DLQ once event time passes T0 + 62 s
        KAFKA.produce(t.assets(), List.of(registration(t.assets(), "PUMP-7", "PUMP", "Plant-2")));
        KAFKA.produce(t.raw(), List.of(new ProducerRecord<>(t.raw(), "PUMP-7", raw("PUMP-7", "p-2", T0.plusSeconds(45), 71.0))));
        KAFKA.produce(t.raw(), ticks(t.raw(), 2, "TURBINE-101", T0.plusSeconds(70)));
        List<TelemetryReceived> all = telemetry(KAFKA.consumeUntil(t.telemetry(),
                records -> records.stream().anyMatch(r -> r.value().contains("\"p-2\"")), TIMEOUT));
        assertThat(all).extracting(TelemetryReceived::getEventId).containsSubsequence("p-1", "p-2").doesNotContain("g-1");

        List<DeadLetter> dlq = KAFKA.consumeUntil(t.ingestDlq(), records -> records.size() >= 6, TIMEOUT).stream()
                .map(r -> EventJson.decodeDeadLetter(r.value().getBytes(StandardCharsets.UTF_8)).value()).toList();
        assertThat(dlq).extracting(DeadLetter::getReason).containsExactlyInAnyOrder(
                "INVALID_VALUE", "INVALID_VALUE", "MISSING_FIELD", "MALFORMED_JSON", "KEY_MISMATCH", "UNKNOWN_ASSET");
        assertThat(dlq).allSatisfy(d -> {
            assertThat(d.getJob()).isEqualTo("telemetry-ingest");
            assertThat(d.getSourceTopic()).isEqualTo(t.raw());
        });
    }

    @Test
    void rawReadingsInAlertsOutWithBothJobsChained() throws Exception {
        String id = KAFKA.uniqueTopic("chain");
        Topics t = Topics.create(id);
        KAFKA.produce(t.assets(), List.of(registration(t.assets(), "TURBINE-101", "TURBINE", "AP-Plant-7")));
        KAFKA.produce(t.raw(), List.of(
                new ProducerRecord<>(t.raw(), "TURBINE-101", raw("TURBINE-101", null, T0, 96.2)),
                new ProducerRecord<>(t.raw(), "TURBINE-101", raw("TURBINE-101", null, T0.plusSeconds(1), 104.7)),
                // the device re-sends the hot reading: same derived eventId, dropped by the alert job
                new ProducerRecord<>(t.raw(), "TURBINE-101", raw("TURBINE-101", null, T0.plusSeconds(1), 104.7)),
                new ProducerRecord<>(t.raw(), "TURBINE-101", raw("TURBINE-101", null, T0.plusSeconds(2), 99.0)),
                new ProducerRecord<>(t.raw(), "TURBINE-101", raw("TURBINE-101", null, T0.plusSeconds(3), 101.0))));
        // steady cool readings: the ingest job passes them on as event time moves, which moves the alert job's too
        for (int s = 10; s <= 50; s += 10) {
            KAFKA.produce(t.raw(), "TURBINE-101", raw("TURBINE-101", null, T0.plusSeconds(s), 95.0));
        }
        KAFKA.produce(t.raw(), ticks(t.raw(), 2, "TURBINE-101", T0.plusSeconds(60)));

        FLINK.track(TelemetryIngestJob.start(t.ingestArgs(id)));
        FLINK.track(AlertJob.start("--bootstrap-servers", KAFKA.bootstrapServers(),
                "--asset-topic", t.assets(), "--telemetry-topic", t.telemetry(), "--alert-topic", t.alerts(),
                "--dlq-topic", t.alertDlq(), "--rules-topic", id + ".alert.rules", "--group-id", id + "-alerts", "--transactional-id-prefix", id + "-alerts",
                "--starting-offsets", "earliest", "--checkpoint-interval", "1s", "--idleness", "1s",
                "--parallelism", "1"));

        List<AlertTriggered> alerts = KAFKA.readCommittedAlerts(t.alerts(), 2, TIMEOUT).stream()
                .map(r -> EventJson.decodeAlertTriggered(r.value().getBytes(StandardCharsets.UTF_8)).value()).toList();
        assertThat(alerts).extracting(a -> a.getEventIds().get(0)).containsExactly(
                InboundDeserializer.eventId("TURBINE-101", T0.plusSeconds(1)),
                InboundDeserializer.eventId("TURBINE-101", T0.plusSeconds(3)));
        assertThat(alerts).allSatisfy(a -> assertThat(a.getSeverity()).isEqualTo("HIGH"));
    }
}
