package io.assetalerts.tools.bench.job;

import java.util.concurrent.Callable;

import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.contracts.codec.Decoded;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The bench's bare reader: Kafka source of raw values → {@link EventJson#decodeTelemetryReceived} → discard, one
 * chain, no keyBy, no state. It measures what reading and parsing the topic costs in Flink on this cluster, the
 * floor under any job that reads it; the alert job's records/s against this one's says what the rest costs. The
 * source uses the jobs' consumer settings (read_committed). Records the codec rejects are counted in the
 * {@code parseRejected} metric (0 for a bench fill).
 */
@Command(name = "read-parse-job", mixinStandardHelpOptions = true)
public final class ReadParseJob implements Callable<Integer> {

    public static final String JOB_NAME = "bench-read-parse";

    @Option(names = "--bootstrap-servers", required = true)
    String bootstrap;

    @Option(names = "--topic", defaultValue = "telemetry.events")
    String topic;

    @Option(names = "--group-id", defaultValue = JOB_NAME)
    String groupId;

    @Option(names = "--parallelism", defaultValue = "2")
    int parallelism;

    public static void main(String[] args) {
        int code = new CommandLine(new ReadParseJob()).execute(args);
        if (code != 0) {
            throw new IllegalStateException(JOB_NAME + " failed to start (exit code " + code + ")");
        }
    }

    @Override
    public Integer call() throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        KafkaSource<byte[]> source = KafkaSource.<byte[]>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topic)
                .setGroupId(groupId)
                .setClientIdPrefix(groupId)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setProperty("isolation.level", "read_committed")
                .setDeserializer(KafkaRecordDeserializationSchema.valueOnly(ByteArrayDeserializer.class))
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "Kafka: " + topic)
                .uid("bench-source")
                .map(new Parse(), Types.BOOLEAN)
                .uid("bench-parse").name("Parse TelemetryReceived (EventJson)")
                .sinkTo(new DiscardingSink<>())
                .uid("bench-discard").name("Discard");
        env.execute(JOB_NAME);
        return 0;
    }

    /** Parses one value with the jobs' codec; emits whether it was valid, counts the rejected ones. */
    static final class Parse extends RichMapFunction<byte[], Boolean> {
        private transient Counter rejected;

        @Override
        public void open(OpenContext openContext) {
            rejected = getRuntimeContext().getMetricGroup().counter("parseRejected");
        }

        @Override
        public Boolean map(byte[] value) {
            Decoded<TelemetryReceived> decoded = EventJson.decodeTelemetryReceived(value);
            if (!decoded.isOk()) {
                rejected.inc();
            }
            return decoded.isOk();
        }
    }
}
