package io.assetalerts.contracts.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.assetalerts.schemas.TelemetryReceived;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON wire half of schema evolution (the Avro binary half is in io.assetalerts.schemas.SchemaEvolutionTest): events from a
 * producer on TelemetryReceived v2, which is v1 plus {@code "firmware": ["null","string"], default null} (the
 * fixture contracts/src/test/resources/compat-fixtures/TelemetryReceived/v2-added-optional-field.avsc), decode with
 * today's codec; the added field is ignored (SPEC 3). {@code firmware} stands for a field the current contract
 * does not have: should it ever be added to TelemetryReceived, pick another one here.
 */
class SchemaEvolutionTest {

    private static final String V1_JSON = "{\"eventId\":\"e-1\",\"eventType\":\"TelemetryReceived\","
            + "\"assetId\":\"TURBINE-101\",\"power\":82.4,\"temperature\":96.2,\"timestamp\":\"2026-01-10T10:16:05Z\"}";

    private static final TelemetryReceived EVENT = TelemetryReceived.newBuilder()
            .setEventId("e-1")
            .setAssetId("TURBINE-101")
            .setPower(82.4)
            .setTemperature(96.2)
            .setTimestamp(Instant.parse("2026-01-10T10:16:05Z"))
            .build();

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"eventId\":\"e-1\",\"eventType\":\"TelemetryReceived\",\"assetId\":\"TURBINE-101\",\"power\":82.4,"
                + "\"temperature\":96.2,\"timestamp\":\"2026-01-10T10:16:05Z\",\"firmware\":\"4.2.0\"}",
        "{\"eventId\":\"e-1\",\"eventType\":\"TelemetryReceived\",\"assetId\":\"TURBINE-101\",\"power\":82.4,"
                + "\"temperature\":96.2,\"timestamp\":\"2026-01-10T10:16:05Z\",\"firmware\":null}",
        "{\"firmware\":\"4.2.0\",\"eventId\":\"e-1\",\"eventType\":\"TelemetryReceived\",\"assetId\":\"TURBINE-101\","
                + "\"power\":82.4,\"temperature\":96.2,\"timestamp\":\"2026-01-10T10:16:05Z\"}"
    })
    void decodesTelemetryFromProducerOnNewerSchema(String v2Json) {
        Decoded<TelemetryReceived> decoded = EventJson.decodeTelemetryReceived(v2Json.getBytes(UTF_8));

        assertThat(decoded.value()).isEqualTo(EVENT);
    }

    @Test
    void reencodesNewerProducersEventAsTheCurrentContract() {
        String v2Json = V1_JSON.replace("}", ",\"firmware\":\"4.2.0\"}");

        byte[] reencoded = EventJson.encode(EventJson.decodeTelemetryReceived(v2Json.getBytes(UTF_8)).value());

        assertThat(new String(reencoded, UTF_8)).isEqualTo(V1_JSON);
    }
}
