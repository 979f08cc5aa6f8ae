package io.assetalerts.udfs.evaluator;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The alerts-emitted counter, one per (rule, severity): {@code <operator>.rule.<RULE>.severity.<SEV>.alertsEmitted},
 * which the Prometheus reporter exposes with {@code rule} and {@code severity} labels.
 */
public final class AlertMetrics {

    public static final String METRIC_ALERTS = "alertsEmitted";
    public static final String METRIC_RESOLVED = "alertsResolved";

    private AlertMetrics() {
    }

    public static Counter counter(MetricGroup operatorGroup, String rule, String severity) {
        return operatorGroup.addGroup("rule", rule).addGroup("severity", severity).counter(METRIC_ALERTS);
    }

    /** Episodes ended, one per rule: {@code <operator>.rule.<RULE>.alertsResolved}. */
    public static Counter resolvedCounter(MetricGroup operatorGroup, String rule) {
        return operatorGroup.addGroup("rule", rule).counter(METRIC_RESOLVED);
    }
}
