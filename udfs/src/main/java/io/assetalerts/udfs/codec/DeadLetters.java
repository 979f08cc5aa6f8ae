package io.assetalerts.udfs.codec;

import io.assetalerts.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Objects;

/**
 * Builds the {@link DeadLetter} a job writes to its {@code <job>.dlq} topic for a record it could not use, keeping
 * the original key and value so the record can be inspected and replayed.
 */
public final class DeadLetters {

    public static final String PAYLOAD_ENCODING_UTF8 = "utf8";

    public static final String PAYLOAD_ENCODING_BASE64 = "base64";

    private DeadLetters() {}

    /**
     * Key and value are kept as text when both are valid UTF-8. If either is not, both are base64 and
     * {@code payloadEncoding} is "base64", so one field tells a reader how to get every original byte back.
     * {@code detectedAt} is truncated to milliseconds, the precision of the contract.
     */
    public static DeadLetter of(
            RejectReason reason,
            String message,
            String sourceTopic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            String job,
            Instant detectedAt) {
        String keyText = key == null ? null : utf8OrNull(key);
        String valueText = value == null ? null : utf8OrNull(value);
        boolean base64 = (key != null && keyText == null) || (value != null && valueText == null);
        Base64.Encoder encoder = Base64.getEncoder();
        return DeadLetter.newBuilder()
                .setReason(Objects.requireNonNull(reason, "reason").name())
                .setMessage(Objects.requireNonNull(message, "message"))
                .setSourceTopic(Objects.requireNonNull(sourceTopic, "sourceTopic"))
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : base64 ? encoder.encodeToString(key) : keyText)
                .setPayload(value == null ? null : base64 ? encoder.encodeToString(value) : valueText)
                .setPayloadEncoding(base64 ? PAYLOAD_ENCODING_BASE64 : PAYLOAD_ENCODING_UTF8)
                .setJob(Objects.requireNonNull(job, "job"))
                .setDetectedAt(Objects.requireNonNull(detectedAt, "detectedAt").truncatedTo(ChronoUnit.MILLIS))
                .build();
    }

    private static String utf8OrNull(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
