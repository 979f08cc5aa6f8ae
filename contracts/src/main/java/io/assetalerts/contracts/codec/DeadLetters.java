package io.assetalerts.contracts.codec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Objects;

import io.assetalerts.schemas.DeadLetter;

/**
 * Builds the {@link DeadLetter} a job writes to its {@code <job>.dlq} topic for a record it could not use, keeping
 * the original key and value so the record can be inspected and replayed.
 */
public final class DeadLetters {

    public static final String PAYLOAD_ENCODING_UTF8 = "utf8";

    public static final String PAYLOAD_ENCODING_BASE64 = "base64";

    private DeadLetters() {}

    /** The most of an original value a dead letter carries: with JSON escaping at most 6 x this, within 1 MiB. */
    public static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    /** The most of an original key a dead letter carries. */
    public static final int MAX_KEY_BYTES = 16 * 1024;

    /**
     * Key and value are kept as text when both are valid UTF-8. If either is not, both are base64 and
     * {@code payloadEncoding} is "base64", so one field tells a reader how to get every original byte back. A value
     * beyond {@value #MAX_PAYLOAD_BYTES} bytes (a key beyond {@value #MAX_KEY_BYTES}) is cut to its first part and
     * {@code truncated} set, so the dead letter always fits one Kafka record (a 900 KB binary value would be 1.2 MB in
     * base64, over the producer's and broker's 1 MB: the DLQ write failed and the job restarted for ever). The whole
     * record stays at {@code sourceTopic}/{@code partition}/{@code offset}. {@code detectedAt} is truncated to
     * milliseconds, the precision of the contract.
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
        boolean truncated = key != null && key.length > MAX_KEY_BYTES || value != null && value.length > MAX_PAYLOAD_BYTES;
        return DeadLetter.newBuilder()
                .setReason(Objects.requireNonNull(reason, "reason").name())
                .setMessage(Objects.requireNonNull(message, "message"))
                .setSourceTopic(Objects.requireNonNull(sourceTopic, "sourceTopic"))
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : base64 ? base64(key, MAX_KEY_BYTES) : prefix(keyText, MAX_KEY_BYTES))
                .setPayload(value == null ? null
                        : base64 ? base64(value, MAX_PAYLOAD_BYTES) : prefix(valueText, MAX_PAYLOAD_BYTES))
                .setPayloadEncoding(base64 ? PAYLOAD_ENCODING_BASE64 : PAYLOAD_ENCODING_UTF8)
                .setJob(Objects.requireNonNull(job, "job"))
                .setDetectedAt(Objects.requireNonNull(detectedAt, "detectedAt").truncatedTo(ChronoUnit.MILLIS))
                .setTruncated(truncated)
                .setPayloadBytes(value == null ? null : value.length)
                .build();
    }

    private static String base64(byte[] bytes, int maxBytes) {
        return Base64.getEncoder().encodeToString(
                bytes.length <= maxBytes ? bytes : java.util.Arrays.copyOf(bytes, maxBytes));
    }

    /** The longest start of {@code text} whose UTF-8 form has at most {@code maxBytes}, never cutting a character. */
    static String prefix(String text, int maxBytes) {
        if (text.length() * 3L <= maxBytes) {
            return text;
        }
        int bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            int width = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + width > maxBytes) {
                break;
            }
            bytes += width;
            i += Character.charCount(codePoint);
        }
        return text.substring(0, i);
    }

    private static String utf8OrNull(byte[] bytes) {
        return Utf8.firstInvalidOffset(bytes) < 0 ? new String(bytes, StandardCharsets.UTF_8) : null;
    }
}
