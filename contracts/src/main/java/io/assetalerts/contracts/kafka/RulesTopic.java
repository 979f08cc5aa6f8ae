package io.assetalerts.contracts.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.assetalerts.contracts.codec.Decoded;
import io.assetalerts.contracts.codec.RuleRecords;
import io.assetalerts.schemas.state.RuleChange;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the whole rules topic once, from its beginning to its end as it is now. It is small (one record per scope
 * after compaction). The alert job does this at submission (its rule snapshot), which also checks before the job is
 * submitted that the topic exists and the broker answers, so a wrong {@code --rules-topic} or
 * {@code --bootstrap-servers} fails {@code flink run} with one line; the {@code rules list} tool does it to show what
 * is in force. Records are decoded as the job decodes them ({@link RuleRecords}).
 */
public final class RulesTopic {

    private RulesTopic() {
    }

    /** The topic's valid records in log order (per partition), the rejected ones' messages, the end offsets. */
    public record Contents(List<RuleChange> changes, List<String> rejected, Map<Integer, Long> endOffsets) {
    }

    /**
     * The topic or the broker cannot be read: {@link #flag()} names the flag to correct ({@code bootstrap-servers} or
     * {@code rules-topic}), {@link #problem()} says what is wrong.
     */
    public static final class UnreadableException extends IllegalArgumentException {
        private final String flag;
        private final String problem;

        UnreadableException(String flag, String problem) {
            super("--" + flag + ": " + problem);
            this.flag = flag;
            this.problem = problem;
        }

        public String flag() {
            return flag;
        }

        public String problem() {
            return problem;
        }
    }

    /**
     * @throws UnreadableException when the broker does not answer, the topic does not exist or cannot be read to its
     *     end within {@code timeout}
     */
    public static Contents read(String bootstrapServers, Properties clientProperties, String topic, Duration timeout) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.setProperty(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, timeout);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new UnreadableException("bootstrap-servers", "no answer from '" + bootstrapServers
                        + "' within " + timeout + " while reading --rules-topic '" + topic + "'");
            }
            if (infos == null || infos.isEmpty()) {
                throw new UnreadableException("rules-topic", "topic '" + topic + "' does not exist on "
                        + bootstrapServers + "; create it (compacted, see create-topics)");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            List<RuleChange> changes = new ArrayList<>();
            List<String> rejected = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new UnreadableException("rules-topic", "could not read topic '" + topic + "' to its end"
                            + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() >= ends.get(new TopicPartition(topic, record.partition()))) {
                        continue;
                    }
                    Decoded<RuleChange> decoded =
                            RuleRecords.decode(record.key(), record.value(), record.partition(), record.offset());
                    if (decoded.isOk()) {
                        changes.add(decoded.value());
                    } else {
                        rejected.add("partition " + record.partition() + " offset " + record.offset() + ": "
                                + decoded.message());
                    }
                }
            }
            changes.sort(Comparator.comparingInt(RuleChange::getPartition).thenComparingLong(RuleChange::getOffset));
            Map<Integer, Long> endOffsets = new HashMap<>();
            ends.forEach((tp, end) -> endOffsets.put(tp.partition(), end));
            return new Contents(changes, rejected, endOffsets);
        }
    }
}
