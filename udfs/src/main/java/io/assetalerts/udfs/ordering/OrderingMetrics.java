package io.assetalerts.udfs.ordering;

/**
 * The metrics of event-time ordering, holds and the registry join, by the same names in both jobs: the ingest job's
 * {@link OrderReadingsByEventTime} and the alert job's evaluator (docs/operations.md lists them).
 */
public final class OrderingMetrics {

    /** Readings that left the ordering in event-time order (counter). */
    public static final String METRIC_PROCESSED = "telemetryProcessed";
    /** Readings at or behind the watermark on arrival, dead-lettered as LATE_EVENT (counter). */
    public static final String METRIC_LATE = PendingReadings.METRIC_LATE;
    /** Readings of an asset not registered yet, put on hold (counter). */
    public static final String METRIC_HELD = "readingsHeld";
    /** Held readings released once their asset was registered (counter). */
    public static final String METRIC_RELEASED = "heldReadingsReleased";
    /** Held readings whose grace passed, dead-lettered as UNKNOWN_ASSET (counter). */
    public static final String METRIC_EXPIRED = "heldReadingsExpired";
    /** Registrations in the broadcast registry of the subtask (gauge). */
    public static final String METRIC_ASSETS_KNOWN = AssetRegistry.METRIC_ASSETS_KNOWN;

    private OrderingMetrics() {
    }
}
