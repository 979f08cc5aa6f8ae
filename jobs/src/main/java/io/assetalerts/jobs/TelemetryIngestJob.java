package io.assetalerts.jobs;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.Inbound;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.RegisteredReading;
import io.assetalerts.udfs.config.IngestJobConfig;
import io.assetalerts.udfs.config.JobFlags;
import io.assetalerts.udfs.config.JobSettings;
import io.assetalerts.udfs.deadletters.DeadLetterOutput;
import io.assetalerts.udfs.kafka.InboundDeserializer.Contract;
import io.assetalerts.udfs.kafka.JsonRecordSerializer;
import io.assetalerts.udfs.kafka.KafkaConnectors;
import io.assetalerts.udfs.ordering.OrderReadingsByEventTime;
import io.assetalerts.udfs.savepoint.Uids;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The telemetry-ingest job (SPEC 5, the seed's Telemetry Service): device readings from {@code telemetry.raw}
 * are validated against the contract and physical ranges, joined with the broadcast asset registry (readings
 * of unknown assets are held, then dead-lettered, exactly as in the alert job), and published as
 * TelemetryReceived on {@code telemetry.events} exactly-once. The eventId is the readingId when the device
 * sends one, else a name-based UUID of (assetId, timestamp), so a re-sent reading keeps its id.
 */
public final class TelemetryIngestJob {

    /** The name of the operator that orders readings by event time and joins the registry (metrics are under it). */
    public static final String REGISTRY_JOIN = "Hold readings of unknown assets, join registry";

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryIngestJob.class);

    private TelemetryIngestJob() {
    }

    public static void main(String[] args) throws Exception {
        if (JobFlags.wantsHelp(args)) {
            System.out.println(JobFlags.usage(IngestJobConfig.JOB_NAME)); // the flags table of JobFlags; no job is run
            return;
        }
        prepare(args).execute(IngestJobConfig.JOB_NAME);
    }

    public static JobClient start(String... args) throws Exception {
        return prepare(args).executeAsync(IngestJobConfig.JOB_NAME);
    }

    public static StreamExecutionEnvironment prepare(String... args) {
        IngestJobConfig config = IngestJobConfig.fromArgs(args);
        LOG.info("Starting {} with {}", IngestJobConfig.JOB_NAME, config);
        JobSettings job = config.job();
        StreamExecutionEnvironment env = JobEnvironment.create(job);
        buildPipeline(env, config,
                KafkaConnectors.registrySource(job, config.assetTopic()),
                KafkaConnectors.source(job, config.rawTopic(), Contract.DEVICE_READING),
                KafkaConnectors.sink(job, "telemetry", JsonRecordSerializer.telemetry(config.telemetryTopic())),
                KafkaConnectors.sink(job, "dlq", JsonRecordSerializer.deadLetters(config.dlqTopic())));
        return env;
    }

    /** Sources, validation, registry join (hold for unknown assets, event-time order), TelemetryReceived, sinks. */
    public static void buildPipeline(StreamExecutionEnvironment env, IngestJobConfig config,
            Source<Inbound, ?, ?> assetSource, Source<Inbound, ?, ?> rawSource,
            Sink<TelemetryReceived> telemetrySink, Sink<DeadLetter> deadLetterSink) {
        SingleOutputStreamOperator<AssetRegistered> assets =
                SharedWiring.registrations(env, assetSource, config.assetTopic());

        SingleOutputStreamOperator<Reading> readings = SharedWiring.readings(env, rawSource, config.rawTopic(),
                config.job().outOfOrderness(), config.job().idleness(),
                Uids.RAW_SOURCE, Uids.RAW_VALIDATION, "Reject invalid device readings");

        SingleOutputStreamOperator<RegisteredReading> registered = readings
                .keyBy(r -> r.getEvent().getAssetId(), Types.STRING)
                .connect(assets.broadcast())
                .transform(REGISTRY_JOIN, AvroType.forRecord(RegisteredReading.class),
                        new OrderReadingsByEventTime.Operator(new OrderReadingsByEventTime(IngestJobConfig.JOB_NAME,
                                config.rawTopic(), config.job().unknownAssetGrace(), config.job().unknownAssetCap())))
                .uid(Uids.INGEST_REGISTRY_JOIN);

        registered
                .map(r -> r.getReading().getEvent(), AvroType.forRecord(TelemetryReceived.class))
                .uid(Uids.TELEMETRY_EVENTS).name("To TelemetryReceived")
                .sinkTo(telemetrySink)
                .uid(Uids.TELEMETRY_SINK).name("Kafka: " + config.telemetryTopic());

        DataStream<DeadLetter> deadLetters = assets.getSideOutput(DeadLetterOutput.TAG)
                .union(readings.getSideOutput(DeadLetterOutput.TAG), registered.getSideOutput(DeadLetterOutput.TAG));
        SharedWiring.deadLetters(deadLetters, deadLetterSink, config.dlqTopic());
    }
}
