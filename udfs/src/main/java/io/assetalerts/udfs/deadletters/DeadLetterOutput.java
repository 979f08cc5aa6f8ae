package io.assetalerts.udfs.deadletters;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.contracts.codec.DeadLetters;
import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.contracts.codec.RejectReason;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.util.OutputTag;

/** The side output every operator routes rejected records to; the job unions them into its DLQ sink. */
public final class DeadLetterOutput {

    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters", AvroType.forRecord(DeadLetter.class));

    private DeadLetterOutput() {
    }

    /**
     * A dead letter for a reading rejected after parsing (late, unknown asset): its coordinates are the original
     * record's; its payload is the reading as parsed, re-encoded in the contract's JSON.
     */
    public static DeadLetter forReading(Reading reading, String sourceTopic, String job, RejectReason reason,
            String message) {
        String assetId = reading.getEvent().getAssetId();
        return DeadLetters.of(reason, message, sourceTopic, reading.getPartition(), reading.getOffset(),
                assetId.getBytes(StandardCharsets.UTF_8), EventJson.encode(reading.getEvent()), job, Instant.now());
    }
}
