package io.assetalerts.udfs.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import io.assetalerts.udfs.config.Flags.StartingOffsets;
import io.assetalerts.udfs.rules.RuleBook;
import io.assetalerts.udfs.rules.RuleSettings;

/**
 * Every setting of the alert job, read from flags (SPEC 6). The defaults are the spec's, so a job started
 * with only {@code --bootstrap-servers} runs the seed's system. This is the one place a flag is named.
 */
public record AlertJobConfig(
        String bootstrapServers,
        Properties kafkaProperties,
        String assetTopic,
        String telemetryTopic,
        String alertTopic,
        String dlqTopic,
        String groupId,
        StartingOffsets startingOffsets,
        DeliveryGuarantee deliveryGuarantee,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        RuleBook rules,
        Duration outOfOrderness,
        Duration idleness,
        Duration dedupeTtl,
        Duration unknownAssetGrace,
        int unknownAssetCap,
        Duration checkpointInterval,
        Integer parallelism) {

    public static final String JOB_NAME = "alert-job";

    public static AlertJobConfig fromArgs(String... args) {
        Flags flags = Flags.parse(args);
        String bootstrap = flags.requiredString("bootstrap-servers");
        Properties kafka = flags.kafkaProperties();
        Duration checkpointInterval = flags.positiveDuration("checkpoint-interval", Duration.ofSeconds(10));
        Duration transactionTimeout = flags.positiveDuration("transaction-timeout", Duration.ofMinutes(10));
        if (transactionTimeout.compareTo(checkpointInterval.multipliedBy(2)) < 0) {
            throw new InvalidFlagException("transaction-timeout", "must be at least twice --checkpoint-interval ("
                    + checkpointInterval + "), or transactions abort before their checkpoint completes");
        }
        RuleSettings base = RuleSettings.SPEC_DEFAULTS;
        try {
            base = base.withCritical(flags.finiteDouble("critical", base.critical()));
            base = base.withWarn(flags.finiteDouble("warn", base.warn()));
            base = base.withWindowSize(flags.positiveDuration("window-size", base.windowSize()));
            base = base.withWindowCount(flags.positiveInt("window-count", base.windowCount()));
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidFlagException) {
                throw e;
            }
            throw new InvalidFlagException("window-size", e.getMessage());
        }
        String rulesFile = flags.optionalString("rules");
        RuleBook rules;
        try {
            rules = rulesFile == null ? RuleBook.of(base) : RuleBook.load(Path.of(rulesFile), base);
        } catch (IllegalArgumentException e) {
            throw new InvalidFlagException("rules", e.getMessage());
        }
        Integer parallelism = flags.optionalString("parallelism") == null ? null : flags.positiveInt("parallelism", 1);
        AlertJobConfig config = new AlertJobConfig(
                bootstrap,
                kafka,
                flags.string("asset-topic", "asset.events"),
                flags.string("telemetry-topic", "telemetry.events"),
                flags.string("alert-topic", "alert.events"),
                flags.string("dlq-topic", "alert-job.dlq"),
                flags.string("group-id", JOB_NAME),
                flags.startingOffsets("starting-offsets", new StartingOffsets(StartingOffsets.Kind.COMMITTED, null)),
                flags.choice("delivery-guarantee", DeliveryGuarantee.class, DeliveryGuarantee.EXACTLY_ONCE),
                flags.string("transactional-id-prefix", JOB_NAME),
                transactionTimeout,
                rules,
                flags.duration("out-of-orderness", Duration.ofSeconds(5)),
                flags.positiveDuration("idleness", Duration.ofSeconds(30)),
                flags.positiveDuration("dedupe-ttl", Duration.ofHours(24)),
                flags.duration("unknown-asset-grace", Duration.ofMinutes(10)),
                flags.positiveInt("unknown-asset-cap", 1000),
                checkpointInterval,
                parallelism);
        flags.rejectUnknown();
        return config;
    }

    /** The configuration as it would be logged: Kafka client properties are not shown (they may hold secrets). */
    @Override
    public String toString() {
        return "AlertJobConfig{bootstrapServers=" + bootstrapServers
                + ", kafkaProperties=" + kafkaProperties.stringPropertyNames()
                + ", assetTopic=" + assetTopic + ", telemetryTopic=" + telemetryTopic
                + ", alertTopic=" + alertTopic + ", dlqTopic=" + dlqTopic + ", groupId=" + groupId
                + ", startingOffsets=" + startingOffsets + ", deliveryGuarantee=" + deliveryGuarantee
                + ", transactionalIdPrefix=" + transactionalIdPrefix + ", transactionTimeout=" + transactionTimeout
                + ", rules=" + rules + ", outOfOrderness=" + outOfOrderness + ", idleness=" + idleness
                + ", dedupeTtl=" + dedupeTtl + ", unknownAssetGrace=" + unknownAssetGrace
                + ", unknownAssetCap=" + unknownAssetCap + ", checkpointInterval=" + checkpointInterval
                + ", parallelism=" + parallelism + "}";
    }
}
