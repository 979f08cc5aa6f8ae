package io.assetalerts.udfs.functions;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.state.RegisteredReading;
import io.assetalerts.schemas.state.ThresholdEpisode;
import io.assetalerts.udfs.rules.RuleBook;
import io.assetalerts.udfs.rules.ThresholdRule;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Runs {@link ThresholdRule} for each asset: loads the asset's episode state, applies the rule with the
 * thresholds of the asset's type, stores the state only when it changed, emits the alert if any.
 * Keyed by assetId; its input arrives in event-time order per asset from {@link RegistryJoin}.
 */
public class ThresholdRuleFunction extends KeyedProcessFunction<String, RegisteredReading, AlertTriggered> {

    private final RuleBook rules;
    private transient ValueState<ThresholdEpisode> episode;
    private transient Counter alerts;

    public ThresholdRuleFunction(RuleBook rules) {
        this.rules = rules;
    }

    @Override
    public void open(OpenContext openContext) {
        episode = getRuntimeContext().getState(
                new ValueStateDescriptor<>("threshold-episode", new AvroTypeInfo<>(ThresholdEpisode.class)));
        alerts = AlertMetrics.counter(getRuntimeContext().getMetricGroup(), ThresholdRule.NAME, ThresholdRule.SEVERITY);
    }

    @Override
    public void processElement(RegisteredReading in, Context ctx, Collector<AlertTriggered> out) throws Exception {
        ThresholdEpisode current = episode.value();
        ThresholdRule.Step step = ThresholdRule.apply(current, in.getReading().getEvent(), in.getAssetType(),
                in.getLocation(), rules.forType(in.getAssetType()).critical());
        if (!step.next().equals(current)) {
            episode.update(step.next());
        }
        if (step.alert() != null) {
            alerts.inc();
            out.collect(step.alert());
        }
    }
}
