package io.assetalerts.tools.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

    @TempDir
    Path dir;

    @Test
    void servesTransactionsAndLeavesNoProcessBehind() throws Exception {
        long pid;
        try (KafkaBroker broker = KafkaBroker.start(dir)) {
            pid = broker.pid();
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
            createTopic(broker, "orders");

            try (KafkaProducer<String, String> producer = transactionalProducer(broker, Duration.ofMinutes(1))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("orders", "k", "aborted"));
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("orders", "k", "committed"));
                producer.commitTransaction();
            }

            assertThat(readCommitted(broker, "orders", 1))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("committed");
        }
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void enforcesTheStockFifteenMinuteTransactionTimeoutCeiling() {
        try (KafkaBroker broker = KafkaBroker.start(dir);
                KafkaProducer<String, String> producer = transactionalProducer(broker, Duration.ofHours(1))) {
            assertThatThrownBy(producer::initTransactions)
                    .isInstanceOf(KafkaException.class)
                    .hasMessageContaining("transaction timeout is larger than the maximum value allowed by the broker");
        }
    }

    @Test
    void restartOnTheSameDirectoryKeepsTopicsAndRecords() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(dir)) {
            createTopic(broker, "kept");
            try (KafkaProducer<String, String> producer = transactionalProducer(broker, Duration.ofMinutes(1))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("kept", "k", "before restart"));
                producer.commitTransaction();
            }
        }
        try (KafkaBroker broker = KafkaBroker.start(dir); Admin admin = admin(broker)) {
            assertThat(admin.listTopics().names().get()).contains("kept");
            assertThat(readCommitted(broker, "kept", 1))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("before restart");
        }
    }

    @Test
    void brokerStopsWhenTheJvmThatStartedItIsKilled() throws Exception {
        Path classes = Path.of(KafkaBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process launcher = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes.toString(), KafkaBroker.class.getName(),
                "--dir", dir.toString(), "--port", "0", "--controller-port", "0")
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(launcher.getInputStream(), UTF_8))) {
            String ready = out.readLine();
            Matcher matcher = Pattern.compile("kafka-broker: ready on 127\\.0\\.0\\.1:\\d+ \\(pid (\\d+), data .+\\)")
                    .matcher(String.valueOf(ready));
            assertThat(matcher.matches()).as("first line of the launcher: %s", ready).isTrue();
            ProcessHandle broker = ProcessHandle.of(Long.parseLong(matcher.group(1))).orElseThrow();

            launcher.destroyForcibly().waitFor();

            broker.onExit().get(30, TimeUnit.SECONDS);
            assertThat(broker.isAlive()).isFalse();
        } finally {
            launcher.destroyForcibly();
        }
    }

    @Test
    void refusesAPortThatIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> KafkaBroker.start(dir, taken.getLocalPort(), 0))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(BindException.class)
                    .hasMessageContaining("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void makesClusterIdsTheStorageToolAccepts() {
        for (int i = 0; i < 1000; i++) {
            String id = KafkaBroker.randomClusterId();
            assertThat(id).hasSize(22).doesNotStartWith("-");
            assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
        }
    }

    private static Admin admin(KafkaBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private static void createTopic(KafkaBroker broker, String topic) throws ExecutionException, InterruptedException {
        try (Admin admin = admin(broker)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(KafkaBroker broker, Duration timeout) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + timeout);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) timeout.toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static List<ConsumerRecord<String, String>> readCommitted(KafkaBroker broker, String topic, int count) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < count && System.nanoTime() - deadline < 0) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // one more poll: anything beyond the expected records would show up here
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
