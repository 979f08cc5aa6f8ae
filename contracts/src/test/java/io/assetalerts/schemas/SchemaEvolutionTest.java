package io.assetalerts.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * Real Avro data across versions of TelemetryReceived (the JSON wire half is codec.SchemaEvolutionTest, beside the codec).
 *
 * <p>"Code generated from the previous version" is played by a {@link GenericDatumReader} with the released v1
 * schema as reader schema: a generated class's {@link SpecificDatumReader} resolves with exactly that schema and
 * differs only in the Java objects it fills. Generating real v1 classes would need their namespace rewritten to
 * sit next to today's classes, and the rewritten schema would no longer be the released one.
 */
class SchemaEvolutionTest {

    private static final Instant AT = Instant.parse("2026-01-10T10:16:05Z");

    private static final TelemetryReceived EVENT = TelemetryReceived.newBuilder()
            .setEventId("e-1")
            .setAssetId("TURBINE-101")
            .setPower(82.4)
            .setTemperature(96.2)
            .setTimestamp(AT)
            .build();

    @Test
    void currentClassReadsBinaryFromProducerOnNewerSchema() throws IOException {
        Schema v2 = SchemaCompatibilityCheckerTest.fixture("v2-added-optional-field.avsc");
        GenericRecord written = v1Fields(new GenericRecordBuilder(v2)).set("firmware", "4.2.0").build();

        byte[] bytes = write(new GenericDatumWriter<>(v2), written);
        TelemetryReceived read = read(new SpecificDatumReader<>(v2, TelemetryReceived.getClassSchema()), bytes);

        assertThat(read.getEventId()).isEqualTo("e-1");
        assertThat(read.getEventType()).isEqualTo("TelemetryReceived");
        assertThat(read.getAssetId()).isEqualTo("TURBINE-101");
        assertThat(read.getPower()).isEqualTo(82.4);
        assertThat(read.getTemperature()).isEqualTo(96.2);
        assertThat(read.getTimestamp()).isEqualTo(AT);
    }

    @Test
    void releasedV1ReaderReadsBinaryFromCurrentClass() throws IOException {
        byte[] bytes = write(new SpecificDatumWriter<>(TelemetryReceived.class), EVENT);
        GenericRecord read = read(new GenericDatumReader<>(TelemetryReceived.getClassSchema(), releasedV1()), bytes);

        assertV1Fields(read);
    }

    @Test
    void releasedV1ReaderReadsBinaryFromProducerOnNewerSchema() throws IOException {
        Schema v2 = SchemaCompatibilityCheckerTest.fixture("v2-added-optional-field.avsc");
        GenericRecord written = v1Fields(new GenericRecordBuilder(v2)).set("firmware", "4.2.0").build();

        byte[] bytes = write(new GenericDatumWriter<>(v2), written);
        GenericRecord read = read(new GenericDatumReader<>(v2, releasedV1()), bytes);

        assertV1Fields(read);
        assertThat(read.hasField("firmware")).isFalse();
    }

    private static GenericRecordBuilder v1Fields(GenericRecordBuilder builder) {
        return builder.set("eventId", "e-1")
                .set("eventType", "TelemetryReceived")
                .set("assetId", "TURBINE-101")
                .set("power", 82.4)
                .set("temperature", 96.2)
                .set("timestamp", AT.toEpochMilli());
    }

    private static void assertV1Fields(GenericRecord read) {
        assertThat(read.getSchema()).isEqualTo(releasedV1());
        assertThat(read.get("eventId")).hasToString("e-1");
        assertThat(read.get("eventType")).hasToString("TelemetryReceived");
        assertThat(read.get("assetId")).hasToString("TURBINE-101");
        assertThat(read.get("power")).isEqualTo(82.4);
        assertThat(read.get("temperature")).isEqualTo(96.2);
        assertThat(read.get("timestamp")).isEqualTo(AT.toEpochMilli());
    }

    private static Schema releasedV1() {
        try {
            return new Schema.Parser().parse(SchemaCompatibilityChecker.moduleDir()
                    .resolve("released/TelemetryReceived/v1.avsc").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> byte[] write(DatumWriter<T> writer, T datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Encoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static <T> T read(DatumReader<T> reader, byte[] bytes) throws IOException {
        return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }
}
