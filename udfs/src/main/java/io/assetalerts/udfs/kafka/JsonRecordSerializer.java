package io.assetalerts.udfs.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.udfs.codec.DeadLetters;
import io.assetalerts.udfs.codec.EventJson;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a contract event as the JSON of SPEC 3, keyed by assetId (dead letters keep the original key). The
 * record timestamp is left to the producer (wall clock), so a replay of old event time is not deleted at
 * once by a retention policy based on record timestamps.
 */
public abstract class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {

    private final String topic;

    JsonRecordSerializer(String topic) {
        this.topic = topic;
    }

    protected abstract String key(T element);

    protected abstract byte[] value(T element);

    protected byte[] keyBytes(T element) {
        String key = key(element);
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, null, keyBytes(element), value(element));
    }

    public static JsonRecordSerializer<AlertTriggered> alerts(String topic) {
        return new JsonRecordSerializer<>(topic) {
            @Override
            protected String key(AlertTriggered alert) {
                return alert.getAssetId();
            }

            @Override
            protected byte[] value(AlertTriggered alert) {
                return EventJson.encode(alert);
            }
        };
    }

    public static JsonRecordSerializer<TelemetryReceived> telemetry(String topic) {
        return new JsonRecordSerializer<>(topic) {
            @Override
            protected String key(TelemetryReceived event) {
                return event.getAssetId();
            }

            @Override
            protected byte[] value(TelemetryReceived event) {
                return EventJson.encode(event);
            }
        };
    }

    public static JsonRecordSerializer<DeadLetter> deadLetters(String topic) {
        return new JsonRecordSerializer<>(topic) {
            @Override
            protected String key(DeadLetter deadLetter) {
                return deadLetter.getKey();
            }

            /** The original key bytes, also when the dead letter carries them base64-encoded. */
            @Override
            protected byte[] keyBytes(DeadLetter deadLetter) {
                if (deadLetter.getKey() != null
                        && DeadLetters.PAYLOAD_ENCODING_BASE64.equals(deadLetter.getPayloadEncoding())) {
                    return Base64.getDecoder().decode(deadLetter.getKey());
                }
                return super.keyBytes(deadLetter);
            }

            @Override
            protected byte[] value(DeadLetter deadLetter) {
                return EventJson.encode(deadLetter);
            }
        };
    }
}
