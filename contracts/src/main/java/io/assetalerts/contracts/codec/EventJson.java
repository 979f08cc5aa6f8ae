package io.assetalerts.contracts.codec;

import static io.assetalerts.contracts.codec.RejectReason.INVALID_VALUE;
import static io.assetalerts.contracts.codec.RejectReason.MALFORMED_JSON;
import static io.assetalerts.contracts.codec.RejectReason.MISSING_FIELD;
import static io.assetalerts.contracts.codec.RejectReason.UNKNOWN_EVENT_TYPE;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.DeviceReading;
import io.assetalerts.schemas.RuleSet;
import io.assetalerts.schemas.SilenceParameters;
import io.assetalerts.schemas.SustainedOverheatParameters;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.ThresholdParameters;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * The strict JSON wire codec of the event contracts (SPEC 3): turns Kafka record values into the Avro contract
 * types, or into a {@link RejectReason} and a one-line message for the dead-letter queue, and writes them back
 * as compact UTF-8 JSON. Decoders never throw on bad input.
 *
 * <p>Checks run in a fixed order so the reason is deterministic: well-formed JSON first (strict UTF-8, one
 * object, no duplicate keys, no trailing data, no NaN), then {@code eventType}, then the fields in schema
 * order. Nothing is coerced: a number sent as a string is rejected, while an integer is accepted where a double
 * is expected. Unknown fields are ignored. Timestamps are the RFC 3339 profile of ISO-8601 ({@code Z} or a
 * {@code +HH:MM}/{@code -HH:MM} offset, normalised to UTC) within years 0000..9999; digits beyond
 * milliseconds are truncated, because the contracts store timestamp-millis. Encoders write fields in schema
 * order, omit null optional fields, and write instants in UTC with a millisecond part only when non-zero.
 */
public final class EventJson {

    /** Absolute zero; colder readings are sensor faults. */
    public static final double MIN_TEMPERATURE_CELSIUS = -273.15;

    public static final double MAX_TEMPERATURE_CELSIUS = 10_000.0;

    /** Negative power is allowed: an asset may draw power. */
    public static final double MIN_POWER_KW = -1e9;

    public static final double MAX_POWER_KW = 1e9;

    public static final Instant MIN_TIMESTAMP = Instant.parse("0000-01-01T00:00:00Z");

    public static final Instant MAX_TIMESTAMP = Instant.parse("9999-12-31T23:59:59.999Z");

    private static final String ALERT_TRIGGERED = "AlertTriggered";
    private static final String RULE_SET = "RuleSet";

    /** The most adjacent hot windows a SUSTAINED_OVERHEAT rule may ask for (one CEP pattern serves 1..this). */
    public static final int MAX_WINDOW_COUNT = 60;

    /** The longest SUSTAINED_OVERHEAT window a rule may set. */
    public static final java.time.Duration MAX_WINDOW_SIZE = java.time.Duration.ofDays(1);

    private static final Set<String> RULE_SET_FIELDS =
            Set.of("eventType", "scope", "version", "effectiveFrom", "temperatureThreshold", "sustainedOverheat",
                    "assetSilence");
    private static final Set<String> THRESHOLD_FIELDS =
            Set.of("enabled", "critical", "clear", "clearDelay", "flapCount", "flapWindow");
    private static final Set<String> SUSTAINED_FIELDS = Set.of("enabled", "warn", "windowSize", "windowCount");
    private static final Set<String> SILENCE_FIELDS = Set.of("enabled");

    private static final int MAX_QUOTED_CHARS = 40;
    private static final int MAX_PARSER_MESSAGE_CHARS = 160;

    // JsonReadFeature defaults are already RFC 8259 (no comments, single quotes, leading zeros, trailing
    // commas); NaN/Infinity is disabled explicitly because it is the one most often switched on.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    // FAIL_ON_TRAILING_TOKENS applies to readTree(byte[]) but not to readTree(JsonParser): keep the former.
    private static final ObjectReader READER = new ObjectMapper(FACTORY)
            .readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private EventJson() {}

    /*
     * The event contracts' codecs are made from their Avro schemas (SchemaCodec): a field is required when the schema
     * gives it neither a null branch nor a default, absent or null fields take the schema's default, each type of the
     * schema has its reader and its writer, and the table below adds what a schema cannot say. Adding an optional
     * field to one of these schemas is therefore a schema-only change: decoded when present, written when set.
     * RuleSet keeps a hand-written decoder: its nested parameters reject unknown keys and check each other.
     */

    /** Value constraints beyond the schema's types, by "Record.field" or by field name in any record. */
    private static final Map<String, FieldReader<?>> CONSTRAINTS = Map.ofEntries(
            constraint("eventId", EventJson::id),
            constraint("alertId", EventJson::id),
            constraint("assetId", EventJson::id),
            constraint("assetType", EventJson::id),
            constraint("severity", EventJson::id),
            constraint("readingId", EventJson::id),
            constraint("temperature", EventJson::temperature),
            constraint("peakTemperature", EventJson::temperature),
            constraint("power", EventJson::power),
            constraint("AlertResolved.rule", EventJson::id),
            constraint("DeadLetter.reason", EventJson::id),
            constraint("DeadLetter.sourceTopic", EventJson::id),
            constraint("DeadLetter.job", EventJson::id),
            constraint("DeadLetter.payloadEncoding", EventJson::payloadEncoding));
    private static Map.Entry<String, FieldReader<?>> constraint(String field, FieldReader<?> reader) {
        return Map.entry(field, reader);
    }

    /** Records whose {@code eventType} must be present (the alert's is optional: the seed's alerts had none). */
    private static final Set<String> EVENT_TYPE_REQUIRED = Set.of("AssetRegistered", "TelemetryReceived",
            "AlertResolved");
    /** Checked and written after every other field: a raw reading's optional id, as devices send it. */
    private static final Set<String> LAST = Set.of("DeviceReading.readingId");
    /** Written only when they differ from their default. */
    private static final Set<String> OMITTED_AT_DEFAULT = Set.of("DeadLetter.truncated");

    private static final SchemaCodec<AssetRegistered> ASSET_REGISTERED_CODEC = new SchemaCodec<>(AssetRegistered::new);
    private static final SchemaCodec<TelemetryReceived> TELEMETRY_CODEC = new SchemaCodec<>(TelemetryReceived::new);
    private static final SchemaCodec<DeviceReading> DEVICE_READING_CODEC = new SchemaCodec<>(DeviceReading::new);
    private static final SchemaCodec<AlertTriggered> ALERT_TRIGGERED_CODEC = new SchemaCodec<>(AlertTriggered::new);
    private static final SchemaCodec<AlertResolved> ALERT_RESOLVED_CODEC = new SchemaCodec<>(AlertResolved::new);
    private static final SchemaCodec<DeadLetter> DEAD_LETTER_CODEC = new SchemaCodec<>(DeadLetter::new);

    /** The JSON form of one type of the schemas: which reader checks it and how it is written. */
    enum Kind {
        STRING, DOUBLE, LONG, INT, BOOLEAN, TIMESTAMP, STRING_ARRAY;

        static Kind of(Schema schema, String where) {
            return switch (schema.getType()) {
                case STRING -> STRING;
                case DOUBLE -> DOUBLE;
                case INT -> INT;
                case BOOLEAN -> BOOLEAN;
                case LONG -> schema.getLogicalType() instanceof LogicalTypes.TimestampMillis ? TIMESTAMP : LONG;
                case ARRAY -> {
                    if (schema.getElementType().getType() != Schema.Type.STRING) {
                        throw new IllegalStateException(where + ": no JSON form for an array of "
                                + schema.getElementType());
                    }
                    yield STRING_ARRAY;
                }
                default -> throw new IllegalStateException(where + ": no JSON form for " + schema);
            };
        }

        FieldReader<?> reader() {
            return switch (this) {
                case STRING -> EventJson::string;
                case DOUBLE -> EventJson::finiteNumber;
                case LONG -> EventJson::longNumber;
                case INT -> EventJson::intNumber;
                case BOOLEAN -> EventJson::bool;
                case TIMESTAMP -> EventJson::timestamp;
                case STRING_ARRAY -> EventJson::ids;
            };
        }

        @SuppressWarnings("unchecked")
        void write(JsonGenerator json, String field, Object value) throws IOException {
            switch (this) {
                case STRING -> json.writeStringField(field, value.toString());
                case DOUBLE -> writeNumber(json, field, (Double) value);
                case LONG -> json.writeNumberField(field, (Long) value);
                case INT -> json.writeNumberField(field, (Integer) value);
                case BOOLEAN -> json.writeBooleanField(field, (Boolean) value);
                case TIMESTAMP -> json.writeStringField(field, JsonTimestamps.format((Instant) value));
                case STRING_ARRAY -> {
                    json.writeArrayFieldStart(field);
                    for (Object item : (List<Object>) value) {
                        json.writeString(requireField(item, field + "[]").toString());
                    }
                    json.writeEndArray();
                }
            }
        }
    }

    /** One field of a schema, as the codec reads and writes it. */
    private record FieldCodec(int position, String name, Kind kind, boolean nullable, boolean required,
            Object defaultValue, FieldReader<?> reader, boolean eventType, boolean omittedAtDefault) {

        static FieldCodec of(Schema record, Schema.Field field) {
            String qualified = record.getName() + "." + field.name();
            Schema type = field.schema();
            boolean nullable = type.isNullable();
            if (type.isUnion()) {
                List<Schema> branches = type.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
                if (branches.size() != 1) {
                    throw new IllegalStateException(qualified + ": no JSON form for " + type);
                }
                type = branches.get(0);
            }
            Kind kind = Kind.of(type, qualified);
            boolean eventType = field.name().equals("eventType");
            boolean required = (!nullable && !field.hasDefaultValue())
                    || (eventType && EVENT_TYPE_REQUIRED.contains(record.getName()));
            Object defaultValue = field.hasDefaultValue() && !nullable ? defaultOf(kind, field.defaultVal()) : null;
            FieldReader<?> reader = CONSTRAINTS.getOrDefault(qualified,
                    CONSTRAINTS.getOrDefault(field.name(), kind.reader()));
            return new FieldCodec(field.pos(), field.name(), kind, nullable, required, defaultValue, reader, eventType,
                    OMITTED_AT_DEFAULT.contains(qualified));
        }

        private static Object defaultOf(Kind kind, Object avroDefault) {
            return switch (kind) {
                case STRING_ARRAY -> List.copyOf((List<?>) avroDefault);
                case LONG -> ((Number) avroDefault).longValue();
                case TIMESTAMP -> Instant.ofEpochMilli(((Number) avroDefault).longValue());
                case INT -> ((Number) avroDefault).intValue();
                case DOUBLE -> ((Number) avroDefault).doubleValue();
                default -> avroDefault;
            };
        }

        /** A fresh default: an array default becomes a list of its own, as the record may be changed. */
        Object freshDefault() {
            return kind == Kind.STRING_ARRAY ? new ArrayList<>((List<?>) defaultValue) : defaultValue;
        }
    }

    /**
     * The decoder and encoder of one event contract, from its schema. Fields are written in schema order, those in
     * {@link #LAST} at the end, and checked in the same order but for {@code eventType}, checked first (it says which
     * contract the record claims).
     */
    static final class SchemaCodec<T extends IndexedRecord> {
        private final Supplier<T> factory;
        private final String recordName;
        /** Schema order, those in {@link #LAST} at the end: how a record is written. */
        private final List<FieldCodec> written;
        /** The same with {@code eventType} first: how a record is checked. */
        private final List<FieldCodec> checked;

        SchemaCodec(Supplier<T> factory) {
            this.factory = factory;
            Schema schema = factory.get().getSchema();
            this.recordName = schema.getName();
            List<FieldCodec> inOrder = new ArrayList<>();
            List<FieldCodec> last = new ArrayList<>();
            for (Schema.Field field : schema.getFields()) {
                FieldCodec codec = FieldCodec.of(schema, field);
                (LAST.contains(recordName + "." + field.name()) ? last : inOrder).add(codec);
            }
            inOrder.addAll(last);
            this.written = List.copyOf(inOrder);
            List<FieldCodec> eventTypeFirst = new ArrayList<>(inOrder.stream().filter(FieldCodec::eventType).toList());
            inOrder.stream().filter(f -> !f.eventType()).forEach(eventTypeFirst::add);
            this.checked = List.copyOf(eventTypeFirst);
        }

        Decoded<T> decode(byte[] utf8) {
            try {
                ObjectNode json = parseObject(utf8);
                T record = factory.get();
                for (FieldCodec field : checked) {
                    JsonNode value = json.get(field.name());
                    Object read;
                    if (value == null || value.isNull()) {
                        if (field.required()) {
                            throw new Rejection(MISSING_FIELD, "required field '" + field.name() + "' is "
                                    + (value == null ? "missing" : "null"));
                        }
                        read = field.freshDefault();
                    } else {
                        read = field.reader().read(field.name(), value);
                    }
                    if (field.eventType()) {
                        checkEventType((String) read, recordName);
                    }
                    record.put(field.position(), read);
                }
                return Decoded.ok(record);
            } catch (Rejection r) {
                return r.toDecoded();
            }
        }

        byte[] encode(T record) {
            return write(json -> {
                for (FieldCodec field : written) {
                    Object value = record.get(field.position());
                    if (value == null && field.nullable()) {
                        continue;
                    }
                    requireField(value, field.name());
                    if (field.omittedAtDefault() && value.equals(field.defaultValue())) {
                        continue;
                    }
                    field.kind().write(json, field.name(), value);
                }
            });
        }
    }

    public static Decoded<AssetRegistered> decodeAssetRegistered(byte[] utf8) {
        return ASSET_REGISTERED_CODEC.decode(utf8);
    }

    public static Decoded<TelemetryReceived> decodeTelemetryReceived(byte[] utf8) {
        return TELEMETRY_CODEC.decode(utf8);
    }

    /** Decodes a raw reading from {@code telemetry.raw}; it has no eventType, and readingId is checked last. */
    public static Decoded<DeviceReading> decodeDeviceReading(byte[] utf8) {
        return DEVICE_READING_CODEC.decode(utf8);
    }

    /**
     * Decodes an alert as written to {@code alert.events}. The seed's alert has only alertId, assetId, severity,
     * reason and timestamp, so the additive fields take their schema defaults when absent.
     */
    public static Decoded<AlertTriggered> decodeAlertTriggered(byte[] utf8) {
        return ALERT_TRIGGERED_CODEC.decode(utf8);
    }

    /** Decodes an alert's end as written to {@code alert.events}. */
    public static Decoded<AlertResolved> decodeAlertResolved(byte[] utf8) {
        return ALERT_RESOLVED_CODEC.decode(utf8);
    }

    /** The {@code eventType} of a record of {@code alert.events}: AlertTriggered (also when absent, as the seed wrote) or AlertResolved. */
    public static String alertEventType(byte[] utf8) {
        try {
            String eventType = optional(parseObject(utf8), "eventType", EventJson::string);
            return eventType == null ? ALERT_TRIGGERED : eventType;
        } catch (Rejection r) {
            return null;
        }
    }

    public static byte[] encode(AlertResolved resolved) {
        return ALERT_RESOLVED_CODEC.encode(resolved);
    }

    public static Decoded<DeadLetter> decodeDeadLetter(byte[] utf8) {
        return DEAD_LETTER_CODEC.decode(utf8);
    }

    /**
     * Decodes one record of the rules topic. Stricter than the event decoders because a rule is configuration a
     * person wrote: unknown fields are rejected (a typo must not silently keep a default), the scope must be
     * {@code default}, {@code type:<assetType>} or {@code asset:<assetId>} and equal the record key, versions
     * start at 1 (0 is the job's {@code --rules}), and a record setting both {@code warn} and {@code critical}
     * must have {@code warn < critical}. The job sends every rejection to its DLQ as INVALID_RULE.
     */
    public static Decoded<RuleSet> decodeRuleSet(String key, byte[] utf8) {
        try {
            ObjectNode json = parseObject(utf8);
            rejectUnknown(json, RULE_SET_FIELDS, "");
            String eventType = optional(json, "eventType", EventJson::string);
            if (eventType != null) {
                checkEventType(eventType, RULE_SET);
            }
            String scope = required(json, "scope", EventJson::scope);
            if (key != null && !key.equals(scope)) {
                throw new Rejection(INVALID_VALUE, "field 'scope' is " + quote(scope) + " but the record key is "
                        + quote(key) + "; the key must be the scope");
            }
            long version = required(json, "version", EventJson::longNumber);
            if (version < 1) {
                throw new Rejection(INVALID_VALUE, "field 'version' must be at least 1 (0 is the job's --rules), got "
                        + version);
            }
            RuleSet rules = RuleSet.newBuilder()
                    .setScope(scope)
                    .setVersion(version)
                    .setEffectiveFrom(required(json, "effectiveFrom", EventJson::timestamp))
                    .setTemperatureThreshold(optional(json, "temperatureThreshold", EventJson::thresholdParameters))
                    .setSustainedOverheat(optional(json, "sustainedOverheat", EventJson::sustainedParameters))
                    .setAssetSilence(optional(json, "assetSilence", EventJson::silenceParameters))
                    .build();
            Double critical = rules.getTemperatureThreshold() == null ? null : rules.getTemperatureThreshold().getCritical();
            Double warn = rules.getSustainedOverheat() == null ? null : rules.getSustainedOverheat().getWarn();
            Double clear = rules.getTemperatureThreshold() == null ? null : rules.getTemperatureThreshold().getClear();
            if (critical != null && clear != null && clear > critical) {
                throw new Rejection(INVALID_VALUE, "field 'temperatureThreshold.clear' (" + clear
                        + ") must be at or below 'temperatureThreshold.critical' (" + critical + ")");
            }
            if (critical != null && warn != null && warn >= critical) {
                throw new Rejection(INVALID_VALUE, "field 'sustainedOverheat.warn' (" + warn
                        + ") must be below 'temperatureThreshold.critical' (" + critical + ")");
            }
            return Decoded.ok(rules);
        } catch (Rejection r) {
            return r.toDecoded();
        }
    }

    private static String scope(String field, JsonNode value) {
        String scope = string(field, value);
        if (RuleRecords.isScope(scope)) {
            return scope;
        }
        throw new Rejection(INVALID_VALUE, "field '" + field + "' must be \"default\", \"type:<assetType>\" or"
                + " \"asset:<assetId>\", got " + quote(scope));
    }

    private static ThresholdParameters thresholdParameters(String field, JsonNode value) {
        ObjectNode json = object(field, value, THRESHOLD_FIELDS);
        return ThresholdParameters.newBuilder()
                .setEnabled(optional(json, field + ".enabled", "enabled", EventJson::bool))
                .setCritical(optional(json, field + ".critical", "critical", EventJson::temperature))
                .setClear(optional(json, field + ".clear", "clear", EventJson::temperature))
                .setClearDelay(optional(json, field + ".clearDelay", "clearDelay", EventJson::clearDelay))
                .setFlapCount(optional(json, field + ".flapCount", "flapCount", EventJson::flapCount))
                .setFlapWindow(optional(json, field + ".flapWindow", "flapWindow", EventJson::windowSize))
                .build();
    }

    private static SustainedOverheatParameters sustainedParameters(String field, JsonNode value) {
        ObjectNode json = object(field, value, SUSTAINED_FIELDS);
        return SustainedOverheatParameters.newBuilder()
                .setEnabled(optional(json, field + ".enabled", "enabled", EventJson::bool))
                .setWarn(optional(json, field + ".warn", "warn", EventJson::temperature))
                .setWindowSize(optional(json, field + ".windowSize", "windowSize", EventJson::windowSize))
                .setWindowCount(optional(json, field + ".windowCount", "windowCount", EventJson::windowCount))
                .build();
    }

    private static SilenceParameters silenceParameters(String field, JsonNode value) {
        ObjectNode json = object(field, value, SILENCE_FIELDS);
        return SilenceParameters.newBuilder()
                .setEnabled(optional(json, field + ".enabled", "enabled", EventJson::bool))
                .build();
    }

    private static ObjectNode object(String field, JsonNode value, Set<String> allowed) {
        if (!value.isObject()) {
            throw wrongType(field, "an object", value);
        }
        rejectUnknown((ObjectNode) value, allowed, field + ".");
        return (ObjectNode) value;
    }

    private static void rejectUnknown(ObjectNode json, Set<String> allowed, String prefix) {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new Rejection(INVALID_VALUE, "unknown field '" + prefix + truncate(name) + "' (allowed: "
                        + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    /** An optional field of a nested object, named in messages by its path. */
    private static <T> T optional(ObjectNode json, String path, String field, FieldReader<T> reader) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : reader.read(path, value);
    }

    private static Boolean bool(String field, JsonNode value) {
        if (!value.isBoolean()) {
            throw wrongType(field, "true or false", value);
        }
        return value.booleanValue();
    }

    /** A window size in Flink's duration notation ({@code 1 min}, {@code 30s}): whole seconds, 1 s to 1 day. */
    private static String windowSize(String field, JsonNode value) {
        String text = string(field, value);
        java.time.Duration size;
        try {
            size = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Rejection(INVALID_VALUE, "field '" + field + "' must be a duration like \"1 min\" or \"30s\", got "
                    + quote(text));
        }
        if (size.toMillis() < 1000 || size.toMillis() % 1000 != 0 || size.compareTo(MAX_WINDOW_SIZE) > 0) {
            throw new Rejection(INVALID_VALUE, "field '" + field + "' must be a whole number of seconds from 1s to 1 d,"
                    + " got " + quote(text));
        }
        return text;
    }

    /** How long readings must stay at or below clear: a duration from 0 to 1 day, in whole milliseconds. */
    private static String clearDelay(String field, JsonNode value) {
        String text = string(field, value);
        java.time.Duration delay;
        try {
            delay = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Rejection(INVALID_VALUE, "field '" + field + "' must be a duration like \"1 min\" or \"0s\", got "
                    + quote(text));
        }
        if (delay.isNegative() || delay.compareTo(MAX_WINDOW_SIZE) > 0) {
            throw new Rejection(INVALID_VALUE, "field '" + field + "' must be from 0s to 1 d, got " + quote(text));
        }
        return text;
    }

    private static Integer flapCount(String field, JsonNode value) {
        int count = intNumber(field, value);
        if (count < 1 || count > 100) {
            throw new Rejection(INVALID_VALUE, "field '" + field + "' must be from 1 to 100, got " + count);
        }
        return count;
    }

    private static Integer windowCount(String field, JsonNode value) {
        int count = intNumber(field, value);
        if (count < 1 || count > MAX_WINDOW_COUNT) {
            throw new Rejection(INVALID_VALUE, "field '" + field + "' must be from 1 to " + MAX_WINDOW_COUNT + ", got "
                    + count);
        }
        return count;
    }

    public static byte[] encode(RuleSet rules) {
        return write(json -> {
            writeString(json, "eventType", rules.getEventType());
            writeString(json, "scope", rules.getScope());
            json.writeNumberField("version", rules.getVersion());
            writeTimestamp(json, "effectiveFrom", rules.getEffectiveFrom());
            ThresholdParameters threshold = rules.getTemperatureThreshold();
            if (threshold != null) {
                json.writeObjectFieldStart("temperatureThreshold");
                if (threshold.getEnabled() != null) {
                    json.writeBooleanField("enabled", threshold.getEnabled());
                }
                if (threshold.getCritical() != null) {
                    writeNumber(json, "critical", threshold.getCritical());
                }
                if (threshold.getClear() != null) {
                    writeNumber(json, "clear", threshold.getClear());
                }
                if (threshold.getClearDelay() != null) {
                    writeString(json, "clearDelay", threshold.getClearDelay());
                }
                if (threshold.getFlapCount() != null) {
                    json.writeNumberField("flapCount", threshold.getFlapCount());
                }
                if (threshold.getFlapWindow() != null) {
                    writeString(json, "flapWindow", threshold.getFlapWindow());
                }
                json.writeEndObject();
            }
            SustainedOverheatParameters sustained = rules.getSustainedOverheat();
            if (sustained != null) {
                json.writeObjectFieldStart("sustainedOverheat");
                if (sustained.getEnabled() != null) {
                    json.writeBooleanField("enabled", sustained.getEnabled());
                }
                if (sustained.getWarn() != null) {
                    writeNumber(json, "warn", sustained.getWarn());
                }
                if (sustained.getWindowSize() != null) {
                    writeString(json, "windowSize", sustained.getWindowSize());
                }
                if (sustained.getWindowCount() != null) {
                    json.writeNumberField("windowCount", sustained.getWindowCount());
                }
                json.writeEndObject();
            }
            SilenceParameters silence = rules.getAssetSilence();
            if (silence != null) {
                json.writeObjectFieldStart("assetSilence");
                if (silence.getEnabled() != null) {
                    json.writeBooleanField("enabled", silence.getEnabled());
                }
                json.writeEndObject();
            }
        });
    }

    public static byte[] encode(AssetRegistered event) {
        return ASSET_REGISTERED_CODEC.encode(event);
    }

    public static byte[] encode(TelemetryReceived event) {
        return TELEMETRY_CODEC.encode(event);
    }

    /** Writes a raw reading as devices send it; for simulators and tests. */
    public static byte[] encode(DeviceReading reading) {
        return DEVICE_READING_CODEC.encode(reading);
    }

    public static byte[] encode(AlertTriggered alert) {
        return ALERT_TRIGGERED_CODEC.encode(alert);
    }

    public static byte[] encode(DeadLetter deadLetter) {
        return DEAD_LETTER_CODEC.encode(deadLetter);
    }

    private static ObjectNode parseObject(byte[] utf8) {
        if (utf8 == null) {
            throw new Rejection(MALFORMED_JSON, "malformed JSON: no payload (null record value)");
        }
        if (utf8.length == 0) {
            throw new Rejection(MALFORMED_JSON, "malformed JSON: empty payload");
        }
        int invalid = Utf8.firstInvalidOffset(utf8);
        if (invalid >= 0) {
            throw new Rejection(MALFORMED_JSON, "malformed JSON: invalid UTF-8 at byte offset " + invalid);
        }
        JsonNode root;
        try {
            root = READER.readTree(utf8);
        } catch (JsonProcessingException e) {
            throw new Rejection(MALFORMED_JSON, "malformed JSON: " + describe(e));
        } catch (IOException e) {
            throw new Rejection(MALFORMED_JSON, "malformed JSON: " + oneLine(e.getMessage()));
        }
        if (root.isMissingNode()) {
            throw new Rejection(MALFORMED_JSON, "malformed JSON: payload holds only whitespace");
        }
        if (!root.isObject()) {
            throw new Rejection(MALFORMED_JSON, "malformed JSON: top-level value must be an object, got "
                    + describe(root));
        }
        return (ObjectNode) root;
    }

    private static void checkEventType(String actual, String expected) {
        if (!expected.equals(actual)) {
            throw new Rejection(UNKNOWN_EVENT_TYPE,
                    "field 'eventType' is " + quote(actual) + ", expected \"" + expected + "\"");
        }
    }

    @FunctionalInterface
    private interface FieldReader<T> {
        T read(String field, JsonNode value);
    }

    private static <T> T required(ObjectNode json, String field, FieldReader<T> reader) {
        JsonNode value = json.get(field);
        if (value == null) {
            throw new Rejection(MISSING_FIELD, "required field '" + field + "' is missing");
        }
        if (value.isNull()) {
            throw new Rejection(MISSING_FIELD, "required field '" + field + "' is null");
        }
        return reader.read(field, value);
    }

    /** An optional field: absent and JSON null both read as {@code null}. */
    private static <T> T optional(ObjectNode json, String field, FieldReader<T> reader) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : reader.read(field, value);
    }

    private static String string(String field, JsonNode value) {
        if (!value.isTextual()) {
            throw wrongType(field, "a string", value);
        }
        return value.textValue();
    }

    private static String id(String field, JsonNode value) {
        String text = string(field, value);
        if (text.isBlank()) {
            throw new Rejection(INVALID_VALUE, "field '" + field + "' must not be blank, got " + quote(text));
        }
        return text;
    }

    private static double finiteNumber(String field, JsonNode value) {
        if (!value.isNumber()) {
            throw wrongType(field, "a number", value);
        }
        double number = value.doubleValue();
        if (!Double.isFinite(number)) {
            throw new Rejection(INVALID_VALUE,
                    "field '" + field + "' must be a finite number, got one beyond the double range");
        }
        return number;
    }

    private static double temperature(String field, JsonNode value) {
        return inRange(field, finiteNumber(field, value), MIN_TEMPERATURE_CELSIUS, MAX_TEMPERATURE_CELSIUS, "°C");
    }

    private static double power(String field, JsonNode value) {
        return inRange(field, finiteNumber(field, value), MIN_POWER_KW, MAX_POWER_KW, "kW");
    }

    private static double inRange(String field, double number, double min, double max, String unit) {
        if (number < min || number > max) {
            throw new Rejection(INVALID_VALUE, "field '" + field + "' must be between " + min + " and " + max
                    + " " + unit + ", got " + number);
        }
        return number;
    }

    private static int intNumber(String field, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw wrongType(field, "a 32-bit integer", value);
        }
        return value.intValue();
    }

    private static long longNumber(String field, JsonNode value) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw wrongType(field, "a 64-bit integer", value);
        }
        return value.longValue();
    }

    private static Instant timestamp(String field, JsonNode value) {
        Instant instant = value.isTextual() ? JsonTimestamps.parse(value.textValue()) : null;
        if (instant == null) {
            throw wrongType(field,
                    "an ISO-8601 instant string like 2026-01-10T10:15:00Z or 2026-01-10T12:15:00.120+02:00",
                    value);
        }
        if (instant.isBefore(MIN_TIMESTAMP) || instant.isAfter(MAX_TIMESTAMP)) {
            throw new Rejection(INVALID_VALUE, "field '" + field + "' must lie within years 0000..9999 in UTC, got "
                    + quote(value.textValue()));
        }
        return instant;
    }

    private static List<String> ids(String field, JsonNode value) {
        if (!value.isArray()) {
            throw wrongType(field, "an array of strings", value);
        }
        List<String> ids = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            ids.add(id(field + "[" + i + "]", value.get(i)));
        }
        return ids;
    }

    private static String payloadEncoding(String field, JsonNode value) {
        String encoding = string(field, value);
        if (!encoding.equals(DeadLetters.PAYLOAD_ENCODING_UTF8)
                && !encoding.equals(DeadLetters.PAYLOAD_ENCODING_BASE64)) {
            throw new Rejection(INVALID_VALUE, "field '" + field + "' must be \"" + DeadLetters.PAYLOAD_ENCODING_UTF8
                    + "\" or \"" + DeadLetters.PAYLOAD_ENCODING_BASE64 + "\", got " + quote(encoding));
        }
        return encoding;
    }

    private static Rejection wrongType(String field, String expected, JsonNode value) {
        return new Rejection(INVALID_VALUE, "field '" + field + "' must be " + expected + ", got " + describe(value));
    }

    private static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "string " + quote(value.textValue());
            case NUMBER -> "number " + truncate(value.asText());
            case BOOLEAN -> "boolean " + value.asText();
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case NULL -> "null";
            default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String describe(JsonProcessingException e) {
        String what;
        if (e instanceof JsonEOFException) {
            what = "unexpected end of input";
        } else if (e instanceof MismatchedInputException) {
            what = "unexpected data after the top-level value";
        } else {
            what = oneLine(e.getOriginalMessage());
        }
        JsonLocation at = e.getLocation();
        return at == null ? what : what + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() <= MAX_PARSER_MESSAGE_CHARS ? line : line.substring(0, MAX_PARSER_MESSAGE_CHARS) + "...";
    }

    /** A JSON string literal of {@code text}, escaped so the message stays on one line, and cut if long. */
    private static String quote(String text) {
        boolean cut = text.length() > MAX_QUOTED_CHARS;
        String shown = cut ? text.substring(0, Character.isHighSurrogate(text.charAt(MAX_QUOTED_CHARS - 1))
                ? MAX_QUOTED_CHARS - 1 : MAX_QUOTED_CHARS) : text;
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(shown)) + (cut ? "...\"" : "\"");
    }

    private static String truncate(String text) {
        return text.length() <= MAX_QUOTED_CHARS ? text : text.substring(0, MAX_QUOTED_CHARS) + "...";
    }

    /** Carries a rejection out of the field readers; stackless, so a rejected record costs no stack walk. */
    private static final class Rejection extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final RejectReason reason;

        Rejection(RejectReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        <T> Decoded<T> toDecoded() {
            return Decoded.rejected(reason, getMessage());
        }
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            body.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeString(JsonGenerator json, String field, String value) throws IOException {
        json.writeStringField(field, requireField(value, field));
    }

    /** Refuses NaN and infinities: JSON cannot carry them and the decoder would reject the record. */
    private static void writeNumber(JsonGenerator json, String field, double value) throws IOException {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("field '" + field + "' must be finite to be written, got " + value);
        }
        json.writeNumberField(field, value);
    }

    private static void writeTimestamp(JsonGenerator json, String field, Instant value) throws IOException {
        json.writeStringField(field, JsonTimestamps.format(requireField(value, field)));
    }

    private static <T> T requireField(T value, String field) {
        if (value == null) {
            throw new NullPointerException("field '" + field + "' is null");
        }
        return value;
    }
}
