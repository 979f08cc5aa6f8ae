package io.assetalerts.udfs.evaluator;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.Reading;

/** What the evaluator's keyed input carries besides readings. */
public final class EvaluatorInputs {

    private EvaluatorInputs() {
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
