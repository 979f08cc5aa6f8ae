package io.assetalerts.contracts.codec;

import static io.assetalerts.contracts.codec.RejectReason.INVALID_VALUE;
import static io.assetalerts.contracts.codec.RejectReason.MALFORMED_JSON;
import static io.assetalerts.contracts.codec.RejectReason.MISSING_FIELD;
import static io.assetalerts.contracts.codec.RejectReason.UNKNOWN_EVENT_TYPE;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.DeviceReading;
import io.assetalerts.schemas.TelemetryReceived;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventJsonTest {

    private static final String SEED_ASSET =
            "{\"eventId\":\"uuid\",\"eventType\":\"AssetRegistered\",\"assetId\":\"TURBINE-101\",\"assetType\":\"TURBINE\",\"location\":\"AP-Plant-7\",\"timestamp\":\"2026-01-10T10:15:00Z\"}";
    private static final String SEED_TELEMETRY =
            "{\"eventId\":\"uuid\",\"eventType\":\"TelemetryReceived\",\"assetId\":\"TURBINE-101\",\"power\":82.4,\"temperature\":96.2,\"timestamp\":\"2026-01-10T10:16:05Z\"}";
    private static final String SEED_ALERT =
            "{\"alertId\":\"uuid\",\"assetId\":\"TURBINE-101\",\"severity\":\"HIGH\",\"reason\":\"Temperature threshold breached\",\"timestamp\":\"2026-01-10T10:16:06Z\"}";
    private static final String RAW_READING =
            "{\"assetId\":\"TURBINE-101\",\"power\":82.4,\"temperature\":96.2,\"timestamp\":\"2026-01-10T10:16:05Z\"}";
    private static final String DEAD_LETTER =
            "{\"reason\":\"INVALID_VALUE\",\"message\":\"field 'temperature' must be a number, got string \\\"96.2\\\"\","
                    + "\"sourceTopic\":\"telemetry.raw\",\"partition\":3,\"offset\":42,\"key\":\"TURBINE-101\","
                    + "\"payload\":\"{}\",\"payloadEncoding\":\"utf8\",\"job\":\"telemetry-ingest\","
                    + "\"detectedAt\":\"2026-01-10T10:16:07.250Z\"}";

    /** A lenient mapper for building test payloads; never used to check the codec's output. */
    private static final ObjectMapper PLAIN = new ObjectMapper();

    // Seed examples

    @Test
    void decodesSeedAssetRegistered() {
        AssetRegistered asset = EventJson.decodeAssetRegistered(bytes(SEED_ASSET)).value();

        assertThat(asset.getEventId()).isEqualTo("uuid");
        assertThat(asset.getEventType()).isEqualTo("AssetRegistered");
        assertThat(asset.getAssetId()).isEqualTo("TURBINE-101");
        assertThat(asset.getAssetType()).isEqualTo("TURBINE");
        assertThat(asset.getLocation()).isEqualTo("AP-Plant-7");
        assertThat(asset.getTimestamp()).isEqualTo(Instant.parse("2026-01-10T10:15:00Z"));
    }

    @Test
    void reencodesSeedAssetRegisteredByteIdentical() {
        byte[] seed = bytes(SEED_ASSET);

        assertThat(EventJson.encode(EventJson.decodeAssetRegistered(seed).value())).isEqualTo(seed);
    }

    @Test
    void decodesSeedTelemetryReceived() {
        TelemetryReceived telemetry = EventJson.decodeTelemetryReceived(bytes(SEED_TELEMETRY)).value();

        assertThat(telemetry.getEventId()).isEqualTo("uuid");
        assertThat(telemetry.getEventType()).isEqualTo("TelemetryReceived");
        assertThat(telemetry.getAssetId()).isEqualTo("TURBINE-101");
        assertThat(telemetry.getPower()).isEqualTo(82.4);
        assertThat(telemetry.getTemperature()).isEqualTo(96.2);
        assertThat(telemetry.getTimestamp()).isEqualTo(Instant.parse("2026-01-10T10:16:05Z"));
    }

    @Test
    void reencodesSeedTelemetryReceivedByteIdentical() {
        byte[] seed = bytes(SEED_TELEMETRY);

        assertThat(EventJson.encode(EventJson.decodeTelemetryReceived(seed).value())).isEqualTo(seed);
    }

    @Test
    void decodesSeedAlertWithSchemaDefaultsForAdditiveFields() {
        AlertTriggered alert = EventJson.decodeAlertTriggered(bytes(SEED_ALERT)).value();

        assertThat(alert.getAlertId()).isEqualTo("uuid");
        assertThat(alert.getAssetId()).isEqualTo("TURBINE-101");
        assertThat(alert.getSeverity()).isEqualTo("HIGH");
        assertThat(alert.getReason()).isEqualTo("Temperature threshold breached");
        assertThat(alert.getTimestamp()).isEqualTo(Instant.parse("2026-01-10T10:16:06Z"));
        assertThat(alert.getEventType()).isEqualTo("AlertTriggered");
        assertThat(alert.getRule()).isEmpty();
        assertThat(alert.getEventIds()).isEmpty();
        assertThat(alert.getAssetType()).isNull();
        assertThat(alert.getLocation()).isNull();
        assertThat(alert.getTemperature()).isNull();
        assertThat(alert.getThreshold()).isNull();
        assertThat(alert.getWindowStart()).isNull();
        assertThat(alert.getWindowEnd()).isNull();
    }

    @Test
    void encodesSeedAlertWithItsDefaultsWrittenOut() {
        AlertTriggered alert = EventJson.decodeAlertTriggered(bytes(SEED_ALERT)).value();

        assertThat(text(EventJson.encode(alert))).isEqualTo(
                "{\"alertId\":\"uuid\",\"eventType\":\"AlertTriggered\",\"assetId\":\"TURBINE-101\",\"severity\":\"HIGH\","
                        + "\"reason\":\"Temperature threshold breached\",\"rule\":\"\",\"eventIds\":[],"
                        + "\"timestamp\":\"2026-01-10T10:16:06Z\"}");
    }

    // Encoding

    @Test
    void encodesAlertFieldsInSchemaOrderWithReasonBeforeTimestamp() {
        AlertTriggered alert = fullAlert();

        assertThat(text(EventJson.encode(alert))).isEqualTo(
                "{\"alertId\":\"a-1\",\"eventType\":\"AlertTriggered\",\"assetId\":\"TURBINE-101\",\"severity\":\"MEDIUM\","
                        + "\"reason\":\"Sustained overheat\",\"rule\":\"SUSTAINED_OVERHEAT\",\"assetType\":\"TURBINE\","
                        + "\"location\":\"AP-Plant-7\",\"temperature\":91.25,\"threshold\":90.0,"
                        + "\"windowStart\":\"2026-01-10T10:15:00Z\",\"windowEnd\":\"2026-01-10T10:16:00Z\","
                        + "\"eventIds\":[\"e-1\",\"e-2\"],\"timestamp\":\"2026-01-10T10:16:00.001Z\"}");
    }

    @Test
    void roundTripsAlertWithEveryField() {
        AlertTriggered alert = fullAlert();

        assertThat(EventJson.decodeAlertTriggered(EventJson.encode(alert)).value()).isEqualTo(alert);
    }

    @Test
    void omitsNullOptionalAlertFieldsButAlwaysWritesEventIds() {
        AlertTriggered alert = AlertTriggered.newBuilder(fullAlert())
                .setAssetType(null)
                .setLocation(null)
                .setTemperature(null)
                .setThreshold(null)
                .setWindowStart(null)
                .setWindowEnd(null)
                .setEventIds(new ArrayList<>())
                .build();

        assertThat(text(EventJson.encode(alert)))
                .doesNotContain("assetType", "location", "temperature", "threshold", "windowStart", "windowEnd")
                .contains("\"eventIds\":[]");
    }

    @ParameterizedTest(name = "{0} is written as {1}")
    @MethodSource("millisecondFormatting")
    void writesMillisecondsOnlyWhenNonZero(Instant timestamp, String written) {
        TelemetryReceived telemetry = TelemetryReceived.newBuilder(seedTelemetry()).setTimestamp(timestamp).build();

        assertThat(text(EventJson.encode(telemetry))).contains("\"timestamp\":\"" + written + "\"");
    }

    static Stream<Arguments> millisecondFormatting() {
        return Stream.of(
                arguments(Instant.parse("2026-01-10T10:16:05Z"), "2026-01-10T10:16:05Z"),
                arguments(Instant.parse("2026-01-10T10:16:05.120Z"), "2026-01-10T10:16:05.120Z"),
                arguments(Instant.parse("2026-01-10T10:16:05.001Z"), "2026-01-10T10:16:05.001Z"),
                arguments(Instant.parse("2026-01-10T10:16:05.999999999Z"), "2026-01-10T10:16:05.999Z"),
                arguments(Instant.parse("2026-01-10T10:16:05.000700Z"), "2026-01-10T10:16:05Z"),
                arguments(Instant.parse("1969-12-31T23:59:59.500Z"), "1969-12-31T23:59:59.500Z"),
                arguments(Instant.parse("0000-01-01T00:00:00Z"), "0000-01-01T00:00:00Z"),
                arguments(Instant.parse("9999-12-31T23:59:59.999Z"), "9999-12-31T23:59:59.999Z"));
    }

    @Test
    void writesDoublesAsShortestJsonNumbers() {
        TelemetryReceived telemetry =
                TelemetryReceived.newBuilder(seedTelemetry()).setPower(82.0).setTemperature(-0.1).build();

        assertThat(text(EventJson.encode(telemetry))).contains("\"power\":82.0,\"temperature\":-0.1,");
    }

    @Test
    void refusesToEncodeNonFiniteNumbers() {
        TelemetryReceived telemetry = TelemetryReceived.newBuilder(seedTelemetry()).setTemperature(Double.NaN).build();

        assertThatThrownBy(() -> EventJson.encode(telemetry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'temperature'");
    }

    @Test
    void refusesToEncodeNullRequiredField() {
        TelemetryReceived telemetry = seedTelemetry();
        telemetry.setAssetId(null);

        assertThatThrownBy(() -> EventJson.encode(telemetry))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("'assetId'");
    }

    @Test
    void refusesToEncodeTimestampBeyondYear9999() {
        TelemetryReceived telemetry = TelemetryReceived.newBuilder(seedTelemetry())
                .setTimestamp(Instant.parse("+10000-01-01T00:00:00Z"))
                .build();

        assertThatThrownBy(() -> EventJson.encode(telemetry)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void roundTripsDeadLetter() {
        DeadLetter deadLetter = EventJson.decodeDeadLetter(bytes(DEAD_LETTER)).value();

        assertThat(deadLetter.getReason()).isEqualTo("INVALID_VALUE");
        assertThat(deadLetter.getPartition()).isEqualTo(3);
        assertThat(deadLetter.getOffset()).isEqualTo(42L);
        assertThat(deadLetter.getDetectedAt()).isEqualTo(Instant.parse("2026-01-10T10:16:07.250Z"));
        assertThat(text(EventJson.encode(deadLetter))).isEqualTo(DEAD_LETTER);
    }

    @Test
    void decodesDeadLetterWithoutKeyPayloadOrEncodingAsUtf8() {
        String json = with(with(with(DEAD_LETTER, "key", null), "payload", null), "payloadEncoding", null);

        DeadLetter deadLetter = EventJson.decodeDeadLetter(bytes(json)).value();

        assertThat(deadLetter.getKey()).isNull();
        assertThat(deadLetter.getPayload()).isNull();
        assertThat(deadLetter.getPayloadEncoding()).isEqualTo("utf8");
        assertThat(text(EventJson.encode(deadLetter))).doesNotContain("\"key\"", "\"payload\"");
    }

    @Test
    void roundTripsDeviceReadingWithAndWithoutReadingId() {
        DeviceReading withoutId = EventJson.decodeDeviceReading(bytes(RAW_READING)).value();
        DeviceReading withId = new DeviceReading("r-7", "PUMP-3", -12.5, 40.0, Instant.parse("2026-01-10T10:16:05.5Z"));

        assertThat(withoutId)
                .isEqualTo(new DeviceReading(null, "TURBINE-101", 82.4, 96.2, Instant.parse("2026-01-10T10:16:05Z")));
        assertThat(text(EventJson.encode(withoutId))).isEqualTo(RAW_READING);
        assertThat(text(EventJson.encode(withId))).isEqualTo(
                "{\"assetId\":\"PUMP-3\",\"power\":-12.5,\"temperature\":40.0,"
                        + "\"timestamp\":\"2026-01-10T10:16:05.500Z\",\"readingId\":\"r-7\"}");
        assertThat(EventJson.decodeDeviceReading(EventJson.encode(withId)).value()).isEqualTo(withId);
    }

    @Test
    void encodesNonAsciiTextAsValidUtf8ThatDecodesBack() {
        AssetRegistered asset = AssetRegistered.newBuilder(seedAsset()).setLocation("Zürich \"Nord\" 🌬\n").build();

        assertThat(EventJson.decodeAssetRegistered(EventJson.encode(asset)).value()).isEqualTo(asset);
    }

    // Malformed JSON

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPayloads")
    void rejectsMalformedPayloadAsMalformedJson(String payload) {
        assertRejected(EventJson.decodeTelemetryReceived(bytes(payload)), MALFORMED_JSON, "malformed JSON");
    }

    static Stream<Named<String>> malformedPayloads() {
        return Stream.of(
                named("not JSON", "TURBINE-101 96.2"),
                named("top-level array", "[" + SEED_TELEMETRY + "]"),
                named("top-level string", "\"TURBINE-101\""),
                named("top-level number", "96.2"),
                named("top-level null", "null"),
                named("truncated", SEED_TELEMETRY.substring(0, SEED_TELEMETRY.length() - 1)),
                named("truncated inside a string", SEED_TELEMETRY.substring(0, 30)),
                named("trailing word", SEED_TELEMETRY + " x"),
                named("trailing second object", SEED_TELEMETRY + SEED_TELEMETRY),
                named("trailing array", SEED_TELEMETRY + " []"),
                named("trailing number", SEED_TELEMETRY + " 1"),
                named("duplicate key", SEED_TELEMETRY.replace("\"power\":82.4", "\"power\":82.4,\"power\":82.4")),
                named("duplicate unknown key in nested object", SEED_TELEMETRY.replace("{\"eventId\"",
                        "{\"meta\":{\"fw\":1,\"fw\":2},\"eventId\"")),
                named("NaN", SEED_TELEMETRY.replace("96.2", "NaN")),
                named("Infinity", SEED_TELEMETRY.replace("96.2", "Infinity")),
                named("-Infinity", SEED_TELEMETRY.replace("96.2", "-Infinity")),
                named("comment", SEED_TELEMETRY.replace("{\"eventId\"", "{/* c */\"eventId\"")),
                named("single quotes", SEED_TELEMETRY.replace("\"uuid\"", "'uuid'")),
                named("trailing comma", SEED_TELEMETRY.replace("Z\"}", "Z\",}")),
                named("leading zero", SEED_TELEMETRY.replace("96.2", "096.2")),
                named("unquoted key", SEED_TELEMETRY.replace("\"power\"", "power")),
                named("raw newline in string", SEED_TELEMETRY.replace("TURBINE-101", "TURBINE\n101")),
                named("only whitespace", " \n\t "),
                named("empty", ""));
    }

    @Test
    void rejectsDuplicateKeysAsMalformedJsonNamingTheKey() {
        String duplicate = SEED_TELEMETRY.replace("\"temperature\":96.2", "\"temperature\":96.2,\"temperature\":20.0");

        assertRejected(EventJson.decodeTelemetryReceived(bytes(duplicate)), MALFORMED_JSON,
                "Duplicate field 'temperature'");
    }

    @Test
    void rejectsSecondObjectAfterTheFirstAsMalformedJson() {
        assertRejected(EventJson.decodeTelemetryReceived(bytes(SEED_TELEMETRY + "{}")), MALFORMED_JSON,
                "malformed JSON: unexpected data after the top-level value at line 1, column "
                        + (SEED_TELEMETRY.length() + 1));
    }

    @Test
    void rejectsTrailingGarbageAsMalformedJson() {
        assertRejected(EventJson.decodeTelemetryReceived(bytes(SEED_TELEMETRY + " x")), MALFORMED_JSON,
                "Unrecognized token 'x'");
    }

    @Test
    void rejectsNanTokenAsMalformedJson() {
        assertRejected(EventJson.decodeTelemetryReceived(bytes(SEED_TELEMETRY.replace("96.2", "NaN"))),
                MALFORMED_JSON, "'NaN'");
    }

    @Test
    void rejectsTruncatedPayloadAsMalformedJson() {
        assertRejected(EventJson.decodeTelemetryReceived(bytes(SEED_TELEMETRY.substring(0, 40))), MALFORMED_JSON,
                "unexpected end of input");
    }

    @Test
    void rejectsNullRecordValueAsMalformedJson() {
        assertRejected(EventJson.decodeAssetRegistered(null), MALFORMED_JSON, "null record value");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void rejectsInvalidUtf8AsMalformedJson(byte[] payload) {
        assertRejected(EventJson.decodeTelemetryReceived(payload), MALFORMED_JSON, "invalid UTF-8 at byte offset");
    }

    static Stream<Named<byte[]>> invalidUtf8() {
        return Stream.of(
                named("0xFF in a value", withBytesInAssetId(0xFF)),
                named("lone continuation byte", withBytesInAssetId(0x80)),
                named("overlong NUL (Jackson alone accepts it)", withBytesInAssetId(0xC0, 0x80)),
                named("overlong 3-byte slash", withBytesInAssetId(0xE0, 0x80, 0xAF)),
                named("encoded surrogate (Jackson alone accepts it)", withBytesInAssetId(0xED, 0xA0, 0x80)),
                named("code point above U+10FFFF", withBytesInAssetId(0xF4, 0x90, 0x80, 0x80)),
                named("truncated sequence", withBytesInAssetId(0xE2, 0x82)),
                named("Latin-1 text", SEED_TELEMETRY.replace("TURBINE-101", "Zürich").getBytes(ISO_8859_1)),
                named("invalid bytes in an unknown field's name", concat(bytes("{\"x"), new byte[] {(byte) 0xC0,
                        (byte) 0xAF}, bytes("\":1," + SEED_TELEMETRY.substring(1)))));
    }

    @Test
    void reportsOffsetOfFirstInvalidUtf8Byte() {
        byte[] payload = withBytesInAssetId(0xC0, 0x80);
        int offset = SEED_TELEMETRY.indexOf("TURBINE-101") + "TURBINE-101".length();

        assertRejected(EventJson.decodeTelemetryReceived(payload), MALFORMED_JSON,
                "malformed JSON: invalid UTF-8 at byte offset " + offset);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decoders")
    void everyDecoderRejectsTrailingDataAndDuplicateKeys(Function<byte[], Decoded<?>> decoder) {
        assertRejected(decoder.apply(bytes("{\"a\":1}{\"a\":1}")), MALFORMED_JSON, "unexpected data");
        assertRejected(decoder.apply(bytes("{\"a\":1,\"a\":1}")), MALFORMED_JSON, "Duplicate field 'a'");
        assertRejected(decoder.apply(new byte[0]), MALFORMED_JSON, "empty payload");
    }

    static Stream<Named<Function<byte[], Decoded<?>>>> decoders() {
        return Stream.of(
                named("AssetRegistered", EventJson::decodeAssetRegistered),
                named("TelemetryReceived", EventJson::decodeTelemetryReceived),
                named("DeviceReading", EventJson::decodeDeviceReading),
                named("AlertTriggered", EventJson::decodeAlertTriggered),
                named("DeadLetter", EventJson::decodeDeadLetter));
    }

    @Test
    void neverThrowsOnCorruptedPayloads() {
        Random random = new Random(20260110L);
        List<byte[]> seeds = List.of(bytes(SEED_ASSET), bytes(SEED_TELEMETRY), bytes(SEED_ALERT), bytes(RAW_READING),
                bytes(DEAD_LETTER));
        List<Named<Function<byte[], Decoded<?>>>> decoders = decoders().toList();
        for (int i = 0; i < 5_000; i++) {
            byte[] payload = seeds.get(random.nextInt(seeds.size())).clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                payload[random.nextInt(payload.length)] = (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                payload = Arrays.copyOf(payload, random.nextInt(payload.length + 1));
            }
            for (Named<Function<byte[], Decoded<?>>> decoder : decoders) {
                assertThat(decoder.getPayload().apply(payload)).isNotNull();
            }
        }
    }

    // Missing fields

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("requiredFields")
    void rejectsAbsentRequiredFieldAsMissingField(
            Function<byte[], Decoded<?>> decoder, String field, String validPayload) {
        assertRejected(decoder.apply(bytes(with(validPayload, field, null))), MISSING_FIELD,
                "required field '" + field + "' is missing");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("requiredFields")
    void rejectsNullRequiredFieldAsMissingField(Function<byte[], Decoded<?>> decoder, String field, String validPayload) {
        assertRejected(decoder.apply(bytes(with(validPayload, field, "null"))), MISSING_FIELD,
                "required field '" + field + "' is null");
    }

    static Stream<Arguments> requiredFields() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (String field : List.of("eventType", "eventId", "assetId", "assetType", "location", "timestamp")) {
            cases.add(arguments(named("AssetRegistered", decoder(EventJson::decodeAssetRegistered)), field, SEED_ASSET));
        }
        for (String field : List.of("eventType", "eventId", "assetId", "power", "temperature", "timestamp")) {
            cases.add(arguments(named("TelemetryReceived", decoder(EventJson::decodeTelemetryReceived)), field,
                    SEED_TELEMETRY));
        }
        for (String field : List.of("assetId", "power", "temperature", "timestamp")) {
            cases.add(arguments(named("DeviceReading", decoder(EventJson::decodeDeviceReading)), field, RAW_READING));
        }
        for (String field : List.of("alertId", "assetId", "severity", "reason", "timestamp")) {
            cases.add(arguments(named("AlertTriggered", decoder(EventJson::decodeAlertTriggered)), field, SEED_ALERT));
        }
        for (String field : List.of("reason", "message", "sourceTopic", "partition", "offset", "job", "detectedAt")) {
            cases.add(arguments(named("DeadLetter", decoder(EventJson::decodeDeadLetter)), field, DEAD_LETTER));
        }
        return cases.build();
    }

    @Test
    void treatsNullOptionalFieldsAsAbsent() {
        String alert = with(with(with(SEED_ALERT, "eventType", "null"), "rule", "null"), "eventIds", "null");

        AlertTriggered decoded = EventJson.decodeAlertTriggered(bytes(alert)).value();

        assertThat(decoded.getEventType()).isEqualTo("AlertTriggered");
        assertThat(decoded.getRule()).isEmpty();
        assertThat(decoded.getEventIds()).isEmpty();
        assertThat(EventJson.decodeDeviceReading(bytes(with(RAW_READING, "readingId", "null"))).value().getReadingId())
                .isNull();
    }

    // Wrong types, never coerced

    @Test
    void rejectsNumberAsStringAsInvalidValue() {
        assertRejected(EventJson.decodeTelemetryReceived(bytes(with(SEED_TELEMETRY, "temperature", "\"96.2\""))),
                INVALID_VALUE, "field 'temperature' must be a number, got string \"96.2\"");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("wrongTypes")
    void rejectsWrongJsonTypeAsInvalidValue(String field, String rawValue, String message) {
        assertRejected(EventJson.decodeTelemetryReceived(bytes(with(SEED_TELEMETRY, field, rawValue))), INVALID_VALUE,
                message);
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                arguments("power", "\"82.4\"", "field 'power' must be a number, got string \"82.4\""),
                arguments("temperature", "true", "field 'temperature' must be a number, got boolean true"),
                arguments("temperature", "{\"value\":96.2}", "field 'temperature' must be a number, got an object"),
                arguments("temperature", "[96.2]", "field 'temperature' must be a number, got an array"),
                arguments("assetId", "101", "field 'assetId' must be a string, got number 101"),
                arguments("assetId", "[\"TURBINE-101\"]", "field 'assetId' must be a string, got an array"),
                arguments("eventId", "false", "field 'eventId' must be a string, got boolean false"),
                arguments("eventType", "7", "field 'eventType' must be a string, got number 7"),
                arguments("timestamp", "1768039365000", "field 'timestamp' must be an ISO-8601 instant string"),
                arguments("timestamp", "{}", "field 'timestamp' must be an ISO-8601 instant string"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"eventId", "assetId"})
    void rejectsBlankIdAsInvalidValue(String field) {
        assertRejected(EventJson.decodeTelemetryReceived(bytes(with(SEED_TELEMETRY, field, "\" \\t\""))),
                INVALID_VALUE, "field '" + field + "' must not be blank");
        assertRejected(EventJson.decodeTelemetryReceived(bytes(with(SEED_TELEMETRY, field, "\"\""))),
                INVALID_VALUE, "field '" + field + "' must not be blank");
    }

    @Test
    void rejectsBlankReadingIdAndAssetTypeAsInvalidValue() {
        assertRejected(EventJson.decodeDeviceReading(bytes(with(RAW_READING, "readingId", "\"\""))), INVALID_VALUE,
                "field 'readingId' must not be blank");
        assertRejected(EventJson.decodeAssetRegistered(bytes(with(SEED_ASSET, "assetType", "\" \""))), INVALID_VALUE,
                "field 'assetType' must not be blank");
    }

    @Test
    void quotesLongOrMultiLineStringsOnOneShortLine() {
        String value = "\"line one\\nline two " + "x".repeat(100) + "\"";

        Decoded<TelemetryReceived> decoded =
                EventJson.decodeTelemetryReceived(bytes(with(SEED_TELEMETRY, "power", value)));

        assertThat(decoded.message())
                .isEqualTo("field 'power' must be a number, got string \"line one\\nline two " + "x".repeat(22) + "...\"")
                .doesNotContain("\n");
    }

    // Numbers

    @Test
    void acceptsIntegerWhereDoubleIsExpected() {
        String payload = with(with(SEED_TELEMETRY, "power", "82"), "temperature", "-5");

        TelemetryReceived telemetry = EventJson.decodeTelemetryReceived(bytes(payload)).value();

        assertThat(telemetry.getPower()).isEqualTo(82.0);
        assertThat(telemetry.getTemperature()).isEqualTo(-5.0);
    }

    @Test
    void acceptsExponentNotation() {
        assertThat(EventJson.decodeTelemetryReceived(bytes(with(SEED_TELEMETRY, "power", "8.24e1"))).value()
                .getPower()).isEqualTo(82.4);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("overflowingNumbers")
    void rejectsNumberOverflowingToInfinityAsInvalidValue(String field, String rawValue) {
        assertRejected(EventJson.decodeTelemetryReceived(bytes(with(SEED_TELEMETRY, field, rawValue))), INVALID_VALUE,
                "field '" + field + "' must be a finite number");
    }

    static Stream<Arguments> overflowingNumbers() {
        return Stream.of(
                arguments("temperature", "1e400"),
                arguments("power", "-1e400"),
                arguments("power", "1" + "0".repeat(400)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("outOfRange")
    void rejectsPhysicallyImpossibleValueAsInvalidValue(String field, String rawValue, String message) {
        assertRejected(EventJson.decodeTelemetryReceived(bytes(with(SEED_TELEMETRY, field, rawValue))), INVALID_VALUE,
                message);
        assertRejected(EventJson.decodeDeviceReading(bytes(with(RAW_READING, field, rawValue))), INVALID_VALUE,
                message);
    }

    static Stream<Arguments> outOfRange() {
        return Stream.of(
                arguments("temperature", "-273.16",
                        "field 'temperature' must be between -273.15 and 10000.0 °C, got -273.16"),
                arguments("temperature", "10000.001", "field 'temperature' must be between"),
                arguments("temperature", "1e300", "field 'temperature' must be between"),
                arguments("power", "1000000000.5", "field 'power' must be between -1.0E9 and 1.0E9 kW, got 1.0000000005E9"),
                arguments("power", "-1000000001", "field 'power' must be between"),
                arguments("power", "100000000000000000000000000000", "field 'power' must be between"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("rangeBounds")
    void acceptsValuesOnThePhysicalBounds(String field, double value) {
        TelemetryReceived telemetry =
                EventJson.decodeTelemetryReceived(bytes(with(SEED_TELEMETRY, field, Double.toString(value)))).value();

        assertThat(field.equals("power") ? telemetry.getPower() : telemetry.getTemperature()).isEqualTo(value);
    }

    static Stream<Arguments> rangeBounds() {
        return Stream.of(
                arguments("temperature", EventJson.MIN_TEMPERATURE_CELSIUS),
                arguments("temperature", EventJson.MAX_TEMPERATURE_CELSIUS),
                arguments("power", EventJson.MIN_POWER_KW),
                arguments("power", EventJson.MAX_POWER_KW),
                arguments("power", -0.0));
    }

    @Test
    void checksTemperatureRangeInAlertsAndFinitenessOfThreshold() {
        assertRejected(EventJson.decodeAlertTriggered(bytes(with(SEED_ALERT, "temperature", "-300"))), INVALID_VALUE,
                "field 'temperature' must be between");
        assertRejected(EventJson.decodeAlertTriggered(bytes(with(SEED_ALERT, "threshold", "\"90\""))), INVALID_VALUE,
                "field 'threshold' must be a number");
        assertRejected(EventJson.decodeAlertTriggered(bytes(with(SEED_ALERT, "threshold", "1e999"))), INVALID_VALUE,
                "field 'threshold' must be a finite number");
    }

    // Timestamps

    @ParameterizedTest(name = "{0}")
    @MethodSource("validTimestamps")
    void acceptsIso8601InstantsNormalisedToUtcMillis(String timestamp, String utc) {
        TelemetryReceived telemetry =
                EventJson.decodeTelemetryReceived(bytes(with(SEED_TELEMETRY, "timestamp", '"' + timestamp + '"')))
                        .value();

        assertThat(telemetry.getTimestamp()).isEqualTo(Instant.parse(utc));
        assertThat(text(EventJson.encode(telemetry))).contains("\"timestamp\":\"" + utc + "\"");
    }

    static Stream<Arguments> validTimestamps() {
        return Stream.of(
                arguments("2026-01-10T10:15:00Z", "2026-01-10T10:15:00Z"),
                arguments("2026-01-10T10:15:00.120Z", "2026-01-10T10:15:00.120Z"),
                arguments("2026-01-10T10:15:00.1Z", "2026-01-10T10:15:00.100Z"),
                arguments("2026-01-10T10:15:00.000Z", "2026-01-10T10:15:00Z"),
                arguments("2026-01-10T10:15:00.123456789Z", "2026-01-10T10:15:00.123Z"),
                arguments("2026-01-10T10:15:00.9999Z", "2026-01-10T10:15:00.999Z"),
                arguments("2026-01-10T12:15:00+02:00", "2026-01-10T10:15:00Z"),
                arguments("2026-01-10T05:45:00.5-04:30", "2026-01-10T10:15:00.500Z"),
                arguments("2026-01-11T01:00:00+02:00", "2026-01-10T23:00:00Z"),
                arguments("2026-01-10T10:15:00-00:00", "2026-01-10T10:15:00Z"),
                arguments("2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"),
                arguments("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"),
                arguments("0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"),
                arguments("9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "2026-01-10T10:15:00",
        "2026-01-10",
        "2026-01-10T10:15Z",
        "2026-01-10 10:15:00Z",
        "2026-01-10t10:15:00z",
        "2026-01-10T10:15:00.Z",
        "2026-01-10T10:15:00.1234567891Z",
        "2026-01-10T10:15:00+0200",
        "2026-01-10T10:15:00+02",
        "2026-01-10T10:15:00+02:00:30",
        "2026-01-10T10:15:00+24:00",
        "2026-01-10T10:15:00Z ",
        " 2026-01-10T10:15:00Z",
        "2026-01-10T24:00:00Z",
        "2026-12-31T23:59:60Z",
        "2026-02-29T10:15:00Z",
        "2026-04-31T10:15:00Z",
        "2026-13-10T10:15:00Z",
        "2026-00-10T10:15:00Z",
        "2026-01-00T10:15:00Z",
        "+12026-01-10T10:15:00Z",
        "-2026-01-10T10:15:00Z",
        "2026-01-10T10:15:00[UTC]",
        "2026-01-10T10:15:00Z[Europe/Paris]",
        "２０２６-01-10T10:15:00Z",
        "1768039365000",
        "yesterday",
        ""
    })
    void rejectsTimestampOutsideIso8601InstantFormAsInvalidValue(String timestamp) {
        String payload = SEED_TELEMETRY.replace("2026-01-10T10:16:05Z", timestamp);

        assertRejected(EventJson.decodeTelemetryReceived(bytes(payload)), INVALID_VALUE,
                "field 'timestamp' must be an ISO-8601 instant string");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"0000-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"})
    void rejectsTimestampOutsideYears0000To9999AsInvalidValue(String timestamp) {
        String payload = SEED_TELEMETRY.replace("2026-01-10T10:16:05Z", timestamp);

        assertRejected(EventJson.decodeTelemetryReceived(bytes(payload)), INVALID_VALUE,
                "field 'timestamp' must lie within years 0000..9999");
    }

    // eventType

    @Test
    void rejectsOtherEventTypeOnAssetTopicAsUnknownEventType() {
        assertRejected(EventJson.decodeAssetRegistered(bytes(with(SEED_ASSET, "eventType", "\"AssetDecommissioned\""))),
                UNKNOWN_EVENT_TYPE, "field 'eventType' is \"AssetDecommissioned\", expected \"AssetRegistered\"");
    }

    @Test
    void rejectsAssetRegisteredFedToTelemetryDecoderAsUnknownEventType() {
        assertRejected(EventJson.decodeTelemetryReceived(bytes(SEED_ASSET)), UNKNOWN_EVENT_TYPE,
                "expected \"TelemetryReceived\"");
    }

    @Test
    void rejectsTelemetryFedToAssetDecoderAsUnknownEventType() {
        assertRejected(EventJson.decodeAssetRegistered(bytes(SEED_TELEMETRY)), UNKNOWN_EVENT_TYPE,
                "expected \"AssetRegistered\"");
    }

    @Test
    void matchesEventTypeCaseSensitively() {
        assertRejected(EventJson.decodeTelemetryReceived(bytes(with(SEED_TELEMETRY, "eventType",
                "\"telemetryreceived\""))), UNKNOWN_EVENT_TYPE, "field 'eventType'");
    }

    @Test
    void rejectsAlertWithOtherEventTypeAsUnknownEventType() {
        assertRejected(EventJson.decodeAlertTriggered(bytes(with(SEED_ALERT, "eventType", "\"AlertCleared\""))),
                UNKNOWN_EVENT_TYPE, "expected \"AlertTriggered\"");
    }

    // Check order

    @Test
    void reportsMalformedJsonBeforeAnyFieldProblem() {
        String payload = "{\"eventType\":\"Nope\",\"temperature\":\"hot\",\"temperature\":1}";

        assertRejected(EventJson.decodeTelemetryReceived(bytes(payload)), MALFORMED_JSON, "Duplicate field");
    }

    @Test
    void reportsEventTypeBeforeOtherFields() {
        String wrongType = "{\"eventType\":\"AssetRegistered\",\"temperature\":\"hot\"}";
        String missingType = "{\"eventId\":\"\",\"temperature\":\"hot\"}";

        assertRejected(EventJson.decodeTelemetryReceived(bytes(wrongType)), UNKNOWN_EVENT_TYPE, "field 'eventType'");
        assertRejected(EventJson.decodeTelemetryReceived(bytes(missingType)), MISSING_FIELD, "field 'eventType'");
    }

    @Test
    void reportsFirstBadFieldInContractOrder() {
        String payload = with(with(with(SEED_TELEMETRY, "timestamp", null), "temperature", "\"hot\""), "power", "1e400");

        assertRejected(EventJson.decodeTelemetryReceived(bytes(payload)), INVALID_VALUE, "field 'power'");
    }

    @Test
    void checksReadingIdAfterTheContractFields() {
        String payload = with(with(RAW_READING, "readingId", "\"\""), "timestamp", "\"now\"");

        assertRejected(EventJson.decodeDeviceReading(bytes(payload)), INVALID_VALUE, "field 'timestamp'");
    }

    // Forward compatibility and whitespace

    @Test
    void ignoresUnknownFields() {
        String payload = SEED_TELEMETRY.replace("{\"eventId\"",
                "{\"firmware\":\"1.2.3\",\"meta\":{\"site\":[1,2,{\"x\":null}]},\"humidity\":\"41%\",\"eventId\"");

        assertThat(EventJson.decodeTelemetryReceived(bytes(payload)).value()).isEqualTo(seedTelemetry());
        assertThat(EventJson.encode(EventJson.decodeTelemetryReceived(bytes(payload)).value()))
                .isEqualTo(bytes(SEED_TELEMETRY));
    }

    @Test
    void toleratesWhitespaceBetweenTokens() {
        String payload = "\n\t{ \"eventId\" : \"uuid\" ,\r\n \"eventType\":\"TelemetryReceived\",\n  \"assetId\": \"TURBINE-101\","
                + "\n  \"power\":\t82.4, \"temperature\" : 96.2 , \"timestamp\" : \"2026-01-10T10:16:05Z\"\n}\n ";

        assertThat(EventJson.decodeTelemetryReceived(bytes(payload)).value()).isEqualTo(seedTelemetry());
    }

    @Test
    void acceptsUnicodeEscapesInStrings() {
        String payload = SEED_ASSET.replace("AP-Plant-7", "Z\\u00fcrich \\ud83c\\udf2c");

        assertThat(EventJson.decodeAssetRegistered(bytes(payload)).value().getLocation()).isEqualTo("Zürich 🌬");
    }

    // Alerts and dead letters

    @Test
    void rejectsNonStringEventIdInAlertNamingItsIndex() {
        assertRejected(EventJson.decodeAlertTriggered(bytes(with(SEED_ALERT, "eventIds", "[\"e-1\",5]"))),
                INVALID_VALUE, "field 'eventIds[1]' must be a string, got number 5");
        assertRejected(EventJson.decodeAlertTriggered(bytes(with(SEED_ALERT, "eventIds", "\"e-1\""))),
                INVALID_VALUE, "field 'eventIds' must be an array of strings");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badDeadLetterFields")
    void rejectsBadDeadLetterFieldAsInvalidValue(String field, String rawValue, String message) {
        assertRejected(EventJson.decodeDeadLetter(bytes(with(DEAD_LETTER, field, rawValue))), INVALID_VALUE, message);
    }

    static Stream<Arguments> badDeadLetterFields() {
        return Stream.of(
                arguments("partition", "1.0", "field 'partition' must be a 32-bit integer, got number 1.0"),
                arguments("partition", "\"3\"", "field 'partition' must be a 32-bit integer, got string \"3\""),
                arguments("partition", "4294967296", "field 'partition' must be a 32-bit integer"),
                arguments("offset", "18446744073709551616", "field 'offset' must be a 64-bit integer"),
                arguments("payloadEncoding", "\"hex\"", "field 'payloadEncoding' must be \"utf8\" or \"base64\""),
                arguments("detectedAt", "\"2026-01-10\"", "field 'detectedAt' must be an ISO-8601 instant string"));
    }

    // Decoded

    @Test
    void rejectedResultRefusesToYieldAValue() {
        Decoded<TelemetryReceived> rejected = EventJson.decodeTelemetryReceived(bytes("{"));

        assertThat(rejected.isOk()).isFalse();
        assertThatThrownBy(rejected::value)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MALFORMED_JSON");
    }

    @Test
    void okResultHasNoRejectReason() {
        Decoded<TelemetryReceived> ok = EventJson.decodeTelemetryReceived(bytes(SEED_TELEMETRY));

        assertThat(ok.isOk()).isTrue();
        assertThatThrownBy(ok::reason).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(ok::message).isInstanceOf(IllegalStateException.class);
    }

    // Helpers

    private static void assertRejected(Decoded<?> decoded, RejectReason reason, String messageFragment) {
        assertThat(decoded.isOk()).as("expected a rejection, got %s", decoded).isFalse();
        assertThat(decoded.reason()).as(decoded.message()).isEqualTo(reason);
        assertThat(decoded.message()).contains(messageFragment).doesNotContain("\n", "\r");
    }

    /** {@code json} with {@code field} set to the raw JSON {@code rawValue} in place, or removed when null. */
    private static String with(String json, String field, String rawValue) {
        try {
            ObjectNode node = (ObjectNode) PLAIN.readTree(json);
            if (rawValue == null) {
                node.remove(field);
            } else {
                node.putRawValue(field, new RawValue(rawValue));
            }
            return PLAIN.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] withBytesInAssetId(int... rawBytes) {
        int at = SEED_TELEMETRY.indexOf("TURBINE-101") + "TURBINE-101".length();
        byte[] inserted = new byte[rawBytes.length];
        for (int i = 0; i < rawBytes.length; i++) {
            inserted[i] = (byte) rawBytes[i];
        }
        return concat(bytes(SEED_TELEMETRY.substring(0, at)), inserted, bytes(SEED_TELEMETRY.substring(at)));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static Function<byte[], Decoded<?>> decoder(Function<byte[], Decoded<?>> decoder) {
        return decoder;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static String text(byte[] utf8) {
        return new String(utf8, UTF_8);
    }

    private static AssetRegistered seedAsset() {
        return AssetRegistered.newBuilder()
                .setEventId("uuid")
                .setAssetId("TURBINE-101")
                .setAssetType("TURBINE")
                .setLocation("AP-Plant-7")
                .setTimestamp(Instant.parse("2026-01-10T10:15:00Z"))
                .build();
    }

    private static TelemetryReceived seedTelemetry() {
        return TelemetryReceived.newBuilder()
                .setEventId("uuid")
                .setAssetId("TURBINE-101")
                .setPower(82.4)
                .setTemperature(96.2)
                .setTimestamp(Instant.parse("2026-01-10T10:16:05Z"))
                .build();
    }

    private static AlertTriggered fullAlert() {
        return AlertTriggered.newBuilder()
                .setAlertId("a-1")
                .setAssetId("TURBINE-101")
                .setSeverity("MEDIUM")
                .setReason("Sustained overheat")
                .setRule("SUSTAINED_OVERHEAT")
                .setAssetType("TURBINE")
                .setLocation("AP-Plant-7")
                .setTemperature(91.25)
                .setThreshold(90.0)
                .setWindowStart(Instant.parse("2026-01-10T10:15:00Z"))
                .setWindowEnd(Instant.parse("2026-01-10T10:16:00Z"))
                .setEventIds(new ArrayList<>(List.of("e-1", "e-2")))
                .setTimestamp(Instant.parse("2026-01-10T10:16:00.001Z"))
                .build();
    }
}
