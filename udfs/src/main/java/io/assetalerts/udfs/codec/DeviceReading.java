package io.assetalerts.udfs.codec;

import java.time.Instant;
import java.util.Objects;

/**
 * One raw device reading as it arrives on {@code telemetry.raw}, before the telemetry-ingest job validates
 * it into a {@code TelemetryReceived}. Decoded by {@link EventJson#decodeDeviceReading(byte[])}.
 *
 * @param readingId   the device's own id for the reading, or {@code null}; becomes the eventId when given
 * @param assetId     the asset that took the reading
 * @param power       power output, kW
 * @param temperature temperature, degrees Celsius
 * @param timestamp   measurement time (event time), millisecond precision
 */
public record DeviceReading(String readingId, String assetId, double power, double temperature, Instant timestamp) {

    public DeviceReading {
        Objects.requireNonNull(assetId, "assetId");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
