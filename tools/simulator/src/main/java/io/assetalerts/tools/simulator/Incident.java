package io.assetalerts.tools.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.assetalerts.contracts.codec.Durations;

/**
 * An overheat the simulator injects into one asset's telemetry, starting {@code offset} of event time after
 * the simulation's start time. Written on the command line as {@code ASSET:KIND:OFFSET}, e.g.
 * {@code TURBINE-101:spike:30s}; several are separated by commas.
 *
 * @param assetId the asset that overheats
 * @param kind what the overheat looks like
 * @param offset event time from the start of the simulation to the incident
 */
public record Incident(String assetId, Kind kind, Duration offset) {

    public enum Kind {
        /** A short burst above the critical temperature: the first readings at or after the offset. */
        SPIKE,
        /** A stretch of event time with readings between warn and critical, long enough for N hot windows. */
        SUSTAINED,
        /**
         * The asset sends nothing for {@link #SILENT_LENGTH} of event time (longer than the job's default
         * {@code --silence-after}, 10 min), then reports again: ASSET_SILENT, then its resolve.
         */
        SILENT
    }

    /** How long a silent incident keeps its asset quiet, in event time. */
    public static final Duration SILENT_LENGTH = Duration.ofMinutes(12);

    public static List<Incident> parseList(String value) {
        List<Incident> incidents = new ArrayList<>();
        for (String item : value.split(",")) {
            incidents.add(parse(item.trim()));
        }
        return incidents;
    }

    /** @throws IllegalArgumentException with a message that says which part is wrong */
    public static Incident parse(String value) {
        String[] parts = value.split(":");
        if (parts.length != 3 || parts[0].isBlank()) {
            throw new IllegalArgumentException("expected ASSET:KIND:START_OFFSET like TURBINE-101:spike:30s, got '"
                    + value + "'");
        }
        Kind kind;
        try {
            kind = Kind.valueOf(parts[1].trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("incident kind must be spike, sustained or silent, got '" + parts[1] + "'");
        }
        Duration offset;
        try {
            offset = Durations.parse(parts[2].trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("incident offset must be a duration like 30s or 2 min, got '"
                    + parts[2] + "'");
        }
        if (offset.isNegative()) {
            throw new IllegalArgumentException("incident offset must not be negative, got '" + parts[2] + "'");
        }
        return new Incident(parts[0].trim(), kind, offset);
    }

    @Override
    public String toString() {
        return assetId + ":" + kind.name().toLowerCase(Locale.ROOT) + ":" + format(offset);
    }

    /** In the largest unit that holds the offset whole, as {@code --incident} reads it: {@code 90 s}, {@code 2 min}. */
    static String format(Duration offset) {
        long millis = offset.toMillis();
        String[] labels = {"d", "h", "min", "s"};
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        for (int i = 0; i < labels.length; i++) {
            if (millis != 0 && millis % sizes[i] == 0) {
                return millis / sizes[i] + " " + labels[i];
            }
        }
        return millis + " ms";
    }
}
