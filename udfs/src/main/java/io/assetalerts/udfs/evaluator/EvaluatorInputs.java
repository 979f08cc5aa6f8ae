package io.assetalerts.udfs.evaluator;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.Control;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Either;

/**
 * What the evaluator's input carries. The keyed chain (dedupe, the legacy carriers, the evaluator) runs in one task:
 * dedupe takes the keyed readings and the broadcast {@link Control}s (registrations, rule changes), and everything
 * after it gets one stream of {@code Either<Reading, Control>}: a reading ({@code Left}, keyed by its assetId) or a
 * control ({@code Right}, for every subtask, with no key). So no reading crosses a network channel, or is serialised,
 * between dedupe and the rules.
 */
public final class EvaluatorInputs {

    /** The type of the keyed chain's stream after dedupe (Flink's Either serializer over two Avro types; no Kryo). */
    public static final EitherTypeInfo<Reading, Control> TYPE =
            new EitherTypeInfo<>(AvroType.forRecord(Reading.class), AvroType.forRecord(Control.class));

    /**
     * The key of a reading. A control has none: every operator of the chain after dedupe sets the key context for
     * readings only ({@link #setKey}, from its {@code setKeyContextElement1}, which Flink's default
     * {@code setKeyContextElement} of a one-input operator calls), so this is never asked for a control's.
     */
    public static final KeySelector<Either<Reading, Control>, String> BY_ASSET = input -> {
        if (input.isRight()) {
            throw new IllegalStateException("a control has no key: " + input.right());
        }
        return input.left().getEvent().getAssetId();
    };

    private EvaluatorInputs() {
    }

    /**
     * The key context for one element of the chain's stream: a reading's assetId; a control leaves it as it is (it is
     * for the whole subtask, and whoever handles it touches no keyed state).
     */
    public static void setKey(AbstractStreamOperator<?> operator, StreamRecord<Either<Reading, Control>> record) {
        Either<Reading, Control> input = record.getValue();
        if (input.isLeft()) {
            operator.setCurrentKey(input.left().getEvent().getAssetId());
        }
    }

    /**
     * A registration on the keyed path (ASSET_SILENT clocks): a {@link Reading} with {@code registration} set, keyed
     * like a reading by its event's assetId. The event is a placeholder (the registration's eventId, assetId and
     * timestamp); dedupe and the legacy carriers pass markers on, and the evaluator never keeps or evaluates one.
     */
    public static Reading registrationMarker(AssetRegistered asset) {
        TelemetryReceived placeholder = TelemetryReceived.newBuilder()
                .setEventId(asset.getEventId())
                .setAssetId(asset.getAssetId())
                .setPower(0)
                .setTemperature(0)
                .setTimestamp(asset.getTimestamp())
                .build();
        return Reading.newBuilder().setEvent(placeholder).setRegistration(asset).build();
    }
}
