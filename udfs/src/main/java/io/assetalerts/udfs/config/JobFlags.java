package io.assetalerts.udfs.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.assetalerts.contracts.rules.RuleSettings;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.description.TextElement;
import org.apache.flink.util.TimeUtils;

/**
 * Every flag of the two jobs, declared once as a Flink {@link ConfigOption} (key, type, default, description):
 * {@link Flags} reads the values by these options, {@code --help} prints them ({@link #usage}), and the README's
 * flag table is {@link #markdownTable()} ({@code JobFlagsTest} fails when the README's copy drifts, and when a
 * job reads a flag this table does not declare or declares one it does not read).
 */
public final class JobFlags {

    /** Which job reads a flag. */
    public enum Jobs {
        BOTH, ALERT, INGEST;

        boolean includes(String jobName) {
            return this == BOTH || (this == ALERT) == jobName.equals(AlertJobConfig.JOB_NAME);
        }
    }

    /**
     * A row of the table: the option, the jobs that read it, and how its default reads when it has none of its own
     * (a default that depends on the job, or none at all).
     */
    public record Flag(ConfigOption<?> option, Jobs jobs, String defaultText) {
        String defaultShown() {
            if (defaultText != null) {
                return defaultText;
            }
            return option.hasDefaultValue() ? "`" + format(option.defaultValue()) + "`" : "";
        }
    }

    public static final String HELP = "help";

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("bootstrap-servers")
            .stringType().noDefaultValue().withDescription("Kafka bootstrap servers");
    public static final ConfigOption<String> KAFKA_PROPERTY = ConfigOptions.key(Flags.KAFKA_PREFIX + "<property>")
            .stringType().noDefaultValue().withDescription("any Kafka client property, e.g. `--kafka.security.protocol "
                    + "SASL_SSL`; values are never logged");
    public static final ConfigOption<String> CONFIG = ConfigOptions.key(Flags.CONFIG)
            .stringType().noDefaultValue().withDescription("a properties file with these keys, without `--`; flags "
                    + "on the command line win");
    public static final ConfigOption<String> ASSET_TOPIC = ConfigOptions.key("asset-topic")
            .stringType().defaultValue("asset.events").withDescription("");
    public static final ConfigOption<String> TELEMETRY_TOPIC = ConfigOptions.key("telemetry-topic")
            .stringType().defaultValue("telemetry.events").withDescription("alert job input, ingest job output");
    public static final ConfigOption<String> ALERT_TOPIC = ConfigOptions.key("alert-topic")
            .stringType().defaultValue("alert.events").withDescription("alert job");
    public static final ConfigOption<String> RAW_TOPIC = ConfigOptions.key("raw-topic")
            .stringType().defaultValue("telemetry.raw").withDescription("ingest job");
    public static final ConfigOption<String> DLQ_TOPIC = ConfigOptions.key("dlq-topic")
            .stringType().noDefaultValue().withDescription("");
    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("group-id")
            .stringType().noDefaultValue()
            .withDescription("consumer group (offsets committed on checkpoints, for lag monitoring)");
    public static final ConfigOption<String> STARTING_OFFSETS = ConfigOptions.key("starting-offsets")
            .stringType().defaultValue("committed")
            .withDescription("`earliest`, `latest`, `committed` (earliest when none) or `timestamp:<ISO-8601>`; applies "
                    + "to telemetry when the job starts without state. `asset.events` is always read from the "
                    + "beginning");
    public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE = ConfigOptions.key("delivery-guarantee")
            .enumType(DeliveryGuarantee.class).defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
            .withDescription("or `at-least-once`");
    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key("transactional-id-prefix")
            .stringType().noDefaultValue().withDescription("must be unique per job on a cluster; sinks use "
                    + "`<prefix>-alerts`, `<prefix>-dlq`, `<prefix>-telemetry`");
    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = ConfigOptions.key("transaction-timeout")
            .durationType().defaultValue(Duration.ofMinutes(10)).withDescription("at most the broker's "
                    + "`transaction.max.timeout.ms` (15 min stock), at least 2 × the checkpoint interval");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("checkpoint-interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("also the alert latency under exactly-once");
    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("parallelism")
            .intType().noDefaultValue().withDescription("");
    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ConfigOptions.key("out-of-orderness")
            .durationType().defaultValue(Duration.ofSeconds(5)).withDescription("");
    public static final ConfigOption<Duration> IDLENESS = ConfigOptions.key("idleness")
            .durationType().defaultValue(Duration.ofSeconds(30)).withDescription("a partition without records for "
                    + "this long stops holding event time back, once the job has read everything committed to it");
    public static final ConfigOption<Duration> SILENCE_AFTER = ConfigOptions.key("silence-after")
            .durationType().defaultValue(Duration.ofMinutes(10)).withDescription("alert job; ASSET_SILENT after this "
                    + "long of event time without a reading (`0`: off)");
    public static final ConfigOption<Duration> UNKNOWN_ASSET_GRACE = ConfigOptions.key("unknown-asset-grace")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("event time a reading of an unregistered asset is held");
    public static final ConfigOption<Integer> UNKNOWN_ASSET_CAP = ConfigOptions.key("unknown-asset-cap")
            .intType().defaultValue(1000).withDescription("held readings per asset; beyond it `UNKNOWN_ASSET` at once");
    public static final ConfigOption<Duration> DEDUPE_TTL = ConfigOptions.key("dedupe-ttl")
            .durationType().defaultValue(Duration.ofHours(24)).withDescription("alert job; event time: an eventId is "
                    + "a duplicate of one seen less than this apart");
    public static final ConfigOption<Duration> MAX_FUTURE_SKEW = ConfigOptions.key("max-future-skew")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("a reading stamped further ahead of the wall clock is `FUTURE_TIMESTAMP`");
    public static final ConfigOption<String> RULES = ConfigOptions.key("rules")
            .stringType().noDefaultValue().withDescription("alert job; rules file (version 0), see *Rules*");
    public static final ConfigOption<String> RULES_TOPIC = ConfigOptions.key("rules-topic")
            .stringType().defaultValue("alert.rules").withDescription("alert job; rule versions, read from its "
                    + "beginning (compacted; must exist, else the job stops at start naming it)");
    public static final ConfigOption<Double> CRITICAL = ConfigOptions.key("critical")
            .doubleType().defaultValue(RuleSettings.SPEC_DEFAULTS.critical())
            .withDescription("alert job; TEMPERATURE_THRESHOLD for types the rules file does not name");
    public static final ConfigOption<Double> WARN = ConfigOptions.key("warn")
            .doubleType().defaultValue(RuleSettings.SPEC_DEFAULTS.warn())
            .withDescription("alert job; SUSTAINED_OVERHEAT's average for types the rules file does not name");
    public static final ConfigOption<Duration> WINDOW_SIZE = ConfigOptions.key("window-size")
            .durationType().defaultValue(RuleSettings.SPEC_DEFAULTS.windowSize())
            .withDescription("alert job; SUSTAINED_OVERHEAT's window for types the rules file does not name");
    public static final ConfigOption<Integer> WINDOW_COUNT = ConfigOptions.key("window-count")
            .intType().defaultValue(RuleSettings.SPEC_DEFAULTS.windowCount())
            .withDescription("alert job; SUSTAINED_OVERHEAT's hot windows in a row for types the rules file does not "
                    + "name");

    /** The table, in the order the README shows it. */
    public static final List<Flag> ALL = List.of(
            new Flag(BOOTSTRAP_SERVERS, Jobs.BOTH, "(required)"),
            new Flag(KAFKA_PROPERTY, Jobs.BOTH, null),
            new Flag(CONFIG, Jobs.BOTH, null),
            new Flag(ASSET_TOPIC, Jobs.BOTH, null),
            new Flag(TELEMETRY_TOPIC, Jobs.BOTH, null),
            new Flag(ALERT_TOPIC, Jobs.ALERT, null),
            new Flag(RAW_TOPIC, Jobs.INGEST, null),
            new Flag(DLQ_TOPIC, Jobs.BOTH, "`" + AlertJobConfig.JOB_NAME + ".dlq` / `" + IngestJobConfig.JOB_NAME
                    + ".dlq`"),
            new Flag(GROUP_ID, Jobs.BOTH, "the job name"),
            new Flag(STARTING_OFFSETS, Jobs.BOTH, null),
            new Flag(DELIVERY_GUARANTEE, Jobs.BOTH, null),
            new Flag(TRANSACTIONAL_ID_PREFIX, Jobs.BOTH, "the job name"),
            new Flag(TRANSACTION_TIMEOUT, Jobs.BOTH, null),
            new Flag(CHECKPOINT_INTERVAL, Jobs.BOTH, null),
            new Flag(PARALLELISM, Jobs.BOTH, "the cluster's default"),
            new Flag(OUT_OF_ORDERNESS, Jobs.BOTH, null),
            new Flag(IDLENESS, Jobs.BOTH, null),
            new Flag(SILENCE_AFTER, Jobs.ALERT, null),
            new Flag(UNKNOWN_ASSET_GRACE, Jobs.BOTH, null),
            new Flag(UNKNOWN_ASSET_CAP, Jobs.BOTH, null),
            new Flag(DEDUPE_TTL, Jobs.ALERT, null),
            new Flag(MAX_FUTURE_SKEW, Jobs.BOTH, null),
            new Flag(RULES, Jobs.ALERT, null),
            new Flag(RULES_TOPIC, Jobs.ALERT, null),
            new Flag(CRITICAL, Jobs.ALERT, null),
            new Flag(WARN, Jobs.ALERT, null),
            new Flag(WINDOW_SIZE, Jobs.ALERT, null),
            new Flag(WINDOW_COUNT, Jobs.ALERT, null));

    private JobFlags() {
    }

    /** The flags of one job ({@link AlertJobConfig#JOB_NAME} or {@link IngestJobConfig#JOB_NAME}). */
    public static List<Flag> of(String jobName) {
        return ALL.stream().filter(f -> f.jobs().includes(jobName)).toList();
    }

    /** Whether the command line asks for {@code --help}. */
    public static boolean wantsHelp(String... args) {
        return Arrays.asList(args).contains("--" + HELP);
    }

    /** What {@code --help} prints: one line per flag of the job, its default and what it does. */
    public static String usage(String jobName) {
        List<String> lines = new ArrayList<>();
        lines.add("Usage: flink run <" + jobName + " jar> --bootstrap-servers HOST:PORT [--flag value ...]");
        lines.add("Durations use Flink's notation (500ms, 10s, 5 min). Flags:");
        for (Flag f : of(jobName)) {
            String shown = plain(f.defaultShown());
            String defaultPart = shown.isEmpty() ? "" : f.defaultText() != null ? (shown.startsWith("(") ? shown : "(" + shown + ")") : "default " + shown;
            String description = plain(description(f.option()));
            lines.add(String.format(Locale.ROOT, "  --%-26s %s", f.option().key(),
                    defaultPart.isEmpty() || description.isEmpty() ? defaultPart + description
                            : defaultPart + "; " + description).stripTrailing());
        }
        return String.join(System.lineSeparator(), lines);
    }

    /** The README's flag table. */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| flag | default | |\n|---|---|---|\n");
        for (Flag f : ALL) {
            table.append("| `--").append(f.option().key()).append("` | ").append(f.defaultShown()).append(" | ")
                    .append(description(f.option())).append(" |\n");
        }
        return table.toString();
    }

    static String format(Object value) {
        if (value instanceof Duration d) {
            return TimeUtils.formatWithHighestUnit(d);
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        return String.valueOf(value);
    }

    /** The option's description as written ({@code withDescription(String)} makes one text block). */
    static String description(ConfigOption<?> option) {
        return option.description().getBlocks().stream().map(b -> ((TextElement) b).getFormat())
                .reduce("", String::concat);
    }

    private static String plain(String markdown) {
        return markdown.replace("`", "").replace("*", "");
    }
}
