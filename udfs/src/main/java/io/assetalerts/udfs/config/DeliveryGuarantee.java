package io.assetalerts.udfs.config;

/** The two delivery modes a job offers for its Kafka output (SPEC 4.2 "Delivery"). */
public enum DeliveryGuarantee {
    /** Transactional KafkaSink committed on checkpoints; read_committed consumers see each record once. */
    EXACTLY_ONCE,
    /** Flushed on checkpoints, lower latency; duplicates after a failure carry the same deterministic ids. */
    AT_LEAST_ONCE;

    public org.apache.flink.connector.base.DeliveryGuarantee toFlink() {
        return this == EXACTLY_ONCE
                ? org.apache.flink.connector.base.DeliveryGuarantee.EXACTLY_ONCE
                : org.apache.flink.connector.base.DeliveryGuarantee.AT_LEAST_ONCE;
    }
}
