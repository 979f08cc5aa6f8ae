package io.assetalerts.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** The small parsers of the bench: durations, topic specs, Kafka's tool output, percentiles, metric ids. */
class ParsingTest {

    @Test
    void durations() {
        assertThat(Durations.parse("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("2min")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Durations.parse("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void topicSpecsKeepEverything() {
        NewTopic telemetry = BenchKafka.parseTopic("telemetry.events:12");
        assertThat(telemetry.numPartitions()).isEqualTo(12);
        assertThat(telemetry.configs()).containsEntry("retention.ms", "-1").doesNotContainKey("cleanup.policy");
        assertThat(BenchKafka.parseTopic("asset.events:1:compact").configs()).containsEntry("cleanup.policy", "compact");
        assertThatThrownBy(() -> BenchKafka.parseTopic("x:0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchKafka.parseTopic("x:1:delete")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void consumerPerformanceResultLine() {
        var stats = ConsumerPerfCommand.parse("""
                start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
                2026-12-01 20:02:52:794, 2026-12-01 20:03:55:429, 15.7023, 0.2507, 83600, 1334.7170, 808, 61827, 0.2540, 1352.1601
                """);
        assertThat(stats).containsEntry("data.consumed.in.nMsg", "83600").containsEntry("fetch.nMsg.sec", "1352.1601");
    }

    @Test
    void nearestRankPercentiles() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(LatencyCommand.percentile(sorted, 0.5)).isEqualTo(5);
        assertThat(LatencyCommand.percentile(sorted, 0.99)).isEqualTo(10);
        assertThat(LatencyCommand.percentile(sorted, 0)).isEqualTo(1);
        assertThat(LatencyCommand.percentile(new double[0], 0.5)).isNaN();
    }

    @Test
    void theSourceOperatorsRecordCount() {
        assertThat(SourceCounter.sourceMetric(List.of("numRecordsOut", "Reject_invalid_telemetry.numRecordsOut",
                "Source__Kafka:_telemetry_events.numRecordsOut", "Source__Kafka:_telemetry_events.numRecordsIn")))
                .isEqualTo("Source__Kafka:_telemetry_events.numRecordsOut");
        assertThat(SourceCounter.sourceMetric(List.of("numRecordsOut"))).isNull();
    }
}
