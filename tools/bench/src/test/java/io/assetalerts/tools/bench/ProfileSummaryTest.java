package io.assetalerts.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ProfileSummaryTest {

    private static final String JOIN_THREAD = "[Order by event time, join asset registry -> (Rule: X) (1/2)#0 tid=29702]";

    @Test
    void attributesSamplesToTasksOperatorsAndKindsOfWork() {
        var stacks = ProfileSummaryCommand.parse(List.of(
                JOIN_THREAD + ";java/lang/Thread.run_[j];io/assetalerts/udfs/functions/RegistryJoin.processElement_[j];"
                        + "org/apache/flink/state/rocksdb/RocksDBMapState.get_[j];org/rocksdb/RocksDB.get_[j];"
                        + "/tmp/x/rocksdb-lib-abc/librocksdbjni-linux64.so 30",
                JOIN_THREAD + ";java/lang/Thread.run_[j];io/assetalerts/udfs/ordering/OrderReadingsByEventTime.emit_[j];"
                        + "org/apache/avro/generic/GenericDatumWriter.write_[j] 10",
                "[Source Data Fetcher for Source: Kafka: t (1/2)#0 tid=5];java/lang/Thread.run_[j];epoll_wait_[k] 50",
                "[C2 CompilerThre tid=7];Compile 10"));
        var summary = ProfileSummaryCommand.summarise(stacks, 15);
        assertThat(summary.path("samples").asLong()).isEqualTo(100);
        assertThat(summary.path("taskThreadSamples").asLong()).isEqualTo(40);
        assertThat(summary.path("byTask").get(0).path("name").asText())
                .isEqualTo("Order by event time, join asset registry -> (Rule: X)");
        assertThat(summary.path("topSelfFrames").get(0).path("name").asText())
                .isEqualTo("librocksdbjni (RocksDB native code, no symbols)");
        assertThat(summary.path("topSelfFrames").get(0).path("percent").asDouble()).isEqualTo(75.0);
        assertThat(summary.path("byOperator").get(0).path("name").asText())
                .isEqualTo("Order by event time, join asset registry");
        assertThat(summary.path("byOperator").get(0).path("samples").asLong()).isEqualTo(40);
        assertThat(summary.path("byKindOfWork").get(0).path("name").asText()).isEqualTo("RocksDB (native, C++)");
        assertThat(summary.path("rocksDbByCaller").get(0).path("name").asText())
                .isEqualTo("RocksDBMapState.get <- RegistryJoin.processElement");
        assertThat(ProfileSummaryCommand.markdown(summary)).contains("| `RocksDB (native, C++)` | 30 | 75.0 |");
    }

    @Test
    void taskThreadsAreRecognisedByTheirSubtaskSuffix() {
        assertThat(ProfileSummaryCommand.task("Drop duplicate eventIds (2/2)#0")).isEqualTo("Drop duplicate eventIds");
        assertThat(ProfileSummaryCommand.task("Source Data Fetcher for Source: Kafka: t (1/2)#0")).isNull();
        assertThat(ProfileSummaryCommand.task("flink-metrics-4")).isNull();
    }
}
