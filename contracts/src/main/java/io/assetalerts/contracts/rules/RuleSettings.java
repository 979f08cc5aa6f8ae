package io.assetalerts.contracts.rules;

import java.io.Serializable;
import java.time.Duration;

/**
 * The thresholds the rules apply to one asset type (SPEC 4.1), as the {@code --rules} file and flags give them
 * (version 0 of the rules; see {@link RuleVersions}).
 *
 * @param critical TEMPERATURE_THRESHOLD fires on a reading strictly above this (°C)
 * @param warn SUSTAINED_OVERHEAT counts a window as hot when its average is strictly above this (°C)
 * @param windowSize length of the epoch-aligned tumbling windows of SUSTAINED_OVERHEAT
 * @param windowCount how many adjacent hot windows make a SUSTAINED_OVERHEAT episode
 * @param clear a TEMPERATURE_THRESHOLD episode ends once readings stay at or below this; null means {@code critical}
 * @param clearDelay ... for this long of event time; zero: the first such reading ends it
 */
public record RuleSettings(double critical, double warn, Duration windowSize, int windowCount, Double clear,
        Duration clearDelay) implements Serializable {

    public static final RuleSettings SPEC_DEFAULTS = new RuleSettings(100.0, 90.0, Duration.ofMinutes(1), 3);

    /** The most adjacent hot windows SUSTAINED_OVERHEAT may ask for: one CEP pattern serves every count up to it. */
    public static final int MAX_WINDOW_COUNT = io.assetalerts.contracts.codec.EventJson.MAX_WINDOW_COUNT;

    /** Without hysteresis: an episode ends at the first reading at or below {@code critical}. */
    public RuleSettings(double critical, double warn, Duration windowSize, int windowCount) {
        this(critical, warn, windowSize, windowCount, null, Duration.ZERO);
    }

    public RuleSettings {
        if (!Double.isFinite(critical) || !Double.isFinite(warn)) {
            throw new IllegalArgumentException("critical and warn must be finite numbers");
        }
        if (windowSize.toMillis() < 1000 || windowSize.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("window size must be a whole number of seconds, at least 1s, got " + windowSize);
        }
        if (windowCount < 1 || windowCount > MAX_WINDOW_COUNT) {
            throw new IllegalArgumentException("window count must be from 1 to " + MAX_WINDOW_COUNT + ", got " + windowCount);
        }
        if (clear != null && (!Double.isFinite(clear) || clear > critical)) {
            throw new IllegalArgumentException("clear must be a number at or below critical (" + critical + "), got " + clear);
        }
        if (clearDelay.isNegative()) {
            throw new IllegalArgumentException("clear delay must not be negative, got " + clearDelay);
        }
    }

    /** The clear threshold in effect: {@code clear}, or {@code critical} when none is set. */
    public double clearOrCritical() {
        return clear != null ? clear : critical;
    }

    public RuleSettings withCritical(double value) {
        return new RuleSettings(value, warn, windowSize, windowCount, clear, clearDelay);
    }

    public RuleSettings withWarn(double value) {
        return new RuleSettings(critical, value, windowSize, windowCount, clear, clearDelay);
    }

    public RuleSettings withWindowSize(Duration value) {
        return new RuleSettings(critical, warn, value, windowCount, clear, clearDelay);
    }

    public RuleSettings withWindowCount(int value) {
        return new RuleSettings(critical, warn, windowSize, value, clear, clearDelay);
    }

    public RuleSettings withClear(double value) {
        return new RuleSettings(critical, warn, windowSize, windowCount, value, clearDelay);
    }

    public RuleSettings withClearDelay(Duration value) {
        return new RuleSettings(critical, warn, windowSize, windowCount, clear, value);
    }
}
