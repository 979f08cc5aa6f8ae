package io.assetalerts.udfs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.contracts.codec.DeadLetters;
import io.assetalerts.contracts.codec.RejectReason;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class JsonRecordSerializerTest {

    @Test
    void deadLetterKeepsTheOriginalKeyBytesEvenWhenTheyAreNotUtf8() {
        byte[] key = {(byte) 0xC3, (byte) 0x28, 0x41};
        DeadLetter d = DeadLetters.of(RejectReason.MALFORMED_JSON, "bad", "telemetry.events", 0, 5, key,
                new byte[] {1, 2}, "alert-job", Instant.EPOCH);
        ProducerRecord<byte[], byte[]> record = JsonRecordSerializer.deadLetters("dlq").serialize(d, null, null);
        assertThat(record.key()).isEqualTo(key);
        assertThat(record.topic()).isEqualTo("dlq");
    }

    @Test
    void deadLetterWithTextKeyKeepsIt() {
        DeadLetter d = DeadLetters.of(RejectReason.MALFORMED_JSON, "bad", "telemetry.events", 0, 5,
                "TURBINE-101".getBytes(StandardCharsets.UTF_8), "{".getBytes(StandardCharsets.UTF_8), "alert-job", Instant.EPOCH);
        ProducerRecord<byte[], byte[]> record = JsonRecordSerializer.deadLetters("dlq").serialize(d, null, null);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("TURBINE-101");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"reason\":\"MALFORMED_JSON\"");
    }
}
