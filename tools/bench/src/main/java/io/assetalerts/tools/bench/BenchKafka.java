package io.assetalerts.tools.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;

import io.assetalerts.contracts.kafka.Topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The bench's Kafka clients and topics. Producers are idempotent with {@code acks=all} and one request in flight
 * (the fill starts right after topic creation, where more in flight can hit KAFKA-15591, see tools/simulator's
 * KafkaClients); the bulk producer gets large lz4 batches instead, which is what makes it fast.
 */
final class BenchKafka {

    private BenchKafka() {
    }

    /** A producer for bulk loads: lz4, 512 KiB batches, 20 ms linger, 8 MiB requests. */
    static KafkaProducer<String, byte[]> bulkProducer(String bootstrap, String clientId) {
        Properties props = baseProducer(bootstrap, clientId);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(256L * 1024 * 1024));
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** A producer for live traffic: sends at once (linger 0), no compression. */
    static KafkaProducer<String, byte[]> liveProducer(String bootstrap, String clientId) {
        Properties props = baseProducer(bootstrap, clientId);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static Properties baseProducer(String bootstrap, String clientId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return props;
    }

    /** A consumer without a group that sees only committed records (what a downstream reader of alerts sees). */
    static KafkaConsumer<String, byte[]> readCommittedConsumer(String bootstrap, String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static Admin admin(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(props);
    }

    /**
     * Parses {@code NAME:PARTITIONS[:compact]}; the topic gets {@code retention.ms=-1}.
     *
     * @throws IllegalArgumentException on anything else
     */
    static NewTopic parseTopic(String spec) {
        NewTopic topic = Topics.parse(spec, (short) 1);
        // The fill's event time is in the past and records carry it as their timestamp: time-based retention
        // (7 days by default) would delete them within minutes, so the bench's topics keep everything.
        Map<String, String> configs = new HashMap<>(topic.configs() == null ? Map.of() : topic.configs());
        configs.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
        return topic.configs(configs);
    }

    /** Creates the topics that do not exist yet, then returns once every partition of all of them has a leader. */
    static void createTopics(String bootstrap, List<NewTopic> topics, Duration timeout) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            try {
                Topics.create(admin, topics, timeout);
                Topics.awaitLeaders(admin, topics.stream().map(NewTopic::name).toList(), timeout);
            } catch (IllegalStateException | TimeoutException e) {
                throw new Bench.BenchFailure(e.getMessage());
            }
        }
    }
}
