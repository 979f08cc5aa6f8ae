package io.assetalerts.udfs.kafka;

import java.util.Locale;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Supplier;

import io.assetalerts.contracts.kafka.RulesTopic;
import io.assetalerts.schemas.state.Inbound;
import io.assetalerts.udfs.config.Flags.StartingOffsets;
import io.assetalerts.udfs.config.InvalidFlagException;
import io.assetalerts.udfs.config.JobSettings;
import io.assetalerts.udfs.kafka.InboundDeserializer.Contract;
import io.assetalerts.udfs.rules.RuleSnapshot;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the jobs' Kafka sources and sinks from their settings, the same way for every topic: bytes in and
 * out, the contract JSON handled by the codec, client properties from {@code --kafka.*} passed through.
 */
public final class KafkaConnectors {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnectors.class);

    /**
     * The rules topic read to its end at submission ({@link RulesTopic}): what the alert job applies before it judges
     * any reading. A broker that does not answer or a topic that does not exist stops the submission with one line
     * naming the flag.
     */
    public static RuleSnapshot rulesSnapshot(JobSettings job, String topic, Duration timeout) {
        Properties props = new Properties();
        props.putAll(job.kafkaProperties());
        props.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, job.groupId() + "-rules-snapshot");
        RulesTopic.Contents contents;
        try {
            contents = RulesTopic.read(job.bootstrapServers(), props, topic, timeout);
        } catch (RulesTopic.UnreadableException e) {
            throw new InvalidFlagException(e.flag(), e.problem());
        }
        LOG.info("Read {} rule records of '{}' up to offsets {} ({} invalid, dead-lettered when the job reads them)",
                contents.changes().size(), topic, contents.endOffsets(), contents.rejected().size());
        return new RuleSnapshot(contents.changes(), contents.endOffsets());
    }

    private KafkaConnectors() {
    }

    /**
     * A source of event records, starting at {@code --starting-offsets} when the job has no state. Offsets are
     * committed on checkpoints (for lag monitoring); a restart from a checkpoint or savepoint resumes from the
     * source's own state, not from these.
     */
    public static Source<Inbound, ?, ?> source(JobSettings job, String topic, Contract contract) {
        KafkaSource<Inbound> kafka = source(job, topic, contract, job.startingOffsets());
        Duration every = Duration.ofMillis(Math.max(1_000, Math.min(10_000, job.idleness().toMillis() / 3)));
        return new TrackedKafkaSource(kafka, ReaderProgress.checkConsumer(job.kafkaProperties(),
                job.bootstrapServers(), job.groupId() + "-" + topic + "-caught-up-check"), every);
    }

    /**
     * The asset registry source: always read from the beginning of the compacted topic on a fresh start,
     * whatever {@code --starting-offsets} says, so a replay from a timestamp still knows every asset.
     */
    public static KafkaSource<Inbound> registrySource(JobSettings job, String topic) {
        return source(job, topic, Contract.ASSET_REGISTERED, new StartingOffsets(StartingOffsets.Kind.EARLIEST, null));
    }

    /**
     * The registry again, for the evaluator's keyed input (ASSET_SILENT clocks): the same topic and offsets, its own
     * client ids (two readers of one topic in one TaskManager may not share them).
     */
    public static KafkaSource<Inbound> registryKeyedSource(JobSettings job, String topic) {
        return source(job, topic, Contract.ASSET_REGISTERED, new StartingOffsets(StartingOffsets.Kind.EARLIEST, null),
                job.groupId() + "-" + topic + "-keyed");
    }

    /**
     * The rules source: like the registry, always from the beginning of the compacted topic on a fresh start. The
     * job's snapshot of the topic at submission covers what is there already; this delivers what comes after.
     */
    public static KafkaSource<Inbound> rulesSource(JobSettings job, String topic) {
        return source(job, topic, Contract.RULE_SET, new StartingOffsets(StartingOffsets.Kind.EARLIEST, null));
    }

    private static KafkaSource<Inbound> source(JobSettings job, String topic, Contract contract, StartingOffsets start) {
        return source(job, topic, contract, start, job.groupId() + "-" + topic);
    }

    private static KafkaSource<Inbound> source(JobSettings job, String topic, Contract contract, StartingOffsets start,
            String clientIdPrefix) {
        Properties props = new Properties();
        props.putAll(job.kafkaProperties());
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent("partition.discovery.interval.ms", "60000");
        var builder = KafkaSource.<Inbound>builder()
                .setBootstrapServers(job.bootstrapServers())
                .setProperties(props)
                .setTopics(topic)
                .setGroupId(job.groupId())
                .setClientIdPrefix(clientIdPrefix)
                .setStartingOffsets(offsets(start))
                .setDeserializer(new InboundDeserializer(contract, job.jobName(), job.maxFutureSkew()));
        return inRootLocale(builder::build);
    }

    /**
     * KafkaSourceBuilder.build() writes {@code auto.offset.reset} as the reset strategy's name lower-cased in the
     * JVM's default locale: under a Turkish locale "EARLIEST" becomes "earlıest" (dotless i), which every consumer
     * then rejects and the job restarts forever. Found by the time-travel guard (jobs/pom.xml); build in the root
     * locale until the connector lower-cases with Locale.ROOT.
     */
    private static <T> T inRootLocale(Supplier<T> build) {
        Locale previous = Locale.getDefault();
        Locale.setDefault(Locale.ROOT);
        try {
            return build.get();
        } finally {
            Locale.setDefault(previous);
        }
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
     * A sink with the job's delivery guarantee. Exactly-once uses Kafka transactions committed on checkpoints,
     * with transactional ids {@code <--transactional-id-prefix>-<name>}; {@code --transaction-timeout} must stay
     * at or below the broker's {@code transaction.max.timeout.ms} (15 min on a stock broker) and well above the
     * checkpoint interval (checked at start).
     */
    public static <T> KafkaSink<T> sink(JobSettings job, String name, KafkaRecordSerializationSchema<T> serializer) {
        Properties props = new Properties();
        props.putAll(job.kafkaProperties());
        props.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(job.transactionTimeout().toMillis()));
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        return KafkaSink.<T>builder()
                .setBootstrapServers(job.bootstrapServers())
                .setKafkaProducerConfig(props)
                .setDeliveryGuarantee(job.deliveryGuarantee().toFlink())
                .setTransactionalIdPrefix(job.transactionalIdPrefix() + "-" + name)
                .setRecordSerializer(serializer)
                .build();
    }
}
