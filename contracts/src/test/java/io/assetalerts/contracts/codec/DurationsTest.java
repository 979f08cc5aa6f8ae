package io.assetalerts.contracts.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Durations reads what Flink's TimeUtils reads, to the nanosecond, and rejects what it rejects. */
class DurationsTest {

    static List<String> texts() {
        List<String> texts = new ArrayList<>(List.of(
                "0", "1000", " 5 s ", "1min", "1 MIN", "30s", "1 d", "2 hours", "PT1M", "PT0.5S", "P1D", "pt1m",
                "", "   ", "min", "s5", "-1s", "-PT1S", "1.5 s", "1 s x", "1 fortnight", "1e3s", "1 ds", "3 mins", "3 hs",
                "99999999999999999999 s", "9223372036854775807 d", "9223372036854775807 ns", "9223372036854775807",
                "1\ts", "1 µs", "1 Μs", "7 NS", "+1s", "１s"));
        for (String label : List.of("d", "day", "days", "h", "hour", "hours", "min", "m", "minute", "minutes", "s", "sec",
                "secs", "second", "seconds", "ms", "milli", "millis", "millisecond", "milliseconds", "µs", "micro",
                "micros", "microsecond", "microseconds", "ns", "nano", "nanos", "nanosecond", "nanoseconds", "mss", "hr")) {
            texts.add("3 " + label);
            texts.add("12" + label);
        }
        return texts;
    }

    @ParameterizedTest
    @MethodSource("texts")
    void agreesWithFlink(String text) {
        Duration flink;
        try {
            flink = TimeUtils.parseDuration(text);
        } catch (RuntimeException e) {
            assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        assertThat(Durations.parse(text)).isEqualTo(flink);
    }
}
