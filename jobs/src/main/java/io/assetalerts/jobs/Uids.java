package io.assetalerts.jobs;

/**
 * Every operator uid of every job, in one place. A savepoint maps state to operators by these strings:
 * never derive them from class names and never change one whose operator keeps state.
 */
public final class Uids {

    private Uids() {
    }

    // alert job (and the registry side of the ingest job)
    public static final String ASSET_SOURCE = "asset-events-source";
    public static final String ASSET_VALIDATION = "asset-events-validation";
    public static final String TELEMETRY_SOURCE = "telemetry-events-source";
    public static final String TELEMETRY_VALIDATION = "telemetry-events-validation";
    public static final String DEDUPE = "dedupe-event-ids";
    /** Ordering, registry join and both rules' state; the first release's registry join had this uid. */
    public static final String EVALUATOR = "registry-join";
    /** Carries the first release's TEMPERATURE_THRESHOLD state to the evaluator (LegacyStateCarrier). */
    public static final String LEGACY_THRESHOLD_RULE = "rule-temperature-threshold";
    /** Carries the first release's open SUSTAINED_OVERHEAT windows to the evaluator (LegacyStateCarrier). */
    public static final String LEGACY_WINDOW_SUMMARIES = "window-summaries";
    public static final String ALERT_SINK = "alert-events-sink";
    public static final String DEAD_LETTER_COUNT = "dead-letter-count";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";

    // telemetry-ingest job
    public static final String RAW_SOURCE = "telemetry-raw-source";
    public static final String RAW_VALIDATION = "telemetry-raw-validation";
    public static final String INGEST_REGISTRY_JOIN = "ingest-registry-join";
    public static final String TELEMETRY_EVENTS = "telemetry-received";
    public static final String TELEMETRY_SINK = "telemetry-events-sink";

    /** The summaries routed to the CEP pattern for asset types that need {@code windowCount} hot windows. */
    public static String sustainedOverheatRoute(int windowCount) {
        return "sustained-overheat-route-n" + windowCount;
    }

    /** The CEP operator matching {@code windowCount} adjacent hot windows. */
    public static String sustainedOverheatRule(int windowCount) {
        return "rule-sustained-overheat-n" + windowCount;
    }
}
