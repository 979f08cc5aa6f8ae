package io.assetalerts.jobs;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.state.Inbound;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.udfs.config.AlertJobConfig;
import io.assetalerts.udfs.config.JobSettings;
import io.assetalerts.udfs.functions.DeadLetterOutput;
import io.assetalerts.udfs.functions.AssetEvaluator;
import io.assetalerts.udfs.functions.DropDuplicateReadings;
import io.assetalerts.udfs.functions.LegacyStateCarrier;
import io.assetalerts.udfs.functions.SustainedOverheatMatch;
import io.assetalerts.udfs.kafka.InboundDeserializer.Contract;
import io.assetalerts.udfs.kafka.JsonRecordSerializer;
import io.assetalerts.udfs.kafka.KafkaConnectors;
import io.assetalerts.udfs.rules.RuleBook;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.cep.CEP;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.core.execution.JobClient;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert job (SPEC 4): asset registrations become broadcast state, telemetry is keyed by assetId,
 * deduplicated, put in event-time order and joined with the registry, the rules raise alerts, and alerts
 * go exactly-once to {@code alert.events}; every rejected record goes to {@code alert-job.dlq}.
 */
public final class AlertJob {

    private static final Logger LOG = LoggerFactory.getLogger(AlertJob.class);

    private AlertJob() {
    }

    public static void main(String[] args) throws Exception {
        prepare(args).execute(AlertJobConfig.JOB_NAME);
    }

    /** Starts the job without waiting for it: the path integration tests take through {@link #prepare}. */
    public static JobClient start(String... args) throws Exception {
        return prepare(args).executeAsync(AlertJobConfig.JOB_NAME);
    }

    /** Parses the flags and wires the job onto a configured environment, with Kafka sources and sinks. */
    public static StreamExecutionEnvironment prepare(String... args) {
        AlertJobConfig config = AlertJobConfig.fromArgs(args);
        LOG.info("Starting {} with {}", AlertJobConfig.JOB_NAME, config);
        JobSettings job = config.job();
        StreamExecutionEnvironment env = JobEnvironment.create(job);
        buildPipeline(env, config,
                KafkaConnectors.registrySource(job, config.assetTopic()),
                KafkaConnectors.source(job, config.telemetryTopic(), Contract.TELEMETRY_RECEIVED),
                KafkaConnectors.sink(job, "alerts", JsonRecordSerializer.alerts(config.alertTopic())),
                KafkaConnectors.sink(job, "dlq", JsonRecordSerializer.deadLetters(config.dlqTopic())));
        return env;
    }

    /**
     * The wiring of SPEC 4, top to bottom: sources, validation, dedupe, registry join (event-time order),
     * the two rules, sinks. CEP runs in processing-time mode on purpose: its input, one summary per closed
     * window, already arrives in event-time order per asset, and event time was settled upstream.
     */
    public static void buildPipeline(StreamExecutionEnvironment env, AlertJobConfig config,
            Source<Inbound, ?, ?> assetSource, Source<Inbound, ?, ?> telemetrySource,
            Sink<AlertTriggered> alertSink, Sink<DeadLetter> deadLetterSink) {
        String job = AlertJobConfig.JOB_NAME;

        SingleOutputStreamOperator<AssetRegistered> assets =
                SharedWiring.registrations(env, assetSource, config.assetTopic());
        SingleOutputStreamOperator<Reading> telemetry = SharedWiring.readings(env, telemetrySource,
                config.telemetryTopic(), config.job().outOfOrderness(), config.job().idleness(),
                Uids.TELEMETRY_SOURCE, Uids.TELEMETRY_VALIDATION, "Reject invalid telemetry");

        AvroType<Reading> readingType = AvroType.forRecord(Reading.class);
        SingleOutputStreamOperator<Reading> unique = telemetry
                .keyBy(BY_ASSET, Types.STRING)
                .transform("Drop duplicate eventIds", readingType,
                        new DropDuplicateReadings.DedupeOperator(config.dedupeTtl()))
                .uid(Uids.DEDUPE);

        SingleOutputStreamOperator<Reading> carried = keyed(keyed(unique)
                .transform("Carry first-release threshold episodes", readingType,
                        LegacyStateCarrier.thresholdEpisodes())
                .uid(Uids.LEGACY_THRESHOLD_RULE))
                .transform("Carry first-release open windows", readingType, LegacyStateCarrier.openWindows())
                .uid(Uids.LEGACY_WINDOW_SUMMARIES);

        SingleOutputStreamOperator<AlertTriggered> evaluated = keyed(carried)
                .connect(assets.broadcast())
                .transform("Order by event time, join registry, rules", AvroType.forRecord(AlertTriggered.class),
                        new AssetEvaluator.Operator(new AssetEvaluator(job, config.telemetryTopic(),
                                config.job().unknownAssetGrace(), config.job().unknownAssetCap(), config.rules())))
                .uid(Uids.EVALUATOR);

        DataStream<AlertTriggered> alerts =
                evaluated.union(sustainedOverheat(evaluated.getSideOutput(AssetEvaluator.WINDOWS), config.rules()));

        alerts
                .sinkTo(alertSink)
                .uid(Uids.ALERT_SINK).name("Kafka: " + config.alertTopic());

        DataStream<DeadLetter> deadLetters = assets.getSideOutput(DeadLetterOutput.TAG)
                .union(telemetry.getSideOutput(DeadLetterOutput.TAG), evaluated.getSideOutput(DeadLetterOutput.TAG));
        SharedWiring.deadLetters(deadLetters, deadLetterSink, config.dlqTopic());
    }

    /**
     * One CEP operator per distinct window count in the rule book (a pattern's length is fixed), each fed the
     * summaries of the asset types that need that many hot windows.
     */
    private static DataStream<AlertTriggered> sustainedOverheat(DataStream<WindowSummary> windows, RuleBook rules) {
        DataStream<AlertTriggered> alerts = null;
        for (int windowCount : rules.windowCounts()) {
            SingleOutputStreamOperator<WindowSummary> routed = windows
                    .filter(w -> rules.forType(w.getAssetType()).windowCount() == windowCount)
                    .uid(Uids.sustainedOverheatRoute(windowCount))
                    .name("Windows of types needing " + windowCount + " hot in a row");
            SingleOutputStreamOperator<AlertTriggered> matched = CEP
                    .pattern(DataStreamUtils.reinterpretAsKeyedStream(routed, WindowSummary::getAssetId, Types.STRING),
                            SustainedOverheatMatch.pattern(windowCount))
                    .inProcessingTime()
                    .process(new SustainedOverheatMatch(rules), AvroType.forRecord(AlertTriggered.class))
                    .uid(Uids.sustainedOverheatRule(windowCount))
                    .name("Rule: SUSTAINED_OVERHEAT (CEP, " + windowCount + " adjacent hot windows)");
            alerts = alerts == null ? matched : alerts.union(matched);
        }
        return alerts;
    }

    /** Readings already partitioned by assetId upstream, as a keyed stream again (no network shuffle). */
    private static KeyedStream<Reading, String> keyed(DataStream<Reading> readings) {
        return DataStreamUtils.reinterpretAsKeyedStream(readings, BY_ASSET, Types.STRING);
    }

    private static final KeySelector<Reading, String> BY_ASSET = r -> r.getEvent().getAssetId();
}
