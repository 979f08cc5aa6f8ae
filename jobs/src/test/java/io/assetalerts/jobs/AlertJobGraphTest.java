package io.assetalerts.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The savepoint promise of SPEC 7 rests on stable uids and on serializers that are not Kryo. */
class AlertJobGraphTest {

    private static StreamGraph graph() {
        StreamExecutionEnvironment env = AlertJob.prepare("--bootstrap-servers", "127.0.0.1:1");
        return env.getStreamGraph(false);
    }

    @Test
    void everyOperatorHasItsOwnStableUidAndAReadableName() {
        List<String> uids = new ArrayList<>();
        for (StreamNode node : graph().getStreamNodes()) {
            assertThat(node.getTransformationUID()).as("uid of '%s'", node.getOperatorName()).isNotBlank();
            assertThat(node.getOperatorName()).as("name of %s", node.getTransformationUID())
                    .doesNotContain("Process").doesNotContain("Map");
            uids.add(node.getTransformationUID());
        }
        assertThat(uids).doesNotHaveDuplicates().contains(
                Uids.ASSET_SOURCE, Uids.TELEMETRY_SOURCE, Uids.DEDUPE, Uids.REGISTRY_JOIN, Uids.THRESHOLD_RULE,
                Uids.ALERT_SINK, Uids.DEAD_LETTER_SINK);
    }

    @Test
    void noRecordOrStateTypeFallsBackToKryo() {
        StreamGraph graph = graph();
        assertThat(graph.getExecutionConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
        for (StreamNode node : graph.getStreamNodes()) {
            List<TypeSerializer<?>> serializers = new ArrayList<>();
            serializers.add(node.getTypeSerializerOut());
            for (TypeSerializer<?> in : node.getTypeSerializersIn()) {
                serializers.add(in);
            }
            serializers.add(node.getStateKeySerializer());
            serializers.stream().filter(Objects::nonNull).forEach(s ->
                    assertThat(s).as("serializer of '%s'", node.getOperatorName()).isNotInstanceOf(KryoSerializer.class));
        }
    }

    @Test
    void maxParallelismIsFixed() {
        assertThat(graph().getExecutionConfig().getMaxParallelism()).isEqualTo(JobEnvironment.MAX_PARALLELISM);
    }
}
