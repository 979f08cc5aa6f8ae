package io.assetalerts.jobs;

import java.time.Duration;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.state.Inbound;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.udfs.deadletters.CountDeadLetters;
import io.assetalerts.udfs.deadletters.SplitDeadLetters;
import io.assetalerts.udfs.kafka.EventTimeWatermarks;
import io.assetalerts.udfs.savepoint.Uids;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The pieces both jobs are wired with the same way: the registry input, a telemetry input, the DLQ output. */
final class SharedWiring {

    private SharedWiring() {
    }

    /** Valid registrations from the asset topic; rejected ones on the dead-letter side output. */
    static SingleOutputStreamOperator<AssetRegistered> registrations(StreamExecutionEnvironment env,
            Source<Inbound, ?, ?> source, String topic) {
        return env.fromSource(source, EventTimeWatermarks.referenceData(), "Kafka: " + topic)
                .uid(Uids.ASSET_SOURCE)
                .process(SplitDeadLetters.assets(), AvroType.forRecord(AssetRegistered.class))
                .uid(Uids.ASSET_VALIDATION).name("Reject invalid registrations");
    }

    /** Valid readings with event-time watermarks per partition; rejected ones on the dead-letter side output. */
    static SingleOutputStreamOperator<Reading> readings(StreamExecutionEnvironment env, Source<Inbound, ?, ?> source,
            String topic, Duration outOfOrderness, Duration idleness, String sourceUid, String validationUid,
            String validationName) {
        return env.fromSource(source, EventTimeWatermarks.telemetry(outOfOrderness, idleness), "Kafka: " + topic)
                .uid(sourceUid)
                .process(SplitDeadLetters.readings(), AvroType.forRecord(Reading.class))
                .uid(validationUid).name(validationName);
    }

    /** Counts every dead letter by reason and writes it to the job's DLQ topic. */
    static void deadLetters(DataStream<DeadLetter> deadLetters, Sink<DeadLetter> sink, String topic) {
        deadLetters
                .map(new CountDeadLetters(), AvroType.forRecord(DeadLetter.class))
                .uid(Uids.DEAD_LETTER_COUNT).name("Count dead letters by reason")
                .sinkTo(sink)
                .uid(Uids.DEAD_LETTER_SINK).name("Kafka: " + topic);
    }
}
