package io.assetalerts.udfs.deadletters;

import java.util.EnumMap;
import java.util.Map;

import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.contracts.codec.RejectReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Counts dead letters by reason code on their way to the DLQ topic:
 * {@code <operator>.reason.<CODE>.deadLetters}, a {@code reason} label in Prometheus.
 */
public class CountDeadLetters extends RichMapFunction<DeadLetter, DeadLetter> {

    public static final String METRIC_DEAD_LETTERS = "deadLetters";

    private transient Map<RejectReason, Counter> counters;

    @Override
    public void open(OpenContext openContext) {
        counters = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            counters.put(reason, getRuntimeContext().getMetricGroup().addGroup("reason", reason.name())
                    .counter(METRIC_DEAD_LETTERS));
        }
    }

    @Override
    public DeadLetter map(DeadLetter deadLetter) {
        Counter c = counters.get(RejectReason.valueOf(deadLetter.getReason()));
        c.inc();
        return deadLetter;
    }
}
