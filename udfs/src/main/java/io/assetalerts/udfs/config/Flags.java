package io.assetalerts.udfs.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.flink.util.ParameterTool;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;

/**
 * Reads {@code --key value} flags and the optional {@code --config FILE} (a properties file with the same
 * keys; flags win) and turns each value into a typed setting, naming the flag in every error. After all
 * settings are read, {@link #rejectUnknown()} stops the job on a flag nobody asked for, so a typo never
 * silently falls back to a default. Keys starting with {@code kafka.} are passed through to the Kafka clients.
 */
public final class Flags {

    public static final String CONFIG = "config";
    public static final String KAFKA_PREFIX = "kafka.";
    /** What ParameterTool stores for a flag given without a value, taken from ParameterTool itself. */
    private static final String NO_VALUE = ParameterTool.fromArgs(new String[] {"--flag"}).get("flag");

    /** The flags and the config file's keys; its record of what was requested finds the unknown flags. */
    private final ParameterTool values;
    private final Set<String> read = new HashSet<>();

    private Flags(ParameterTool values) {
        this.values = values;
    }

    public static Flags parse(String... args) {
        ParameterTool cli;
        try {
            cli = ParameterTool.fromArgs(args);
        } catch (IllegalArgumentException e) {
            throw new InvalidFlagException("?", "cannot parse the command line: " + e.getMessage());
        }
        Map<String, String> merged = new HashMap<>();
        String configFile = cli.get(CONFIG);
        if (configFile != null) {
            merged.putAll(readConfigFile(configFile));
        }
        merged.putAll(cli.toMap());
        merged.remove(CONFIG);
        for (Map.Entry<String, String> e : merged.entrySet()) {
            if (NO_VALUE.equals(e.getValue())) {
                throw new InvalidFlagException(e.getKey(), "needs a value");
            }
        }
        return new Flags(ParameterTool.fromMap(merged));
    }

    private static Map<String, String> readConfigFile(String file) {
        if (NO_VALUE.equals(file)) {
            throw new InvalidFlagException(CONFIG, "needs a file name");
        }
        Properties props = new Properties();
        try (var reader = Files.newBufferedReader(Path.of(file))) {
            props.load(reader);
        } catch (IOException e) {
            throw new InvalidFlagException(CONFIG, "cannot read '" + file + "': " + e.getMessage());
        }
        Map<String, String> out = new HashMap<>();
        props.stringPropertyNames().forEach(k -> out.put(k.startsWith("--") ? k.substring(2) : k, props.getProperty(k).trim()));
        return out;
    }

    public String requiredString(String flag) {
        String v = raw(flag);
        if (v == null || v.isBlank()) {
            throw new InvalidFlagException(flag, "is required");
        }
        return v.trim();
    }

    public String string(String flag, String defaultValue) {
        String v = raw(flag);
        if (v == null) {
            return defaultValue;
        }
        if (v.isBlank()) {
            throw new InvalidFlagException(flag, "must not be empty");
        }
        return v.trim();
    }

    public String optionalString(String flag) {
        String v = raw(flag);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public Duration duration(String flag, Duration defaultValue) {
        String v = raw(flag);
        if (v == null) {
            return defaultValue;
        }
        Duration d;
        try {
            d = TimeUtils.parseDuration(v);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidFlagException(flag, "expected a duration like 500ms, 10s or 5 min, got '" + v + "'");
        }
        if (d.isNegative()) {
            throw new InvalidFlagException(flag, "must not be negative, got '" + v + "'");
        }
        return d;
    }

    public Duration positiveDuration(String flag, Duration defaultValue) {
        Duration d = duration(flag, defaultValue);
        if (d.isZero()) {
            throw new InvalidFlagException(flag, "must be greater than zero");
        }
        return d;
    }

    public int positiveInt(String flag, int defaultValue) {
        String v = raw(flag);
        if (v == null) {
            return defaultValue;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i > 0) {
                return i;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidFlagException(flag, "expected a positive integer, got '" + v + "'");
    }

    public double finiteDouble(String flag, double defaultValue) {
        String v = raw(flag);
        if (v == null) {
            return defaultValue;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidFlagException(flag, "expected a number, got '" + v + "'");
    }

    public <E extends Enum<E>> E choice(String flag, Class<E> type, E defaultValue) {
        String v = raw(flag);
        if (v == null) {
            return defaultValue;
        }
        String normalised = v.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(normalised)) {
                return e;
            }
        }
        Set<String> allowed = new TreeSet<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new InvalidFlagException(flag, "expected one of " + allowed + ", got '" + v + "'");
    }

    public StartingOffsets startingOffsets(String flag, StartingOffsets defaultValue) {
        String v = raw(flag);
        if (v == null) {
            return defaultValue;
        }
        try {
            return StartingOffsets.parse(v.trim());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new InvalidFlagException(flag,
                    "expected earliest, latest, committed or timestamp:<ISO-8601 instant>, got '" + v + "'");
        }
    }

    // the same readers by the options of JobFlags, which hold each flag's key and default

    public String requiredString(ConfigOption<String> option) {
        return requiredString(option.key());
    }

    public String string(ConfigOption<String> option) {
        return string(option.key(), option.defaultValue());
    }

    /** For an option whose default depends on the job (a name, a topic). */
    public String string(ConfigOption<String> option, String jobDefault) {
        return string(option.key(), jobDefault);
    }

    public String optionalString(ConfigOption<String> option) {
        return optionalString(option.key());
    }

    public Duration duration(ConfigOption<Duration> option) {
        return duration(option.key(), option.defaultValue());
    }

    public Duration positiveDuration(ConfigOption<Duration> option) {
        return positiveDuration(option.key(), option.defaultValue());
    }

    public int positiveInt(ConfigOption<Integer> option) {
        return positiveInt(option.key(), option.defaultValue());
    }

    /** A positive integer, or null when the flag is not given (an option without a default). */
    public Integer optionalPositiveInt(ConfigOption<Integer> option) {
        return optionalString(option.key()) == null ? null : positiveInt(option.key(), 1);
    }

    public double finiteDouble(ConfigOption<Double> option) {
        return finiteDouble(option.key(), option.defaultValue());
    }

    public <E extends Enum<E>> E choice(ConfigOption<E> option) {
        return choice(option.key(), option.defaultValue().getDeclaringClass(), option.defaultValue());
    }

    public StartingOffsets startingOffsets(ConfigOption<String> option) {
        return startingOffsets(option.key(), StartingOffsets.parse(option.defaultValue()));
    }

    /** The keys read so far (for the test that keeps {@link JobFlags} and the jobs' reading of flags equal). */
    Set<String> readKeys() {
        return Set.copyOf(read);
    }

    /** Every {@code kafka.*} key with the prefix removed: client properties such as SASL and SSL settings. */
    public Properties kafkaProperties() {
        Properties props = new Properties();
        for (String key : values.toMap().keySet()) {
            if (key.startsWith(KAFKA_PREFIX) && key.length() > KAFKA_PREFIX.length()) {
                props.setProperty(key.substring(KAFKA_PREFIX.length()), raw(key));
            }
        }
        return props;
    }

    /** Stops the job when a flag was given that no setting reads: a typo must not fall back to a default. */
    public void rejectUnknown() {
        Set<String> unknown = new TreeSet<>(values.getUnrequestedParameters());
        if (!unknown.isEmpty()) {
            throw new InvalidFlagException(unknown.iterator().next(), "unknown flag"
                    + (unknown.size() > 1 ? " (also unknown: " + String.join(", ", unknown) + ")" : ""));
        }
    }

    private String raw(String flag) {
        read.add(flag);
        return values.get(flag);
    }

    /** Where the telemetry sources start when the job has no state to resume from. */
    public record StartingOffsets(Kind kind, Instant timestamp) {
        public enum Kind { EARLIEST, LATEST, COMMITTED, TIMESTAMP }

        public static StartingOffsets parse(String value) {
            if (value.startsWith("timestamp:")) {
                return new StartingOffsets(Kind.TIMESTAMP, Instant.parse(value.substring("timestamp:".length()).trim()));
            }
            return new StartingOffsets(Kind.valueOf(value.toUpperCase(Locale.ROOT)), null);
        }

        @Override
        public String toString() {
            return kind == Kind.TIMESTAMP ? "timestamp:" + timestamp : kind.name().toLowerCase(Locale.ROOT);
        }
    }
}
