package io.assetalerts.udfs.config;

import java.time.Duration;
import java.util.Properties;

import io.assetalerts.udfs.config.Flags.StartingOffsets;

/**
 * The settings every job of the project shares (SPEC 6): Kafka connection and client properties, consumer
 * group and starting offsets, delivery guarantee and transactions, event time, the hold for readings of
 * unknown assets, checkpointing and parallelism. Each job's config adds its topics and its own settings.
 */
public record JobSettings(
        String jobName,
        String bootstrapServers,
        Properties kafkaProperties,
        String groupId,
        StartingOffsets startingOffsets,
        DeliveryGuarantee deliveryGuarantee,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        Duration outOfOrderness,
        Duration idleness,
        Duration maxFutureSkew,
        Duration unknownAssetGrace,
        int unknownAssetCap,
        Duration checkpointInterval,
        Integer parallelism) {

    /** Reads the shared flags; defaults are the spec's, group id and transactional id prefix are the job's name. */
    public static JobSettings read(Flags flags, String jobName) {
        String bootstrap = flags.requiredString("bootstrap-servers");
        Properties kafka = flags.kafkaProperties();
        Duration checkpointInterval = flags.positiveDuration("checkpoint-interval", Duration.ofSeconds(10));
        Duration transactionTimeout = flags.positiveDuration("transaction-timeout", Duration.ofMinutes(10));
        if (transactionTimeout.compareTo(checkpointInterval.multipliedBy(2)) < 0) {
            throw new InvalidFlagException("transaction-timeout", "must be at least twice --checkpoint-interval ("
                    + checkpointInterval + "), or transactions abort before their checkpoint completes");
        }
        Integer parallelism = flags.optionalString("parallelism") == null ? null : flags.positiveInt("parallelism", 1);
        return new JobSettings(
                jobName,
                bootstrap,
                kafka,
                flags.string("group-id", jobName),
                flags.startingOffsets("starting-offsets", new StartingOffsets(StartingOffsets.Kind.COMMITTED, null)),
                flags.choice("delivery-guarantee", DeliveryGuarantee.class, DeliveryGuarantee.EXACTLY_ONCE),
                flags.string("transactional-id-prefix", jobName),
                transactionTimeout,
                flags.duration("out-of-orderness", Duration.ofSeconds(5)),
                flags.positiveDuration("idleness", Duration.ofSeconds(30)),
                flags.positiveDuration("max-future-skew", Duration.ofHours(1)),
                flags.duration("unknown-asset-grace", Duration.ofMinutes(10)),
                flags.positiveInt("unknown-asset-cap", 1000),
                checkpointInterval,
                parallelism);
    }

    /** The settings as they may be logged: Kafka client property values are left out (they may hold secrets). */
    @Override
    public String toString() {
        return "jobName=" + jobName + ", bootstrapServers=" + bootstrapServers
                + ", kafkaProperties=" + kafkaProperties.stringPropertyNames() + ", groupId=" + groupId
                + ", startingOffsets=" + startingOffsets + ", deliveryGuarantee=" + deliveryGuarantee
                + ", transactionalIdPrefix=" + transactionalIdPrefix + ", transactionTimeout=" + transactionTimeout
                + ", outOfOrderness=" + outOfOrderness + ", idleness=" + idleness + ", maxFutureSkew=" + maxFutureSkew
                + ", unknownAssetGrace=" + unknownAssetGrace + ", unknownAssetCap=" + unknownAssetCap
                + ", checkpointInterval=" + checkpointInterval + ", parallelism=" + parallelism;
    }
}
