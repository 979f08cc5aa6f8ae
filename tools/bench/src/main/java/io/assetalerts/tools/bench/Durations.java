package io.assetalerts.tools.bench;

import java.time.Duration;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;

/**
 * The bench's duration flags: Flink's notation ({@code 500ms}, {@code 90s}, {@code 2min}, {@code 1h}, as the jobs
 * read theirs, {@link io.assetalerts.contracts.codec.Durations}), except that a bare number is seconds here, as the
 * scripts write their timeouts.
 */
final class Durations implements ITypeConverter<Duration> {

    private static final Pattern SECONDS = Pattern.compile("\\d+");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        String text = value.trim();
        if (SECONDS.matcher(text).matches()) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        try {
            return io.assetalerts.contracts.codec.Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a duration like 500ms, 90s, 2min or 1h, got '" + value + "'",
                    e);
        }
    }
}
