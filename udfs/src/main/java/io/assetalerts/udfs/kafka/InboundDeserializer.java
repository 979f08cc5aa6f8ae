package io.assetalerts.udfs.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.DeviceReading;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.Inbound;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.RuleChange;
import io.assetalerts.contracts.codec.DeadLetters;
import io.assetalerts.contracts.codec.Decoded;
import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.contracts.codec.NameIds;
import io.assetalerts.contracts.codec.RejectReason;
import io.assetalerts.contracts.codec.RuleRecords;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns each Kafka record of a contract topic into an {@link Inbound}: the parsed event, or the dead letter
 * saying why it was rejected (SPEC 3 reason codes, including KEY_MISMATCH when the record key is not the
 * event's assetId). It never throws, so bad input can never fail or restart the job.
 *
 * <p>A reading stamped more than {@code maxFutureSkew} ahead of the wall clock is rejected here as
 * FUTURE_TIMESTAMP, before the source's watermark generator sees its timestamp: one device with a broken clock
 * must not move its partition's watermark years ahead and make every later reading late. This is the only use of
 * the wall clock on the data path, and it is input validation: a replay of real past data is never affected.
 */
public final class InboundDeserializer implements KafkaRecordDeserializationSchema<Inbound> {

    /** The contract a topic carries. */
    public enum Contract {
        /** AssetRegistered on asset.events. */
        ASSET_REGISTERED,
        /** TelemetryReceived on telemetry.events. */
        TELEMETRY_RECEIVED,
        /** Device readings on telemetry.raw, turned into TelemetryReceived (SPEC 5). */
        DEVICE_READING,
        /** RuleSet versions on alert.rules, keyed by scope; a tombstone removes the scope's override. */
        RULE_SET
    }

    private final Contract contract;
    private final String job;
    private final long maxFutureSkewMillis;
    private final Clock clock;

    public InboundDeserializer(Contract contract, String job, Duration maxFutureSkew) {
        this(contract, job, maxFutureSkew, Clock.systemUTC());
    }

    InboundDeserializer(Contract contract, String job, Duration maxFutureSkew, Clock clock) {
        this.contract = contract;
        this.job = job;
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
        this.clock = clock;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Inbound> out) {
        out.collect(switch (contract) {
            case ASSET_REGISTERED -> asset(record);
            case TELEMETRY_RECEIVED -> telemetry(record, EventJson.decodeTelemetryReceived(record.value()));
            case DEVICE_READING -> telemetry(record, deviceReading(record.value()));
            case RULE_SET -> rule(record);
        });
    }

    /** Every rejection of a rules record is INVALID_RULE; the message keeps what was wrong, naming the field. */
    private Inbound rule(ConsumerRecord<byte[], byte[]> record) {
        Decoded<RuleChange> decoded = RuleRecords.decode(record.key(), record.value(), record.partition(), record.offset());
        return decoded.isOk()
                ? Inbound.newBuilder().setRule(decoded.value()).build()
                : rejected(record, decoded.reason(), decoded.message());
    }

    private Inbound asset(ConsumerRecord<byte[], byte[]> record) {
        Decoded<AssetRegistered> decoded = EventJson.decodeAssetRegistered(record.value());
        if (!decoded.isOk()) {
            return rejected(record, decoded.reason(), decoded.message());
        }
        String mismatch = keyMismatch(record, decoded.value().getAssetId());
        return mismatch != null
                ? rejected(record, RejectReason.KEY_MISMATCH, mismatch)
                : Inbound.newBuilder().setAsset(decoded.value()).build();
    }

    private Inbound telemetry(ConsumerRecord<byte[], byte[]> record, Decoded<TelemetryReceived> decoded) {
        if (!decoded.isOk()) {
            return rejected(record, decoded.reason(), decoded.message());
        }
        String mismatch = keyMismatch(record, decoded.value().getAssetId());
        if (mismatch != null) {
            return rejected(record, RejectReason.KEY_MISMATCH, mismatch);
        }
        Instant latest = clock.instant().plusMillis(maxFutureSkewMillis);
        if (decoded.value().getTimestamp().isAfter(latest)) {
            return rejected(record, RejectReason.FUTURE_TIMESTAMP, "timestamp " + decoded.value().getTimestamp()
                    + " is more than " + Duration.ofMillis(maxFutureSkewMillis) + " (--max-future-skew) ahead of the"
                    + " wall clock (" + latest.minusMillis(maxFutureSkewMillis) + ")");
        }
        Reading reading = new Reading(decoded.value(), record.partition(), record.offset(), false, null, null, null);
        return Inbound.newBuilder().setReading(reading).build();
    }

    private static Decoded<TelemetryReceived> deviceReading(byte[] value) {
        Decoded<DeviceReading> decoded = EventJson.decodeDeviceReading(value);
        if (!decoded.isOk()) {
            return Decoded.rejected(decoded.reason(), decoded.message());
        }
        DeviceReading r = decoded.value();
        return Decoded.ok(TelemetryReceived.newBuilder()
                .setEventId(r.getReadingId() != null ? r.getReadingId() : eventId(r.getAssetId(), r.getTimestamp()))
                .setAssetId(r.getAssetId())
                .setPower(r.getPower())
                .setTemperature(r.getTemperature())
                .setTimestamp(r.getTimestamp())
                .build());
    }

    /**
     * The eventId of a device reading without a readingId: a name-based UUID of (assetId, timestamp), so a
     * re-sent reading gets the same id and the alert job's dedupe drops it.
     */
    public static String eventId(String assetId, Instant timestamp) {
        return NameIds.of(assetId, timestamp.toEpochMilli());
    }

    private static String keyMismatch(ConsumerRecord<byte[], byte[]> record, String assetId) {
        if (record.key() == null) {
            return "record has no key; expected the assetId '" + assetId + "'";
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        return key.equals(assetId) ? null : "record key '" + key + "' differs from assetId '" + assetId + "'";
    }

    private Inbound rejected(ConsumerRecord<byte[], byte[]> record, RejectReason reason, String message) {
        return Inbound.newBuilder()
                .setDeadLetter(DeadLetters.of(reason, message, record.topic(), record.partition(), record.offset(),
                        record.key(), record.value(), job, Instant.now()))
                .build();
    }

    @Override
    public TypeInformation<Inbound> getProducedType() {
        return AvroType.forRecord(Inbound.class);
    }
}
