package io.assetalerts.udfs.config;

import java.nio.file.Path;
import java.time.Duration;

import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.rules.RuleSettings;

/**
 * Every setting of the alert job, read from flags (SPEC 6): the shared {@link JobSettings}, its topics, the
 * rules and the dedupe TTL. The defaults are the spec's, so a job started with only
 * {@code --bootstrap-servers} runs the seed's system.
 */
public record AlertJobConfig(
        JobSettings job,
        String assetTopic,
        String telemetryTopic,
        String alertTopic,
        String dlqTopic,
        String rulesTopic,
        RuleBook rules,
        Duration dedupeTtl,
        Duration silenceAfter) {

    public static final String JOB_NAME = "alert-job";

    /** ASSET_SILENT: a registered asset with no reading for this long of event time (0 switches it off). */
    public static final Duration DEFAULT_SILENCE_AFTER = JobFlags.SILENCE_AFTER.defaultValue();

    public static AlertJobConfig fromArgs(String... args) {
        Flags flags = Flags.parse(args);
        AlertJobConfig config = read(flags);
        flags.rejectUnknown();
        return config;
    }

    /** Reads every flag of {@link JobFlags#of} this job, by its option. */
    static AlertJobConfig read(Flags flags) {
        return new AlertJobConfig(
                JobSettings.read(flags, JOB_NAME),
                flags.string(JobFlags.ASSET_TOPIC),
                flags.string(JobFlags.TELEMETRY_TOPIC),
                flags.string(JobFlags.ALERT_TOPIC),
                flags.string(JobFlags.DLQ_TOPIC, JOB_NAME + ".dlq"),
                flags.string(JobFlags.RULES_TOPIC),
                rules(flags),
                flags.positiveDuration(JobFlags.DEDUPE_TTL),
                flags.duration(JobFlags.SILENCE_AFTER));
    }

    private static RuleBook rules(Flags flags) {
        RuleSettings base = RuleSettings.SPEC_DEFAULTS;
        try {
            base = base.withCritical(flags.finiteDouble(JobFlags.CRITICAL));
            base = base.withWarn(flags.finiteDouble(JobFlags.WARN));
            base = base.withWindowSize(flags.positiveDuration(JobFlags.WINDOW_SIZE));
        } catch (InvalidFlagException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidFlagException(JobFlags.WINDOW_SIZE.key(), e.getMessage());
        }
        base = base.withWindowCount(flags.positiveInt(JobFlags.WINDOW_COUNT));
        String rulesFile = flags.optionalString(JobFlags.RULES);
        try {
            return rulesFile == null ? RuleBook.of(base) : RuleBook.load(Path.of(rulesFile), base);
        } catch (IllegalArgumentException e) {
            throw new InvalidFlagException(JobFlags.RULES.key(), e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "AlertJobConfig{" + job + ", assetTopic=" + assetTopic + ", telemetryTopic=" + telemetryTopic
                + ", alertTopic=" + alertTopic + ", dlqTopic=" + dlqTopic + ", rulesTopic=" + rulesTopic + ", rules=" + rules
                + ", dedupeTtl=" + dedupeTtl + ", silenceAfter=" + silenceAfter + "}";
    }
}
