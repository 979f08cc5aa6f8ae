package io.assetalerts.tools.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka clients of the tools, configured one way: {@code --kafka.*} properties first (security settings and
 * the like), then what the tools promise. Producers are always idempotent with {@code acks=all}, so a retried
 * send never duplicates an event; consumers read only committed records.
 */
final class KafkaClients {

    private KafkaClients() {
    }

    /** A producer of contract JSON keyed by assetId; a pass-through property contradicting the promise is refused. */
    static KafkaProducer<String, byte[]> producer(String bootstrapServers, Properties kafka, String clientId) {
        Properties props = new Properties();
        props.putAll(kafka);
        refuse(props, ProducerConfig.ACKS_CONFIG, "all", "-1");
        refuse(props, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        // One request in flight per broker: with more, the first batches sent to a partition created a moment
        // earlier can fail with NOT_LEADER_OR_FOLLOWER while later ones land, and the failed ones then retry with
        // OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms drops them (KAFKA-15591, apache/kafka#23234).
        // The tools often produce right after CreateTopics, and their rates do not need pipelining.
        props.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends every record, flushes, and waits for each acknowledgement: the first failure is thrown. */
    static void sendAll(KafkaProducer<String, byte[]> producer, List<ProducerRecord<String, byte[]>> records,
            Duration timeout) throws Exception {
        List<java.util.concurrent.Future<RecordMetadata>> acks = new java.util.ArrayList<>(records.size());
        for (ProducerRecord<String, byte[]> record : records) {
            acks.add(producer.send(record));
        }
        producer.flush();
        for (var ack : acks) {
            ack.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** A consumer without a group (partitions are assigned by the caller) that sees only committed records. */
    static KafkaConsumer<String, byte[]> readCommittedConsumer(String bootstrapServers, Properties kafka,
            String clientId) {
        Properties props = new Properties();
        props.putAll(kafka);
        refuse(props, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static Admin admin(String bootstrapServers, Properties kafka) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(props);
    }

    private static void refuse(Properties props, String key, String... allowed) {
        String value = props.getProperty(key);
        if (value == null) {
            return;
        }
        for (String ok : allowed) {
            if (ok.equalsIgnoreCase(value.trim())) {
                return;
            }
        }
        throw new Cli.BadFlag("kafka." + key, "the tools always use " + key + "=" + allowed[0]
                + ", got '" + value + "'");
    }
}
