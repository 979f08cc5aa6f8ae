package io.assetalerts.udfs.functions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.udfs.rules.RuleBook;
import io.assetalerts.udfs.rules.SustainedOverheatRule;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * The CEP side of SUSTAINED_OVERHEAT: the pattern "a window that starts a hot streak, then N-1 windows that
 * continue it, strictly next to each other", and the function that turns a match into the alert. Because the
 * first window must start a streak, an episode longer than N windows never matches twice (one alert per
 * episode); strict contiguity and the adjacency flag end partial matches at the first cool window or gap,
 * so no partial match outlives the next summary of its asset.
 */
public class SustainedOverheatMatch extends PatternProcessFunction<WindowSummary, AlertTriggered> {

    static final String FIRST = "first-hot-window";
    static final String REST = "adjacent-hot-windows";

    private final RuleBook rules;
    private transient Counter alerts;

    public SustainedOverheatMatch(RuleBook rules) {
        this.rules = rules;
    }

    public static Pattern<WindowSummary, WindowSummary> pattern(int windowCount) {
        Pattern<WindowSummary, WindowSummary> first = Pattern.<WindowSummary>begin(FIRST,
                AfterMatchSkipStrategy.skipPastLastEvent()).where(SimpleCondition.of(SustainedOverheatRule::startsEpisode));
        if (windowCount == 1) {
            return first;
        }
        return first.next(REST).where(SimpleCondition.of(SustainedOverheatRule::continuesEpisode))
                .times(windowCount - 1).consecutive();
    }

    @Override
    public void open(OpenContext openContext) {
        alerts = AlertMetrics.counter(getRuntimeContext().getMetricGroup(), SustainedOverheatRule.NAME,
                SustainedOverheatRule.SEVERITY);
    }

    @Override
    public void processMatch(Map<String, List<WindowSummary>> match, Context ctx, Collector<AlertTriggered> out) {
        List<WindowSummary> windows = new ArrayList<>(match.get(FIRST));
        windows.addAll(match.getOrDefault(REST, List.of()));
        alerts.inc();
        out.collect(SustainedOverheatRule.alert(windows, rules.forType(windows.get(0).getAssetType())));
    }
}
