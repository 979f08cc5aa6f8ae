package io.assetalerts.udfs.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.assetalerts.schemas.state.RuleChange;
import io.assetalerts.contracts.codec.Decoded;
import io.assetalerts.udfs.config.InvalidFlagException;
import io.assetalerts.udfs.config.JobSettings;
import io.assetalerts.contracts.codec.RuleRecords;
import io.assetalerts.udfs.rules.RuleSnapshot;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole rules topic once, from its beginning to its end as it is now. It is small (one record per scope
 * after compaction). The alert job does this at submission ({@link RuleSnapshot}), which also checks before the job is
 * submitted that the topic exists and the broker answers, so a wrong {@code --rules-topic} or
 * {@code --bootstrap-servers} fails {@code flink run} with one line; the {@code rules list} tool does it to show what
 * is in force.
 */
public final class RulesTopic {

    private static final Logger LOG = LoggerFactory.getLogger(RulesTopic.class);

    private RulesTopic() {
    }

    /** The topic's valid records in log order (per partition), the rejected ones' messages, the end offsets. */
    public record Contents(List<RuleChange> changes, List<String> rejected, Map<Integer, Long> endOffsets) {
    }

    /** What the alert job applies before it judges any reading. */
    public static RuleSnapshot snapshot(JobSettings job, String topic, Duration timeout) {
        Properties props = new Properties();
        props.putAll(job.kafkaProperties());
        props.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, job.groupId() + "-rules-snapshot");
        Contents contents = read(job.bootstrapServers(), props, topic, timeout);
        LOG.info("Read {} rule records of '{}' up to offsets {} ({} invalid, dead-lettered when the job reads them)",
                contents.changes().size(), topic, contents.endOffsets(), contents.rejected().size());
        return new RuleSnapshot(contents.changes(), contents.endOffsets());
    }

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
                throw new InvalidFlagException("bootstrap-servers", "no answer from '" + bootstrapServers
                        + "' within " + timeout + " while reading --rules-topic '" + topic + "'");
            }
            if (infos == null || infos.isEmpty()) {
                throw new InvalidFlagException("rules-topic", "topic '" + topic + "' does not exist on "
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
                    throw new InvalidFlagException("rules-topic", "could not read topic '" + topic + "' to its end"
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
