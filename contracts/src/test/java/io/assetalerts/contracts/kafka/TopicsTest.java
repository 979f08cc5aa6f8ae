package io.assetalerts.contracts.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void theLayoutNamesEveryTopicOfTheSystem() {
        List<NewTopic> layout = Topics.parseList(Topics.LAYOUT, (short) 1);
        assertThat(layout).extracting(NewTopic::name).containsExactly("asset.events", "alert.rules", "telemetry.raw",
                "telemetry.events", "alert.events", "alert-job.dlq", "telemetry-ingest.dlq");
        assertThat(layout.get(3).numPartitions()).isEqualTo(12);
        assertThat(layout.get(0).configs()).containsEntry("cleanup.policy", "compact")
                .containsEntry("min.compaction.lag.ms", Topics.MIN_COMPACTION_LAG_MS);
        assertThat(layout.get(3).configs()).isNullOrEmpty();
    }

    @Test
    void aSpecOtherThanNamePartitionsCompactIsRefusedWithItsText() {
        for (String bad : List.of("x", "x:0", "x:-1", "x:two", ":3", "x:1:delete", "x:1:compact:more")) {
            assertThatThrownBy(() -> Topics.parse(bad, (short) 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("expected NAME:PARTITIONS[:compact], got '" + bad + "'");
        }
        assertThat(Topics.parse(" t:2 ", (short) 3).replicationFactor()).isEqualTo((short) 3);
    }
}
