package io.assetalerts.udfs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.assetalerts.schemas.state.Inbound;
import io.assetalerts.contracts.codec.RejectReason;
import io.assetalerts.udfs.kafka.InboundDeserializer.Contract;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Readings from a broken device clock are rejected before any watermark sees them; past data never is. */
class InboundDeserializerTest {

    private static final Instant NOW = Instant.parse("2031-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static Inbound decode(Contract contract, Instant timestamp) {
        String json = contract == Contract.DEVICE_READING
                ? "{\"assetId\":\"TURBINE-101\",\"power\":82.4,\"temperature\":96.2,\"timestamp\":\"" + timestamp + "\"}"
                : "{\"eventId\":\"e1\",\"eventType\":\"TelemetryReceived\",\"assetId\":\"TURBINE-101\",\"power\":82.4,"
                        + "\"temperature\":96.2,\"timestamp\":\"" + timestamp + "\"}";
        return deserialize(contract, "TURBINE-101", json);
    }

    private static Inbound deserialize(Contract contract, String key, String json) {
        List<Inbound> out = new ArrayList<>();
        new InboundDeserializer(contract, "alert-job", Duration.ofHours(1), CLOCK).deserialize(
                new ConsumerRecord<>("topic", 3, 42L, key.getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)),
                new ListCollector<>(out));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @ParameterizedTest
    @EnumSource(value = Contract.class, names = {"TELEMETRY_RECEIVED", "DEVICE_READING"})
    void rejectsAReadingStampedMoreThanTheSkewAheadOfTheWallClock(Contract contract) {
        Inbound year2999 = decode(contract, Instant.parse("2999-01-01T00:00:00Z"));
        assertThat(year2999.getReading()).isNull();
        assertThat(year2999.getDeadLetter().getReason()).isEqualTo(RejectReason.FUTURE_TIMESTAMP.name());
        assertThat(year2999.getDeadLetter().getMessage()).contains("--max-future-skew").contains("2999-01-01T00:00:00Z");
        assertThat(year2999.getDeadLetter().getOffset()).isEqualTo(42L);

        assertThat(decode(contract, NOW.plus(Duration.ofMinutes(61))).getDeadLetter().getReason())
                .isEqualTo(RejectReason.FUTURE_TIMESTAMP.name());
    }

    @ParameterizedTest
    @EnumSource(value = Contract.class, names = {"TELEMETRY_RECEIVED", "DEVICE_READING"})
    void acceptsReadingsUpToTheSkewAheadAndAnyPastReading(Contract contract) {
        assertThat(decode(contract, NOW.plus(Duration.ofHours(1))).getReading()).isNotNull();
        assertThat(decode(contract, NOW).getReading()).isNotNull();
        assertThat(decode(contract, Instant.parse("2001-01-10T10:16:05Z")).getReading()).isNotNull();
    }

    @Test
    void neverRejectsRegistrationsForTheirTimestamp() {
        String json = "{\"eventId\":\"r1\",\"eventType\":\"AssetRegistered\",\"assetId\":\"T-1\",\"assetType\":\"TURBINE\","
                + "\"location\":\"AP-Plant-7\",\"timestamp\":\"2999-01-01T00:00:00Z\"}";
        assertThat(deserialize(Contract.ASSET_REGISTERED, "T-1", json).getAsset()).isNotNull();
    }
}
