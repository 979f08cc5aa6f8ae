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
        String bootstrap = flags.requiredString(JobFlags.BOOTSTRAP_SERVERS);
        Properties kafka = flags.kafkaProperties();
        Duration checkpointInterval = flags.positiveDuration(JobFlags.CHECKPOINT_INTERVAL);
        Duration transactionTimeout = flags.positiveDuration(JobFlags.TRANSACTION_TIMEOUT);
        if (transactionTimeout.compareTo(checkpointInterval.multipliedBy(2)) < 0) {
            throw new InvalidFlagException(JobFlags.TRANSACTION_TIMEOUT.key(), "must be at least twice "
                    + "--checkpoint-interval (" + checkpointInterval + "), or transactions abort before their "
                    + "checkpoint completes");
        }
        return new JobSettings(
                jobName,
                bootstrap,
                kafka,
                flags.string(JobFlags.GROUP_ID, jobName),
                flags.startingOffsets(JobFlags.STARTING_OFFSETS),
                flags.choice(JobFlags.DELIVERY_GUARANTEE),
                flags.string(JobFlags.TRANSACTIONAL_ID_PREFIX, jobName),
                transactionTimeout,
                flags.duration(JobFlags.OUT_OF_ORDERNESS),
                flags.positiveDuration(JobFlags.IDLENESS),
                flags.positiveDuration(JobFlags.MAX_FUTURE_SKEW),
                flags.duration(JobFlags.UNKNOWN_ASSET_GRACE),
                flags.positiveInt(JobFlags.UNKNOWN_ASSET_CAP),
                checkpointInterval,
                flags.optionalPositiveInt(JobFlags.PARALLELISM));
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
