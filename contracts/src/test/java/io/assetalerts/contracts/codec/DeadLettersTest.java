package io.assetalerts.contracts.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import io.assetalerts.schemas.DeadLetter;
import java.time.Instant;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DeadLettersTest {

    private static final Instant DETECTED_AT = Instant.parse("2026-01-10T10:16:07.250Z");
    private static final byte[] KEY = "TURBINE-101".getBytes(UTF_8);
    private static final byte[] VALUE = "{\"assetId\":\"TURBINE-101\",\"temperature\":\"96.2\"}".getBytes(UTF_8);

    @Test
    void copiesReasonMessageAndSourceCoordinates() {
        DeadLetter deadLetter = of(KEY, VALUE);

        assertThat(deadLetter.getReason()).isEqualTo("INVALID_VALUE");
        assertThat(deadLetter.getMessage()).isEqualTo("field 'temperature' must be a number, got string \"96.2\"");
        assertThat(deadLetter.getSourceTopic()).isEqualTo("telemetry.raw");
        assertThat(deadLetter.getPartition()).isEqualTo(3);
        assertThat(deadLetter.getOffset()).isEqualTo(42L);
        assertThat(deadLetter.getJob()).isEqualTo("telemetry-ingest");
        assertThat(deadLetter.getDetectedAt()).isEqualTo(DETECTED_AT);
    }

    @Test
    void keepsUtf8KeyAndPayloadAsText() {
        byte[] value = "{\"location\":\"Zürich 🌬\"}".getBytes(UTF_8);

        DeadLetter deadLetter = of(KEY, value);

        assertThat(deadLetter.getKey()).isEqualTo("TURBINE-101");
        assertThat(deadLetter.getPayload()).isEqualTo("{\"location\":\"Zürich 🌬\"}");
        assertThat(deadLetter.getPayloadEncoding()).isEqualTo("utf8");
    }

    @Test
    void keepsMalformedJsonThatIsValidUtf8AsText() {
        DeadLetter deadLetter = of(KEY, "{\"a\":1} trailing".getBytes(UTF_8));

        assertThat(deadLetter.getPayload()).isEqualTo("{\"a\":1} trailing");
        assertThat(deadLetter.getPayloadEncoding()).isEqualTo("utf8");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notUtf8")
    void fallsBackToBase64ForNonUtf8Payload(byte[] value) {
        DeadLetter deadLetter = of(KEY, value);

        assertThat(deadLetter.getPayloadEncoding()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(deadLetter.getPayload())).isEqualTo(value);
        assertThat(Base64.getDecoder().decode(deadLetter.getKey())).isEqualTo(KEY);
    }

    static Stream<Named<byte[]>> notUtf8() {
        return Stream.of(
                named("binary", new byte[] {0, 1, 2, (byte) 0xFF, (byte) 0xFE}),
                named("Latin-1 text", "Zürich".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
                named("overlong encoding", new byte[] {'{', (byte) 0xC0, (byte) 0x80, '}'}),
                named("encoded surrogate", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                named("truncated sequence", new byte[] {'a', (byte) 0xE2, (byte) 0x82}));
    }

    @Test
    void encodesBothAsBase64WhenOnlyTheKeyIsNotUtf8() {
        byte[] key = {(byte) 0xFF, 0x01};

        DeadLetter deadLetter = of(key, VALUE);

        assertThat(deadLetter.getPayloadEncoding()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(deadLetter.getKey())).isEqualTo(key);
        assertThat(Base64.getDecoder().decode(deadLetter.getPayload())).isEqualTo(VALUE);
    }

    @Test
    void keepsNullKeyAndNullValueAsNull() {
        DeadLetter deadLetter = of(null, null);

        assertThat(deadLetter.getKey()).isNull();
        assertThat(deadLetter.getPayload()).isNull();
        assertThat(deadLetter.getPayloadEncoding()).isEqualTo("utf8");
    }

    @Test
    void keepsNullKeyNextToBase64Payload() {
        byte[] value = {(byte) 0xFF};

        DeadLetter deadLetter = of(null, value);

        assertThat(deadLetter.getKey()).isNull();
        assertThat(deadLetter.getPayloadEncoding()).isEqualTo("base64");
        assertThat(deadLetter.getPayload()).isEqualTo("/w==");
    }

    @Test
    void keepsEmptyValueAsEmptyText() {
        assertThat(of(KEY, new byte[0]).getPayload()).isEmpty();
    }

    @Test
    void truncatesDetectedAtToMilliseconds() {
        DeadLetter deadLetter = DeadLetters.of(RejectReason.LATE_EVENT, "late", "telemetry.events", 0, 1L, KEY, VALUE,
                "alert-job", Instant.parse("2026-01-10T10:16:07.250999Z"));

        assertThat(deadLetter.getDetectedAt()).isEqualTo(DETECTED_AT);
    }

    @Test
    void roundTripsThroughTheJsonCodec() {
        DeadLetter utf8 = of(KEY, VALUE);
        DeadLetter base64 = of(KEY, new byte[] {(byte) 0xC3, (byte) 0x28});

        assertThat(EventJson.decodeDeadLetter(EventJson.encode(utf8)).value()).isEqualTo(utf8);
        assertThat(EventJson.decodeDeadLetter(EventJson.encode(base64)).value()).isEqualTo(base64);
        assertThat(new String(EventJson.encode(utf8), UTF_8)).isEqualTo(
                "{\"reason\":\"INVALID_VALUE\",\"message\":\"field 'temperature' must be a number, got string \\\"96.2\\\"\","
                        + "\"sourceTopic\":\"telemetry.raw\",\"partition\":3,\"offset\":42,\"key\":\"TURBINE-101\","
                        + "\"payload\":\"{\\\"assetId\\\":\\\"TURBINE-101\\\",\\\"temperature\\\":\\\"96.2\\\"}\","
                        + "\"payloadEncoding\":\"utf8\",\"job\":\"telemetry-ingest\","
                        + "\"detectedAt\":\"2026-01-10T10:16:07.250Z\",\"payloadBytes\":46}");
    }

    @Test
    void aHugeBinaryValueIsCutSoThatTheDeadLetterFitsAKafkaRecord() {
        byte[] huge = new byte[900 * 1024];
        new java.util.Random(1).nextBytes(huge);

        DeadLetter deadLetter = of(KEY, huge);

        assertThat(deadLetter.getTruncated()).isTrue();
        assertThat(deadLetter.getPayloadBytes()).isEqualTo(900 * 1024);
        assertThat(java.util.Base64.getDecoder().decode(deadLetter.getPayload()))
                .isEqualTo(java.util.Arrays.copyOf(huge, DeadLetters.MAX_PAYLOAD_BYTES));
        assertThat(EventJson.encode(deadLetter).length).as("one Kafka record of at most 1 MiB").isLessThan(1024 * 1024);
        assertThat(EventJson.decodeDeadLetter(EventJson.encode(deadLetter)).value()).isEqualTo(deadLetter);
    }

    @Test
    void aHugeTextValueIsCutAtACharacterAndStaysWithinARecordEvenWhenEveryCharacterIsEscaped() {
        String control = "\u0001".repeat(900 * 1024); // valid UTF-8, six bytes each in JSON
        DeadLetter controls = of(KEY, control.getBytes(UTF_8));
        assertThat(controls.getTruncated()).isTrue();
        assertThat(controls.getPayload()).hasSize(DeadLetters.MAX_PAYLOAD_BYTES);
        assertThat(EventJson.encode(controls).length).isLessThan(1024 * 1024);

        String euros = "\u20ac".repeat(100_000); // three bytes each: cut between characters, never inside one
        DeadLetter cut = of(KEY, euros.getBytes(UTF_8));
        assertThat(cut.getPayload()).hasSize(DeadLetters.MAX_PAYLOAD_BYTES / 3).matches("\u20ac+");
        assertThat(cut.getPayloadEncoding()).isEqualTo(DeadLetters.PAYLOAD_ENCODING_UTF8);
    }

    @Test
    void carriesTheRejectionOfTheDecoder() {
        Decoded<?> rejected = EventJson.decodeTelemetryReceived("{\"eventType\":\"Nope\"}".getBytes(UTF_8));

        DeadLetter deadLetter = DeadLetters.of(rejected.reason(), rejected.message(), "telemetry.events", 0, 7L, KEY,
                VALUE, "alert-job", DETECTED_AT);

        assertThat(deadLetter.getReason()).isEqualTo("UNKNOWN_EVENT_TYPE");
        assertThat(deadLetter.getMessage()).isEqualTo(rejected.message());
    }

    @Test
    void requiresReasonMessageTopicJobAndTime() {
        assertThatThrownBy(() -> DeadLetters.of(null, "m", "t", 0, 0L, KEY, VALUE, "j", DETECTED_AT))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> DeadLetters.of(RejectReason.LATE_EVENT, "m", "t", 0, 0L, KEY, VALUE, "j", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("detectedAt");
    }

    private static DeadLetter of(byte[] key, byte[] value) {
        return DeadLetters.of(RejectReason.INVALID_VALUE, "field 'temperature' must be a number, got string \"96.2\"",
                "telemetry.raw", 3, 42L, key, value, "telemetry-ingest", DETECTED_AT);
    }
}
