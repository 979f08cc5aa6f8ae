package io.assetalerts.udfs.evaluator;

import java.time.Instant;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.Reading;

/** Readings and registrations for operator tests, timed in seconds after {@link #T0}. */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2026-01-10T10:16:00Z");

    private Fixtures() {
    }

    public static long at(double seconds) {
        return T0.toEpochMilli() + Math.round(seconds * 1000);
    }

    public static Reading reading(String assetId, String eventId, double seconds, double temperature) {
        TelemetryReceived event = TelemetryReceived.newBuilder()
                .setEventId(eventId).setAssetId(assetId).setPower(82.4).setTemperature(temperature)
                .setTimestamp(Instant.ofEpochMilli(at(seconds))).build();
        return new Reading(event, 0, (long) (seconds * 10), false, null, null, null);
    }

    public static AssetRegistered asset(String assetId, String type) {
        return AssetRegistered.newBuilder()
                .setEventId("reg-" + assetId).setAssetId(assetId).setAssetType(type).setLocation("AP-Plant-7")
                .setTimestamp(T0).build();
    }
}
