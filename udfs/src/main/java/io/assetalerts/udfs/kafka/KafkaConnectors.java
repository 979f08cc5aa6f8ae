package io.assetalerts.udfs.kafka;

import java.time.Duration;
import java.util.Properties;

import io.assetalerts.schemas.state.Inbound;
import io.assetalerts.udfs.config.DeliveryGuarantee;
import io.assetalerts.udfs.config.Flags.StartingOffsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Builds the jobs' Kafka sources and sinks from their settings, the same way for every topic: bytes in and
 * out, the contract JSON handled by the codec, client properties from {@code --kafka.*} passed through.
 */
public final class KafkaConnectors {

    private KafkaConnectors() {
    }

    /**
     * A source of contract records. Offsets are committed on checkpoints (for monitoring lag); on a restart
     * from a checkpoint or savepoint the source resumes from its own state, not from these.
     */
    public static KafkaSource<Inbound> source(String bootstrapServers, Properties kafka, String topic, String groupId,
            StartingOffsets start, InboundDeserializer deserializer) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent("partition.discovery.interval.ms", "60000");
        return KafkaSource.<Inbound>builder()
                .setBootstrapServers(bootstrapServers)
                .setProperties(props)
                .setTopics(topic)
                .setGroupId(groupId)
                .setClientIdPrefix(groupId + "-" + topic)
                .setStartingOffsets(offsets(start))
                .setDeserializer(deserializer)
                .build();
    }

    static OffsetsInitializer offsets(StartingOffsets start) {
        return switch (start.kind()) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case TIMESTAMP -> OffsetsInitializer.timestamp(start.timestamp().toEpochMilli());
        };
    }

    /**
     * A sink with the job's delivery guarantee. Exactly-once uses Kafka transactions committed on checkpoints;
     * {@code transactionTimeout} must stay below the broker's {@code transaction.max.timeout.ms} (15 min on a
     * stock broker) and well above the checkpoint interval.
     */
    public static <T> KafkaSink<T> sink(String bootstrapServers, Properties kafka, DeliveryGuarantee guarantee,
            String transactionalIdPrefix, Duration transactionTimeout, KafkaRecordSerializationSchema<T> serializer) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(transactionTimeout.toMillis()));
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(props)
                .setDeliveryGuarantee(guarantee.toFlink())
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setRecordSerializer(serializer)
                .build();
    }
}
