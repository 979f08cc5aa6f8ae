package io.assetalerts.jobs;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.state.AlertEvent;
import io.assetalerts.schemas.state.Control;
import io.assetalerts.schemas.state.Inbound;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.udfs.config.AlertJobConfig;
import io.assetalerts.udfs.config.JobFlags;
import io.assetalerts.udfs.config.JobSettings;
import io.assetalerts.udfs.deadletters.DeadLetterOutput;
import io.assetalerts.udfs.deadletters.SplitDeadLetters;
import io.assetalerts.udfs.dedupe.DropDuplicateReadings;
import io.assetalerts.udfs.evaluator.AssetEvaluator;
import io.assetalerts.udfs.evaluator.EvaluatorInputs;
import io.assetalerts.udfs.evaluator.LegacyStateCarrier;
import io.assetalerts.udfs.kafka.EventTimeWatermarks;
import io.assetalerts.udfs.kafka.InboundDeserializer.Contract;
import io.assetalerts.udfs.kafka.JsonRecordSerializer;
import io.assetalerts.udfs.kafka.KafkaConnectors;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.udfs.rules.RuleSnapshot;
import io.assetalerts.udfs.rules.sustained.SustainedOverheatMatch;
import io.assetalerts.udfs.savepoint.Uids;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.core.execution.JobClient;
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

    /** The name of the keyed operator that orders, joins and evaluates (metrics are found under it). */
    public static final String EVALUATOR = "Order by event time, join registry, rules";

    private static final Logger LOG = LoggerFactory.getLogger(AlertJob.class);

    private static final java.time.Duration RULES_SNAPSHOT_TIMEOUT = java.time.Duration.ofSeconds(30);

    private AlertJob() {
    }

    public static void main(String[] args) throws Exception {
        if (JobFlags.wantsHelp(args)) {
            System.out.println(JobFlags.usage(AlertJobConfig.JOB_NAME)); // the flags table of JobFlags; no job is run
            return;
        }
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
        return prepare(config, KafkaConnectors.rulesSnapshot(config.job(), config.rulesTopic(), RULES_SNAPSHOT_TIMEOUT));
    }

    /** Wires the job with Kafka sources and sinks, {@code rules} standing for the rules topic read at submission. */
    static StreamExecutionEnvironment prepare(AlertJobConfig config, RuleSnapshot rules) {
        JobSettings job = config.job();
        StreamExecutionEnvironment env = JobEnvironment.create(job);
        buildPipeline(env, config,
                KafkaConnectors.registrySource(job, config.assetTopic()),
                KafkaConnectors.registryKeyedSource(job, config.assetTopic()),
                KafkaConnectors.rulesSource(job, config.rulesTopic()),
                rules,
                KafkaConnectors.source(job, config.telemetryTopic(), Contract.TELEMETRY_RECEIVED),
                KafkaConnectors.sink(job, "alerts", JsonRecordSerializer.alerts(config.alertTopic())),
                KafkaConnectors.sink(job, "dlq", JsonRecordSerializer.deadLetters(config.dlqTopic())));
        return env;
    }

    /**
     * The wiring of SPEC 4, top to bottom: sources, validation, dedupe, the evaluator (event-time order, registry
     * join, threshold rule, windows) with registrations and rule changes broadcast to it, the one CEP pattern, sinks.
     * Nothing in the graph depends on the rules: they are data ({@code rulesSource}, and {@code rules} as read at
     * submission), so a savepoint restores under any rules. CEP runs in processing-time mode on purpose: its input,
     * one summary per closed window, already arrives in event-time order per asset, and event time was settled
     * upstream.
     */
    public static void buildPipeline(StreamExecutionEnvironment env, AlertJobConfig config,
            Source<Inbound, ?, ?> assetSource, Source<Inbound, ?, ?> assetKeyedSource,
            Source<Inbound, ?, ?> rulesSource, RuleSnapshot rules,
            Source<Inbound, ?, ?> telemetrySource, Sink<AlertEvent> alertSink, Sink<DeadLetter> deadLetterSink) {
        String job = AlertJobConfig.JOB_NAME;

        SingleOutputStreamOperator<AssetRegistered> assets =
                SharedWiring.registrations(env, assetSource, config.assetTopic());
        SingleOutputStreamOperator<Control> ruleChanges = env
                .fromSource(rulesSource, EventTimeWatermarks.referenceData(), "Kafka: " + config.rulesTopic())
                .uid(Uids.RULES_SOURCE).setParallelism(1)
                .process(SplitDeadLetters.rules(), AvroType.forRecord(Control.class))
                .uid(Uids.RULES_VALIDATION).name("Reject invalid rules").setParallelism(1);
        DataStream<Control> control = assets
                .map(asset -> Control.newBuilder().setAsset(asset).build(), AvroType.forRecord(Control.class))
                .uid(Uids.ASSETS_TO_EVALUATOR).name("Registrations to the evaluator")
                .union(ruleChanges);
        SingleOutputStreamOperator<Reading> telemetry = SharedWiring.readings(env, telemetrySource,
                config.telemetryTopic(), config.job().outOfOrderness(), config.job().idleness(),
                Uids.TELEMETRY_SOURCE, Uids.TELEMETRY_VALIDATION, "Reject invalid telemetry");

        AvroType<Reading> readingType = AvroType.forRecord(Reading.class);
        // registrations on the keyed path too, so an asset that never reports has a silence clock; read by a source
        // of their own (a job upgraded from a release without it reads the whole registry once), rejects not repeated
        DataStream<Reading> registrationMarkers = env
                .fromSource(assetKeyedSource, EventTimeWatermarks.referenceData(), "Kafka: " + config.assetTopic()
                        + " (silence clocks)")
                .uid(Uids.ASSET_KEYED_SOURCE)
                .process(SplitDeadLetters.assets(), AvroType.forRecord(AssetRegistered.class))
                .uid(Uids.ASSET_KEYED_VALIDATION).name("Validate registrations (silence clocks)")
                .map(EvaluatorInputs::registrationMarker, readingType)
                .uid(Uids.ASSET_KEYED_MARKERS).name("Registrations to silence clocks");
        SingleOutputStreamOperator<Reading> unique = telemetry
                .union(registrationMarkers)
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

        SingleOutputStreamOperator<AlertEvent> evaluated = keyed(carried)
                .connect(control.broadcast())
                .transform(EVALUATOR, AvroType.forRecord(AlertEvent.class),
                        new AssetEvaluator.Operator(new AssetEvaluator(job, config.telemetryTopic(),
                                config.job().unknownAssetGrace(), config.job().unknownAssetCap(), config.rules(),
                                rules, config.silenceAfter())))
                .uid(Uids.EVALUATOR);

        DataStream<AlertEvent> alerts =
                evaluated.union(sustainedOverheat(evaluated.getSideOutput(AssetEvaluator.WINDOWS), config.rules()));

        alerts
                .sinkTo(alertSink)
                .uid(Uids.ALERT_SINK).name("Kafka: " + config.alertTopic());

        DataStream<DeadLetter> deadLetters = assets.getSideOutput(DeadLetterOutput.TAG)
                .union(ruleChanges.getSideOutput(DeadLetterOutput.TAG), telemetry.getSideOutput(DeadLetterOutput.TAG),
                        evaluated.getSideOutput(DeadLetterOutput.TAG));
        SharedWiring.deadLetters(deadLetters, deadLetterSink, config.dlqTopic());
    }

    /** The one CEP operator of SUSTAINED_OVERHEAT: each summary carries the count its window's rule asks for. */
    private static DataStream<AlertEvent> sustainedOverheat(DataStream<WindowSummary> windows, RuleBook baseline) {
        return CEP
                .pattern(DataStreamUtils.reinterpretAsKeyedStream(windows, WindowSummary::getAssetId, Types.STRING),
                        SustainedOverheatMatch.pattern(baseline))
                .inProcessingTime()
                .process(new SustainedOverheatMatch(baseline), AvroType.forRecord(AlertEvent.class))
                .uid(Uids.SUSTAINED_OVERHEAT_RULE)
                .name("Rule: SUSTAINED_OVERHEAT (CEP, adjacent hot windows)");
    }

    /** Readings already partitioned by assetId upstream, as a keyed stream again (no network shuffle). */
    private static KeyedStream<Reading, String> keyed(DataStream<Reading> readings) {
        return DataStreamUtils.reinterpretAsKeyedStream(readings, BY_ASSET, Types.STRING);
    }

    private static final KeySelector<Reading, String> BY_ASSET = r -> r.getEvent().getAssetId();
}
