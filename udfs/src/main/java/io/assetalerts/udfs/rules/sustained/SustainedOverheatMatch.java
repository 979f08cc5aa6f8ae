package io.assetalerts.udfs.rules.sustained;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.assetalerts.schemas.state.AlertEvent;
import io.assetalerts.schemas.state.WindowRule;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.udfs.evaluator.AlertMetrics;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.rules.RuleVersions;
import io.assetalerts.udfs.rules.sustained.SustainedOverheatRule;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * The CEP side of SUSTAINED_OVERHEAT: one pattern for every window count, "a window that starts a hot streak, then
 * the windows that continue it, strictly next to each other, up to the count the first window's rule asks for", and
 * the function that turns the match of exactly that length into the alert. The count travels on each summary
 * ({@link WindowRule}), so the job graph and its uids never depend on the rules (issue 12).
 *
 * <p>CEP reports every prefix of the streak as it grows ({@code [first]}, {@code [first, second]}, ...); only the one
 * as long as the count raises the alert, and the streak's partial match then stops growing, so no partial match holds
 * more windows than the count. Because the first window must start a streak, an episode longer than the count never
 * matches twice (one alert per episode); strict contiguity and the adjacency flag end partial matches at the first
 * cool window or gap.
 *
 * <p>The stage names are the first release's, whose pattern had a fixed count: its partial matches restore into this
 * pattern (the NFA's states have the same names) and complete with the count their windows were judged by.
 */
public class SustainedOverheatMatch extends PatternProcessFunction<WindowSummary, AlertEvent> {

    public static final String FIRST = "first-hot-window";
    public static final String REST = "adjacent-hot-windows";

    private final RuleBook baseline;
    private transient Counter alerts;

    public SustainedOverheatMatch(RuleBook baseline) {
        this.baseline = baseline;
    }

    public static Pattern<WindowSummary, WindowSummary> pattern(RuleBook baseline) {
        return Pattern.<WindowSummary>begin(FIRST, AfterMatchSkipStrategy.noSkip())
                .where(SimpleCondition.of(SustainedOverheatRule::startsEpisode))
                .next(REST).where(new ContinuesUpToCount(baseline))
                .oneOrMore().optional().consecutive();
    }

    /** A window continuing the streak while the streak is still shorter than the count of its first window's rule. */
    private static final class ContinuesUpToCount extends IterativeCondition<WindowSummary> {
        private final RuleBook baseline;

        ContinuesUpToCount(RuleBook baseline) {
            this.baseline = baseline;
        }

        @Override
        public boolean filter(WindowSummary window, Context<WindowSummary> ctx) throws Exception {
            if (!SustainedOverheatRule.continuesEpisode(window)) {
                return false;
            }
            WindowSummary first = ctx.getEventsForPattern(FIRST).iterator().next();
            int length = 1;
            for (WindowSummary ignored : ctx.getEventsForPattern(REST)) {
                length++;
            }
            return length < ruleOf(first, baseline).getWindowCount();
        }
    }

    /** The rule a summary was judged by; a first-release summary carries none, and the job's --rules then apply. */
    static WindowRule ruleOf(WindowSummary window, RuleBook baseline) {
        if (window.getRule() != null) {
            return window.getRule();
        }
        var settings = baseline.forType(window.getAssetType());
        return WindowRule.newBuilder()
                .setWarn(settings.warn())
                .setWindowCount(settings.windowCount())
                .setWindowSizeMillis(settings.windowSize().toMillis())
                .setVersion(RuleVersions.BASELINE_VERSION)
                .setScope(baseline.byAssetType().containsKey(window.getAssetType())
                        ? RuleVersions.typeScope(window.getAssetType()) : RuleVersions.DEFAULT_SCOPE)
                .build();
    }

    @Override
    public void open(OpenContext openContext) {
        alerts = AlertMetrics.counter(getRuntimeContext().getMetricGroup(), SustainedOverheatRule.NAME,
                SustainedOverheatRule.SEVERITY);
    }

    @Override
    public void processMatch(Map<String, List<WindowSummary>> match, Context ctx, Collector<AlertEvent> out) {
        List<WindowSummary> windows = new ArrayList<>(match.get(FIRST));
        windows.addAll(match.getOrDefault(REST, List.of()));
        WindowRule rule = ruleOf(windows.get(0), baseline);
        if (windows.size() == rule.getWindowCount()) {
            alerts.inc();
            out.collect(AlertEvent.newBuilder().setTriggered(SustainedOverheatRule.alert(windows, rule)).build());
        }
    }
}
