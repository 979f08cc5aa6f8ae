package io.assetalerts.jobs.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;

/** Contract JSON for integration tests, in the seed's exact shape. */
public final class Events {

    private Events() {
    }

    public static ProducerRecord<String, String> registration(String topic, String assetId, String type, String location) {
        return new ProducerRecord<>(topic, assetId, "{\"eventId\":\"reg-" + assetId + "\",\"eventType\":\"AssetRegistered\","
                + "\"assetId\":\"" + assetId + "\",\"assetType\":\"" + type + "\",\"location\":\"" + location
                + "\",\"timestamp\":\"2026-01-10T10:15:00Z\"}");
    }

    public static ProducerRecord<String, String> reading(String topic, String assetId, String eventId, Instant at,
            double temperature) {
        return new ProducerRecord<>(topic, assetId, readingJson(assetId, eventId, at, temperature));
    }

    /**
     * One cool reading of {@code assetId} in each partition, so that every partition's watermark passes
     * {@code at} minus the out-of-orderness bound, whatever order the partitions go idle in.
     */
    public static List<ProducerRecord<String, String>> ticks(String topic, int partitions, String assetId, Instant at) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            records.add(new ProducerRecord<>(topic, p, assetId, readingJson(assetId, "tick-" + at + "-" + p, at, 20.0)));
        }
        return records;
    }

    public static String readingJson(String assetId, String eventId, Instant at, double temperature) {
        return "{\"eventId\":\"" + eventId + "\",\"eventType\":\"TelemetryReceived\",\"assetId\":\"" + assetId
                + "\",\"power\":82.4,\"temperature\":" + temperature + ",\"timestamp\":\"" + at + "\"}";
    }
}
