package io.assetalerts.udfs.config;

import java.nio.file.Path;
import java.time.Duration;

import io.assetalerts.udfs.rules.RuleBook;
import io.assetalerts.udfs.rules.RuleSettings;

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
    public static final Duration DEFAULT_SILENCE_AFTER = Duration.ofMinutes(10);

    public static AlertJobConfig fromArgs(String... args) {
        Flags flags = Flags.parse(args);
        JobSettings job = JobSettings.read(flags, JOB_NAME);
        AlertJobConfig config = new AlertJobConfig(
                job,
                flags.string("asset-topic", "asset.events"),
                flags.string("telemetry-topic", "telemetry.events"),
                flags.string("alert-topic", "alert.events"),
                flags.string("dlq-topic", JOB_NAME + ".dlq"),
                flags.string("rules-topic", "alert.rules"),
                rules(flags),
                flags.positiveDuration("dedupe-ttl", Duration.ofHours(24)),
                flags.duration("silence-after", DEFAULT_SILENCE_AFTER));
        flags.rejectUnknown();
        return config;
    }

    private static RuleBook rules(Flags flags) {
        RuleSettings base = RuleSettings.SPEC_DEFAULTS;
        try {
            base = base.withCritical(flags.finiteDouble("critical", base.critical()));
            base = base.withWarn(flags.finiteDouble("warn", base.warn()));
            base = base.withWindowSize(flags.positiveDuration("window-size", base.windowSize()));
        } catch (InvalidFlagException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidFlagException("window-size", e.getMessage());
        }
        base = base.withWindowCount(flags.positiveInt("window-count", base.windowCount()));
        String rulesFile = flags.optionalString("rules");
        try {
            return rulesFile == null ? RuleBook.of(base) : RuleBook.load(Path.of(rulesFile), base);
        } catch (IllegalArgumentException e) {
            throw new InvalidFlagException("rules", e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "AlertJobConfig{" + job + ", assetTopic=" + assetTopic + ", telemetryTopic=" + telemetryTopic
                + ", alertTopic=" + alertTopic + ", dlqTopic=" + dlqTopic + ", rulesTopic=" + rulesTopic + ", rules=" + rules
                + ", dedupeTtl=" + dedupeTtl + ", silenceAfter=" + silenceAfter + "}";
    }
}
