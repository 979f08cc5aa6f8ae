package io.assetalerts.tools.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Kafka broker per test class (see {@link KafkaBroker}) in a temporary directory that is deleted
 * afterwards, with the client chores integration tests need: fresh topics, producing, and reading back what was
 * committed, polling with a deadline. Register it as
 * {@code @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();}.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long readCommitted keeps polling after the expected count arrived, to catch records beyond it. */
    private static final Duration EXTRAS_GRACE = Duration.ofSeconds(2);
    private static final int MAX_RECORDS_IN_FAILURE = 50;

    private final AtomicInteger topicCounter = new AtomicInteger();
    private final KafkaBroker.SaslSsl secured;
    private String ownerId;
    private Path dir;
    private KafkaBroker broker;
    private AdminClient admin;
    private KafkaProducer<byte[], byte[]> producer;

    public KafkaBrokerExtension() {
        this(null);
    }

    /**
     * A broker with a SASL_SSL listener besides the PLAINTEXT one this extension's own clients use; {@code secured}
     * may refer to files the test class creates in a static initializer.
     */
    public KafkaBrokerExtension(KafkaBroker.SaslSsl secured) {
        this.secured = secured;
    }

    /** The SASL_SSL listener of a broker created with {@link #KafkaBrokerExtension(KafkaBroker.SaslSsl)}. */
    public String securedBootstrapServers() {
        return broker.securedBootstrapServers();
    }

    /** The broker's data directory (its server.log is there). */
    public Path dataDir() {
        return dir;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        // @Nested classes run beforeAll again with the outer class's extension: they share its broker.
        if (broker != null) {
            return;
        }
        ownerId = context.getUniqueId();
        dir = Files.createTempDirectory("kafka-broker-");
        broker = secured == null ? KafkaBroker.start(dir) : KafkaBroker.startSecured(dir, secured);
        admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (!context.getUniqueId().equals(ownerId)) {
            return;
        }
        try {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
            producer = null;
            admin = null;
            broker = null;
            ownerId = null;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** Kills the broker process as a crash would (SIGKILL); clients keep retrying until {@link #restartBroker}. */
    public void killBroker() {
        broker.kill();
    }

    /** Starts the broker again on the same ports, with the data it had. */
    public void restartBroker() {
        int port = broker.port();
        int controllerPort = broker.controllerPort();
        broker.close();
        broker = KafkaBroker.start(dir, port, controllerPort);
    }

    public String bootstrapServers() {
        requireRunning();
        return broker.bootstrapServers();
    }

    /** A topic name not used before on this broker: {@code prefix-N}. The topic itself is not created. */
    public String uniqueTopic(String prefix) {
        return prefix + "-" + topicCounter.incrementAndGet();
    }

    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** Creates a topic (replication factor 1) and returns once every partition has a leader. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
        get(admin().createTopics(List.of(topic)).all(), "creating topic " + name);
        long deadline = System.nanoTime() + CLIENT_TIMEOUT.toNanos();
        while (!hasLeaders(name, partitions)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("topic " + name + " has no leader for all " + partitions + " partitions");
            }
            sleep(Duration.ofMillis(50));
        }
    }

    /** Sends the records (which must be addressed to {@code topic}) and returns once all are acknowledged. */
    public void produce(String topic, List<ProducerRecord<String, String>> records) {
        List<ProducerRecord<byte[], byte[]>> raw = new ArrayList<>();
        for (ProducerRecord<String, String> r : records) {
            if (!r.topic().equals(topic)) {
                throw new IllegalArgumentException(
                        "record for topic " + r.topic() + " given to produce(" + topic + ", ...)");
            }
            raw.add(new ProducerRecord<>(
                    topic, r.partition(), r.timestamp(), utf8(r.key()), utf8(r.value()), r.headers()));
        }
        send(topic, raw);
    }

    public void produce(String topic, String key, String value) {
        produce(topic, List.of(new ProducerRecord<>(topic, key, value)));
    }

    /** Produces raw records (any bytes, null keys and values) and returns once all are acknowledged. */
    public void produceBytes(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        send(topic, records);
    }

    /** Produces raw bytes, for payloads that are not UTF-8 text. */
    public void produceBytes(String topic, byte[] key, byte[] value) {
        send(topic, List.of(new ProducerRecord<>(topic, key, value)));
    }

    /**
     * Reads {@code topic} from the beginning with {@code isolation.level=read_committed} until {@code done} holds
     * for all records read so far; fails listing what did arrive if it does not hold within {@code timeout}.
     */
    public List<ConsumerRecord<String, String>> consumeUntil(
            String topic, Predicate<List<ConsumerRecord<String, String>>> done, Duration timeout) {
        try (KafkaConsumer<String, String> consumer = consumer(topic)) {
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            pollUntil(consumer, records, done, timeout);
            if (!done.test(records)) {
                throw new AssertionError("after " + timeout + ", the records committed to " + topic
                        + " still do not satisfy the condition; " + describe(records));
            }
            return records;
        }
    }

    /**
     * Reads committed records until at least {@code expectedCount} arrived, then keeps reading for two more seconds
     * so that a test can assert there are exactly as many as expected. Returns all records read.
     */
    public List<ConsumerRecord<String, String>> readCommitted(String topic, int expectedCount, Duration timeout) {
        try (KafkaConsumer<String, String> consumer = consumer(topic)) {
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            pollUntil(consumer, records, r -> r.size() >= expectedCount, timeout);
            if (records.size() < expectedCount) {
                throw new AssertionError("after " + timeout + ", " + records.size() + " of " + expectedCount
                        + " expected records were committed to " + topic + "; " + describe(records));
            }
            pollUntil(consumer, records, r -> false, EXTRAS_GRACE);
            return records;
        }
    }

    /**
     * The AlertTriggered records of an alert topic (which also carries AlertResolved, issue 13): reads committed records
     * until at least {@code expectedAlerts} AlertTriggered arrived, then two more seconds, and returns those.
     */
    public List<ConsumerRecord<String, String>> readCommittedAlerts(String topic, int expectedAlerts, Duration timeout) {
        return readCommittedEvents(topic, expectedAlerts, 0, timeout).stream().filter(KafkaBrokerExtension::isAlert)
                .toList();
    }

    /**
     * Every committed record of an alert topic, once at least {@code alerts} AlertTriggered and {@code resolved}
     * AlertResolved arrived (then two more seconds), in topic order per partition; after {@code timeout}, what arrived
     * (the caller's assertion then says what is missing).
     */
    public List<ConsumerRecord<String, String>> readCommittedEvents(String topic, int alerts, int resolved,
            Duration timeout) {
        try (KafkaConsumer<String, String> consumer = consumer(topic)) {
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            java.util.function.Predicate<List<ConsumerRecord<String, String>>> done = r ->
                    r.stream().filter(KafkaBrokerExtension::isAlert).count() >= alerts
                            && r.stream().filter(x -> !isAlert(x)).count() >= resolved;
            pollUntil(consumer, records, done, timeout);
            // short of the count, the caller's comparison names what is missing better than a list of what came
            pollUntil(consumer, records, r -> false, EXTRAS_GRACE);
            return records;
        }
    }

    /** An AlertTriggered (the seed's alerts carry no eventType), not an AlertResolved. */
    public static boolean isAlert(ConsumerRecord<String, String> record) {
        return !record.value().contains("\"eventType\":\"AlertResolved\"");
    }

    /**
     * Waits until consumer group {@code groupId} has committed offsets summing to at least {@code records} on
     * {@code topic}: a Flink job commits on checkpoint completion, so its operators have then processed those
     * records. Fails after {@code timeout}.
     */
    public void awaitCommitted(String groupId, String topic, long records, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long committed = 0;
        while (System.nanoTime() < deadline) {
            committed = admin().listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
            if (committed >= records) {
                return;
            }
            sleep(Duration.ofMillis(100));   // poll interval
        }
        throw new AssertionError("after " + timeout + ", group " + groupId + " had committed " + committed
                + " of " + records + " records of " + topic);
    }

    /**
     * The sum of {@code topic}'s log-end offsets: every record appended so far, in open and aborted transactions
     * too (and their markers), so it grows as soon as a transactional producer writes, before any commit.
     */
    public long endOffset(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = admin().describeTopics(List.of(topic)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return admin().listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    /**
     * Waits until {@code topic}'s {@link #endOffset} is at least {@code offset}: a point in a job's progress (it has
     * written that much), whether or not a checkpoint has committed it yet. Fails after {@code timeout}.
     */
    public void awaitEndOffset(String topic, long offset, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long end;
        while ((end = endOffset(topic)) < offset) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("after " + timeout + ", " + topic + " ended at offset " + end + " of "
                        + offset);
            }
            sleep(Duration.ofMillis(20));   // poll interval
        }
    }

    public AdminClient admin() {
        requireRunning();
        return admin;
    }

    private void requireRunning() {
        if (broker == null) {
            throw new IllegalStateException("the broker is not running: register KafkaBrokerExtension with"
                    + " @RegisterExtension on a static field");
        }
    }

    private boolean hasLeaders(String topic, int partitions) {
        try {
            TopicDescription description = admin().describeTopics(List.of(topic)).allTopicNames()
                    .get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return description.partitions().size() == partitions
                    && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw new IllegalStateException("describing topic " + topic, e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("describing topic " + topic, e);
        }
    }

    private synchronized void send(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            // one request at a time: right after a topic is created, an idempotent producer with several in flight
            // can lose its first batches to NOT_LEADER then OUT_OF_ORDER_SEQUENCE retries (KAFKA-15591)
            props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
            producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            acks.add(producer.send(record));
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            get(ack, "producing to " + topic);
        }
    }

    private KafkaConsumer<String, String> consumer(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, CLIENT_TIMEOUT);
        if (partitions.isEmpty()) {
            consumer.close();
            throw new AssertionError("topic " + topic + " does not exist");
        }
        List<TopicPartition> assigned =
                partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        return consumer;
    }

    private static void pollUntil(KafkaConsumer<String, String> consumer, List<ConsumerRecord<String, String>> records,
            Predicate<List<ConsumerRecord<String, String>>> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(records) && System.nanoTime() - deadline < 0) {
            consumer.poll(POLL).forEach(records::add);
        }
    }

    private static String describe(List<ConsumerRecord<String, String>> records) {
        if (records.isEmpty()) {
            return "nothing arrived";
        }
        String shown = records.stream()
                .limit(MAX_RECORDS_IN_FAILURE)
                .map(r -> "  p" + r.partition() + "@" + r.offset() + " " + r.key() + " -> " + r.value())
                .collect(Collectors.joining("\n"));
        String more = records.size() > MAX_RECORDS_IN_FAILURE
                ? "\n  ... and " + (records.size() - MAX_RECORDS_IN_FAILURE) + " more"
                : "";
        return records.size() + " arrived:\n" + shown + more;
    }

    private static <T> T get(Future<T> future, String what) {
        try {
            return future.get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " took longer than " + CLIENT_TIMEOUT, e);
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
