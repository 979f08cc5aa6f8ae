package io.assetalerts.jobs.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Records no job may accept, of every kind a broken or hostile producer sends to {@code telemetry.events}: random
 * bytes, truncated and deeply nested JSON, payloads of 900 KB (text and binary), wrong types, missing fields,
 * bytes that are not UTF-8, non-finite numbers, null, wrong and absent keys, tombstones, empty values, other event
 * types, JSON that is not an object, duplicate fields, trailing data, impossible timestamps and clocks centuries
 * ahead. Seeded: the same seed gives the same records.
 */
public final class HostileRecords {

    /** The kinds, one per generated record in turn. */
    public enum Kind {
        RANDOM_BYTES, TRUNCATED_JSON, NESTED_JSON, HUGE_TEXT, HUGE_BINARY, WRONG_TYPE, MISSING_FIELD, NOT_UTF8,
        NON_FINITE, NULL_FIELD, WRONG_KEY, NULL_KEY, TOMBSTONE, EMPTY_VALUE, OTHER_EVENT_TYPE, NOT_AN_OBJECT,
        DUPLICATE_FIELD, TRAILING_DATA, BAD_TIMESTAMP, FUTURE_CLOCK
    }

    private static final int HUGE = 900 * 1024;

    private HostileRecords() {
    }

    /** {@code count} bad records for {@code topic} about {@code assetId} (a registered asset, so only the record is bad). */
    public static List<ProducerRecord<byte[], byte[]>> generate(String topic, String assetId, int count, long seed) {
        Random random = new Random(seed);
        Kind[] kinds = Kind.values();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Kind kind = kinds[i % kinds.length];
            // the huge ones are few: each is 900 KB on the topic and in the DLQ
            if ((kind == Kind.HUGE_TEXT || kind == Kind.HUGE_BINARY) && i % (kinds.length * 50) >= kinds.length) {
                kind = Kind.RANDOM_BYTES;
            }
            records.add(record(topic, assetId, kind, "hostile-" + seed + "-" + i, random));
        }
        return records;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String assetId, Kind kind, String id,
            Random random) {
        byte[] key = utf8(assetId);
        String good = reading(id, assetId, "82.4", "96.2", "\"2026-01-10T10:16:06Z\"");
        return switch (kind) {
            case RANDOM_BYTES -> new ProducerRecord<>(topic, key, randomBytes(random, 1 + random.nextInt(300)));
            case TRUNCATED_JSON -> new ProducerRecord<>(topic, key,
                    utf8(good.substring(0, 1 + random.nextInt(good.length() - 2))));
            case NESTED_JSON -> new ProducerRecord<>(topic, key, utf8("{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000)));
            case HUGE_TEXT -> new ProducerRecord<>(topic, key, utf8("{\"eventId\":\"" + "x".repeat(HUGE)));
            case HUGE_BINARY -> new ProducerRecord<>(topic, key, randomBytes(random, HUGE));
            case WRONG_TYPE -> new ProducerRecord<>(topic, key, utf8(switch (random.nextInt(4)) {
                case 0 -> reading(id, assetId, "82.4", "\"96.2\"", "\"2026-01-10T10:16:06Z\"");
                case 1 -> reading(id, assetId, "{\"kw\":82.4}", "96.2", "\"2026-01-10T10:16:06Z\"");
                case 2 -> reading(id, assetId, "82.4", "96.2", "1768040166000");
                default -> reading(id, assetId, "82.4", "true", "\"2026-01-10T10:16:06Z\"");
            }));
            case MISSING_FIELD -> new ProducerRecord<>(topic, key, utf8("{\"eventId\":\"" + id
                    + "\",\"eventType\":\"TelemetryReceived\",\"assetId\":\"" + assetId + "\",\"power\":82.4,"
                    + "\"timestamp\":\"2026-01-10T10:16:06Z\"}"));
            case NOT_UTF8 -> {
                byte[] bad = utf8(reading(id + "-\u00ff", assetId, "82.4", "96.2", "\"2026-01-10T10:16:06Z\""));
                int at = new String(bad, StandardCharsets.UTF_8).indexOf('\u00ff');
                bad[at] = (byte) 0xC3; // a lead byte followed by a byte that cannot continue it
                bad[at + 1] = (byte) 0x28;
                yield new ProducerRecord<>(topic, key, bad);
            }
            case NON_FINITE -> new ProducerRecord<>(topic, key, utf8(reading(id, assetId, "82.4",
                    new String[] {"NaN", "Infinity", "-Infinity", "1e999"}[random.nextInt(4)],
                    "\"2026-01-10T10:16:06Z\"")));
            case NULL_FIELD -> new ProducerRecord<>(topic, key, utf8(reading(id, assetId, "82.4", "null",
                    "\"2026-01-10T10:16:06Z\"")));
            case WRONG_KEY -> new ProducerRecord<>(topic, utf8("SOMEONE-ELSE"), utf8(good));
            case NULL_KEY -> new ProducerRecord<>(topic, random.nextInt(3), null, utf8(good));
            case TOMBSTONE -> new ProducerRecord<>(topic, key, null);
            case EMPTY_VALUE -> new ProducerRecord<>(topic, key, new byte[0]);
            case OTHER_EVENT_TYPE -> new ProducerRecord<>(topic, key, utf8(good.replace("TelemetryReceived",
                    "AssetDecommissioned")));
            case NOT_AN_OBJECT -> new ProducerRecord<>(topic, key, utf8(new String[] {"[]", "\"reading\"", "42",
                    "null", "[" + good + "]"}[random.nextInt(5)]));
            case DUPLICATE_FIELD -> new ProducerRecord<>(topic, key, utf8(good.replace("\"power\":82.4",
                    "\"power\":82.4,\"power\":82.5")));
            case TRAILING_DATA -> new ProducerRecord<>(topic, key, utf8(good + " " + good));
            case BAD_TIMESTAMP -> new ProducerRecord<>(topic, key, utf8(reading(id, assetId, "82.4", "96.2",
                    new String[] {"\"2026-13-45T10:16:06Z\"", "\"yesterday\"", "\"\"", "\"2026-01-10 10:16:06\""}
                            [random.nextInt(4)])));
            case FUTURE_CLOCK -> new ProducerRecord<>(topic, key, utf8(reading(id, assetId, "82.4", "96.2",
                    "\"2999-01-10T10:16:06Z\"")));
        };
    }

    private static String reading(String id, String assetId, String power, String temperature, String timestamp) {
        return "{\"eventId\":\"" + id + "\",\"eventType\":\"TelemetryReceived\",\"assetId\":\"" + assetId
                + "\",\"power\":" + power + ",\"temperature\":" + temperature + ",\"timestamp\":" + timestamp + "}";
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
