package io.assetalerts.udfs.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.assetalerts.schemas.state.AlertEvent;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.contracts.codec.DeadLetters;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a contract event as the JSON of SPEC 3, keyed by assetId (dead letters keep the original key). The
 * record timestamp is left to the producer (wall clock), so a replay of old event time is not deleted at
 * once by a retention policy based on record timestamps.
 */
public final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {

    private final String topic;
    private final SerializableFunction<T, byte[]> key;
    private final SerializableFunction<T, byte[]> value;

    private JsonRecordSerializer(String topic, SerializableFunction<T, byte[]> key, SerializableFunction<T, byte[]> value) {
        this.topic = topic;
        this.key = key;
        this.value = value;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, null, key.apply(element), value.apply(element));
    }

    /** AlertTriggered and AlertResolved on one topic, keyed by assetId so an alert and its end share a partition. */
    public static JsonRecordSerializer<AlertEvent> alerts(String topic) {
        return new JsonRecordSerializer<>(topic,
                e -> utf8(e.getTriggered() != null ? e.getTriggered().getAssetId() : e.getResolved().getAssetId()),
                e -> e.getTriggered() != null ? EventJson.encode(e.getTriggered()) : EventJson.encode(e.getResolved()));
    }

    public static JsonRecordSerializer<TelemetryReceived> telemetry(String topic) {
        return new JsonRecordSerializer<>(topic, t -> utf8(t.getAssetId()), t -> EventJson.encode(t));
    }

    /** Keyed by the original key bytes, also when the dead letter carries them base64-encoded. */
    public static JsonRecordSerializer<DeadLetter> deadLetters(String topic) {
        return new JsonRecordSerializer<>(topic, JsonRecordSerializer::originalKey, d -> EventJson.encode(d));
    }

    private static byte[] originalKey(DeadLetter deadLetter) {
        if (deadLetter.getKey() != null && DeadLetters.PAYLOAD_ENCODING_BASE64.equals(deadLetter.getPayloadEncoding())) {
            return Base64.getDecoder().decode(deadLetter.getKey());
        }
        return utf8(deadLetter.getKey());
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
