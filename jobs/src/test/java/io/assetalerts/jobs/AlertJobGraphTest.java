package io.assetalerts.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.assetalerts.udfs.config.AlertJobConfig;
import io.assetalerts.udfs.rules.RuleSnapshot;
import io.assetalerts.udfs.savepoint.Uids;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The savepoint promise of SPEC 7 rests on stable uids and on serializers that are not Kryo. */
class AlertJobGraphTest {

    private static StreamGraph graph() {
        return graph("alert-job");
    }

    private static StreamGraph graph(String job, String... flags) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", "127.0.0.1:1"));
        args.addAll(List.of(flags));
        StreamExecutionEnvironment env = job.equals("alert-job")
                ? AlertJob.prepare(AlertJobConfig.fromArgs(args.toArray(String[]::new)), RuleSnapshot.EMPTY)
                : TelemetryIngestJob.prepare(args.toArray(String[]::new));
        return env.getStreamGraph(false);
    }

    private static List<String> uids(StreamGraph graph) {
        return graph.getStreamNodes().stream().map(StreamNode::getTransformationUID).sorted().toList();
    }

    /** Issue 12: a savepoint must restore under any rules, so no rule may add, drop or rename an operator. */
    @Test
    void theGraphIsTheSameUnderAnyRules(@TempDir Path dir) throws Exception {
        Path threeCounts = dir.resolve("rules.yaml");
        Files.writeString(threeCounts, """
                assetTypes:
                  PUMP: {windows: 2}
                  COMPRESSOR: {windows: 5, window: 30s}
                """);
        assertThat(uids(graph("alert-job", "--rules", threeCounts.toString())))
                .isEqualTo(uids(graph("alert-job", "--window-count", "1")))
                .isEqualTo(uids(graph()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alert-job", "telemetry-ingest"})
    void everyOperatorOfEveryJobHasItsOwnUidAndAReadableName(String job) {
        List<String> uids = new ArrayList<>();
        for (StreamNode node : graph(job).getStreamNodes()) {
            assertThat(node.getTransformationUID()).as("uid of '%s'", node.getOperatorName()).isNotBlank();
            assertThat(node.getOperatorName()).as("name of %s", node.getTransformationUID())
                    .doesNotContain("Process").doesNotContain("Map");
            uids.add(node.getTransformationUID());
        }
        assertThat(uids).doesNotHaveDuplicates().contains(Uids.ASSET_SOURCE, Uids.DEAD_LETTER_SINK);
    }

    @Test
    void alertJobUidsAreTheSavepointContract() {
        List<String> uids = graph().getStreamNodes().stream().map(StreamNode::getTransformationUID).toList();
        assertThat(uids).contains(Uids.ASSET_SOURCE, Uids.ASSET_VALIDATION, Uids.TELEMETRY_SOURCE,
                Uids.TELEMETRY_VALIDATION, Uids.DEDUPE, Uids.EVALUATOR, Uids.LEGACY_THRESHOLD_RULE, Uids.LEGACY_WINDOW_SUMMARIES,
                Uids.RULES_SOURCE, Uids.RULES_VALIDATION, Uids.ASSETS_TO_EVALUATOR, Uids.SUSTAINED_OVERHEAT_RULE,
                Uids.ALERT_SINK, Uids.DEAD_LETTER_COUNT, Uids.DEAD_LETTER_SINK);
        assertThat(Uids.SUSTAINED_OVERHEAT_RULE).as("the first release's default-count CEP operator")
                .isEqualTo("rule-sustained-overheat-n3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"alert-job", "telemetry-ingest"})
    void noRecordOrStateTypeFallsBackToKryo(String job) {
        StreamGraph graph = graph(job);
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
