package io.assetalerts.contracts.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.assetalerts.schemas.TelemetryReceived;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

/**
 * The event codecs are made from the schemas: a field added to a schema is read and written with no change to the
 * codec. Shown with TelemetryReceived's own schema plus one more optional field, as the next release might add it.
 */
class SchemaDrivenCodecTest {

    private static final String READING = "{\"eventId\":\"e-1\",\"eventType\":\"TelemetryReceived\","
            + "\"assetId\":\"PUMP-1\",\"power\":12.5,\"temperature\":81.0,\"timestamp\":\"2026-01-10T10:15:00Z\"";

    @Test
    void anOptionalFieldAddedToTheSchemaIsReadAndWritten() {
        EventJson.SchemaCodec<GenericData.Record> codec = codecWith(new Schema.Field("site",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)), "added",
                Schema.Field.NULL_DEFAULT_VALUE));

        Decoded<GenericData.Record> withSite = codec.decode(bytes(READING + ",\"site\":\"Plant-7\"}"));
        assertThat(withSite.isOk()).isTrue();
        assertThat(withSite.value().get("site")).isEqualTo("Plant-7");
        assertThat(withSite.value().get("timestamp")).isEqualTo(Instant.parse("2026-01-10T10:15:00Z"));
        assertThat(text(codec.encode(withSite.value()))).isEqualTo(READING + ",\"site\":\"Plant-7\"}");

        Decoded<GenericData.Record> without = codec.decode(bytes(READING + "}"));
        assertThat(without.isOk()).isTrue();
        assertThat(without.value().get("site")).isNull();
        assertThat(text(codec.encode(without.value()))).isEqualTo(READING + "}");

        Decoded<GenericData.Record> wrong = codec.decode(bytes(READING + ",\"site\":7}"));
        assertThat(wrong.reason()).isEqualTo(RejectReason.INVALID_VALUE);
        assertThat(wrong.message()).isEqualTo("field 'site' must be a string, got number 7");
    }

    @Test
    void aFieldWithADefaultTakesItWhenAbsentAndARequiredOneIsReportedMissing() {
        EventJson.SchemaCodec<GenericData.Record> withDefault = codecWith(new Schema.Field("unit",
                Schema.create(Schema.Type.STRING), "added", "celsius"));
        assertThat(withDefault.decode(bytes(READING + "}")).value().get("unit")).isEqualTo("celsius");

        Schema millis = org.apache.avro.LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        EventJson.SchemaCodec<GenericData.Record> timestampDefault = codecWith(new Schema.Field("calibratedAt",
                millis, "added", 0L));
        assertThat(timestampDefault.decode(bytes(READING + "}")).value().get("calibratedAt")).isEqualTo(Instant.EPOCH);

        EventJson.SchemaCodec<GenericData.Record> required = codecWith(new Schema.Field("sequence",
                Schema.create(Schema.Type.LONG), "added"));
        Decoded<GenericData.Record> missing = required.decode(bytes(READING + "}"));
        assertThat(missing.reason()).isEqualTo(RejectReason.MISSING_FIELD);
        assertThat(missing.message()).isEqualTo("required field 'sequence' is missing");
        assertThat(required.decode(bytes(READING + ",\"sequence\":42}")).value().get("sequence")).isEqualTo(42L);
    }

    @Test
    void aTypeWithNoJsonFormFailsWhenTheCodecIsMade() {
        assertThatThrownBy(() -> codecWith(new Schema.Field("tags",
                Schema.createMap(Schema.create(Schema.Type.STRING)), "added")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("TelemetryReceived.tags");
    }

    /** TelemetryReceived's schema with {@code extra} appended. */
    private static EventJson.SchemaCodec<GenericData.Record> codecWith(Schema.Field extra) {
        Schema base = TelemetryReceived.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : base.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(extra);
        Schema schema = Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace() + ".next", false, fields);
        return new EventJson.SchemaCodec<>(() -> new GenericData.Record(schema));
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }
}
