package io.assetalerts.contracts.codec;

/**
 * Why a job could not use a record; written as the {@code reason} of its {@code DeadLetter} (SPEC 3).
 * The constant names are the wire codes, so they must never be renamed.
 */
public enum RejectReason {
    /** Not a single well-formed UTF-8 JSON object: empty, truncated, trailing data, duplicate keys, NaN. */
    MALFORMED_JSON,
    /** A required field is absent or JSON {@code null}. */
    MISSING_FIELD,
    /** A field has the wrong JSON type, is blank, non-finite, outside its physical range or not an instant. */
    INVALID_VALUE,
    /** {@code eventType} names an event this topic or decoder does not carry. */
    UNKNOWN_EVENT_TYPE,
    /** The asset never registered within the hold grace period. */
    UNKNOWN_ASSET,
    /** The event arrived behind the watermark beyond the allowed lateness. */
    LATE_EVENT,
    /** The Kafka record key differs from the event's {@code assetId}. */
    KEY_MISMATCH,
    /**
     * The reading is stamped more than {@code --max-future-skew} ahead of the wall clock (a broken device clock);
     * rejected before it can move a watermark.
     */
    FUTURE_TIMESTAMP,
    /**
     * A record of the rules topic that cannot be applied: not JSON, an unknown field or scope, a key that is not the
     * scope, a version below 1, an impossible value (window count below 1) or an inconsistent one (warn at or above
     * critical). The message names the field; the rules in force stay as they were.
     */
    INVALID_RULE
}
