package io.assetalerts.udfs.savepoint;

/**
 * Every operator uid of every job, in one place (the state names are in {@link StateDescriptors}, beside it). A
 * savepoint maps state to operators by these strings:
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
    public static final String RULES_SOURCE = "alert-rules-source";
    public static final String RULES_VALIDATION = "alert-rules-validation";
    /** Registrations as the evaluator's broadcast input, beside the rule changes. */
    public static final String ASSETS_TO_EVALUATOR = "asset-events-to-evaluator";
    /**
     * The one SUSTAINED_OVERHEAT CEP operator, for every window count. Its uid is the one the first release gave its
     * operator for the default count (3), so that operator's partial matches carry over; the first release's
     * operators for other counts ({@code rule-sustained-overheat-n<count>}) are gone, see docs/operations.md.
     */
    public static final String SUSTAINED_OVERHEAT_RULE = "rule-sustained-overheat-n3";
    /** The registry read a second time for the evaluator's keyed input (ASSET_SILENT clocks of assets never heard). */
    public static final String ASSET_KEYED_SOURCE = "asset-events-keyed-source";
    public static final String ASSET_KEYED_VALIDATION = "asset-events-keyed-validation";
    public static final String ASSET_KEYED_MARKERS = "asset-events-to-silence-clocks";
    public static final String ALERT_SINK = "alert-events-sink";
    public static final String DEAD_LETTER_COUNT = "dead-letter-count";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";

    // telemetry-ingest job
    public static final String RAW_SOURCE = "telemetry-raw-source";
    public static final String RAW_VALIDATION = "telemetry-raw-validation";
    public static final String INGEST_REGISTRY_JOIN = "ingest-registry-join";
    public static final String TELEMETRY_EVENTS = "telemetry-received";
    public static final String TELEMETRY_SINK = "telemetry-events-sink";
}
