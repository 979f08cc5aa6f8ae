package io.assetalerts.udfs.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.assetalerts.schemas.state.Inbound;
import io.assetalerts.schemas.state.RuleChange;
import io.assetalerts.udfs.config.InvalidFlagException;
import io.assetalerts.udfs.config.JobSettings;
import io.assetalerts.udfs.kafka.InboundDeserializer.Contract;
import io.assetalerts.udfs.rules.RuleSnapshot;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole rules topic once, at submission ({@link RuleSnapshot}). It is small (one record per scope after
 * compaction), and reading it here also checks, before the job is submitted, that the topic exists and the broker
 * answers: a wrong {@code --rules-topic} or {@code --bootstrap-servers} fails {@code flink run} with one line.
 */
public final class RulesTopic {

    private static final Logger LOG = LoggerFactory.getLogger(RulesTopic.class);

    private RulesTopic() {
    }

    public static RuleSnapshot snapshot(JobSettings job, String topic, Duration timeout) {
        Properties props = new Properties();
        props.putAll(job.kafkaProperties());
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, job.bootstrapServers());
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, job.groupId() + "-rules-snapshot");
        props.setProperty(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, timeout);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new InvalidFlagException("bootstrap-servers", "no answer from '" + job.bootstrapServers()
                        + "' within " + timeout + " while reading --rules-topic '" + topic + "'");
            }
            if (infos == null || infos.isEmpty()) {
                throw new InvalidFlagException("rules-topic", "topic '" + topic + "' does not exist on "
                        + job.bootstrapServers() + "; create it (compacted, see create-topics)");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            InboundDeserializer decoder = new InboundDeserializer(Contract.RULE_SET, job.jobName(), job.maxFutureSkew());
            List<RuleChange> changes = new ArrayList<>();
            int rejected = 0;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new InvalidFlagException("rules-topic", "could not read topic '" + topic + "' to its end"
                            + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() >= ends.get(new TopicPartition(topic, record.partition()))) {
                        continue;
                    }
                    List<Inbound> decoded = new ArrayList<>(1);
                    decoder.deserialize(record, collector(decoded));
                    if (decoded.get(0).getRule() != null) {
                        changes.add(decoded.get(0).getRule());
                    } else {
                        rejected++;
                    }
                }
            }
            Map<Integer, Long> endOffsets = new HashMap<>();
            ends.forEach((tp, end) -> endOffsets.put(tp.partition(), end));
            LOG.info("Read {} rule records of '{}' up to offsets {} ({} invalid, dead-lettered as the job reads them)",
                    changes.size(), topic, endOffsets, rejected);
            // the job's records must be in log order within a partition; partitions are independent (one scope each)
            changes.sort(java.util.Comparator.comparingInt(RuleChange::getPartition).thenComparingLong(RuleChange::getOffset));
            return new RuleSnapshot(changes, endOffsets);
        }
    }

    private static Collector<Inbound> collector(List<Inbound> into) {
        return new Collector<>() {
            @Override
            public void collect(Inbound record) {
                into.add(record);
            }

            @Override
            public void close() {
            }
        };
    }
}
