package io.assetalerts.contracts.codec;

import java.math.BigInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;

/**
 * Durations in Flink's notation ({@code 500ms}, {@code 30 s}, {@code 1 min}, {@code 2 days}, or ISO-8601 such as
 * {@code PT1M}), which the rules contract uses, read without Flink on the classpath. It accepts exactly what
 * {@code org.apache.flink.util.TimeUtils.parseDuration} accepts and gives the same values; DurationsTest holds the
 * two side by side, so the rules a job reads and the rules a tool writes or checks cannot disagree.
 */
public final class Durations {

    private static final Map<String, ChronoUnit> UNITS = Map.ofEntries(
            Map.entry("d", ChronoUnit.DAYS), Map.entry("day", ChronoUnit.DAYS), Map.entry("days", ChronoUnit.DAYS),
            Map.entry("h", ChronoUnit.HOURS), Map.entry("hour", ChronoUnit.HOURS), Map.entry("hours", ChronoUnit.HOURS),
            Map.entry("min", ChronoUnit.MINUTES), Map.entry("m", ChronoUnit.MINUTES),
            Map.entry("minute", ChronoUnit.MINUTES), Map.entry("minutes", ChronoUnit.MINUTES),
            Map.entry("s", ChronoUnit.SECONDS), Map.entry("sec", ChronoUnit.SECONDS), Map.entry("secs", ChronoUnit.SECONDS),
            Map.entry("second", ChronoUnit.SECONDS), Map.entry("seconds", ChronoUnit.SECONDS),
            Map.entry("ms", ChronoUnit.MILLIS), Map.entry("milli", ChronoUnit.MILLIS), Map.entry("millis", ChronoUnit.MILLIS),
            Map.entry("millisecond", ChronoUnit.MILLIS), Map.entry("milliseconds", ChronoUnit.MILLIS),
            Map.entry("µs", ChronoUnit.MICROS), Map.entry("micro", ChronoUnit.MICROS), Map.entry("micros", ChronoUnit.MICROS),
            Map.entry("microsecond", ChronoUnit.MICROS), Map.entry("microseconds", ChronoUnit.MICROS),
            Map.entry("ns", ChronoUnit.NANOS), Map.entry("nano", ChronoUnit.NANOS), Map.entry("nanos", ChronoUnit.NANOS),
            Map.entry("nanosecond", ChronoUnit.NANOS), Map.entry("nanoseconds", ChronoUnit.NANOS));

    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    private Durations() {
    }

    /**
     * A whole number and a unit (milliseconds when there is none), or an ISO-8601 duration that is not negative.
     *
     * @throws IllegalArgumentException when the text is none of these or does not fit a {@link Duration}
     */
    public static Duration parse(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("argument is an empty- or whitespace-only string");
        }
        int digits = 0;
        while (digits < trimmed.length() && trimmed.charAt(digits) >= '0' && trimmed.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0) {
            return iso(trimmed);
        }
        String label = trimmed.substring(digits).trim().toLowerCase(Locale.US);
        ChronoUnit unit = label.isEmpty() ? ChronoUnit.MILLIS : UNITS.get(label);
        if (unit == null) {
            throw new IllegalArgumentException("Time interval unit label '" + label + "' does not match any of the"
                    + " recognized units: " + String.join(", ", UNITS.keySet()));
        }
        BigInteger[] secondsAndNanos = new BigInteger(trimmed.substring(0, digits))
                .multiply(BigInteger.valueOf(unit.getDuration().toNanos()))
                .divideAndRemainder(NANOS_PER_SECOND);
        try {
            return Duration.ofSeconds(secondsAndNanos[0].longValueExact()).plusNanos(secondsAndNanos[1].longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("The value '" + trimmed + "' cannot be represented as a duration", e);
        }
    }

    private static Duration iso(String text) {
        Duration duration;
        try {
            duration = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("text does not start with a number or an ISO-8601 duration: " + text, e);
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration is not supported");
        }
        return duration;
    }
}
