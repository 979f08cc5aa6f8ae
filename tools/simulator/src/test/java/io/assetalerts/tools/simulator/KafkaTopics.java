package io.assetalerts.tools.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a topic back in integration tests: every committed record, polling with a deadline. */
final class KafkaTopics {

    private KafkaTopics() {
    }

    /**
     * Reads {@code topic} from the beginning until {@code expected} records arrived, then two seconds more so a
     * test can assert there are no others; fails listing what arrived if fewer came within {@code timeout}.
     */
    static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic, int expected,
            Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer =
                KafkaClients.readCommittedConsumer(bootstrap, new Properties(), "test-reader")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            long extra = Long.MAX_VALUE;
            while (System.nanoTime() - Math.min(deadline, extra) < 0) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (records.size() >= expected && extra == Long.MAX_VALUE) {
                    extra = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
            if (records.size() < expected) {
                throw new AssertionError("after " + timeout + " only " + records.size() + " of " + expected
                        + " records were committed to " + topic + ": " + records.stream()
                        .map(r -> r.key() + " -> " + new String(r.value(), StandardCharsets.UTF_8))
                        .toList());
            }
            return records;
        }
    }
}
