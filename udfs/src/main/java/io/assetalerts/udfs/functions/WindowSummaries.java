package io.assetalerts.udfs.functions;

import io.assetalerts.schemas.state.RegisteredReading;
import io.assetalerts.schemas.state.WindowAccumulator;
import io.assetalerts.schemas.state.WindowSummary;
import io.assetalerts.udfs.rules.RuleBook;
import io.assetalerts.udfs.rules.SustainedOverheatRule;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Summarises each asset's readings in epoch-aligned tumbling event-time windows (count, sum, max), one
 * incrementally updated accumulator per asset: one state read and one write per reading. A window closes
 * when a later reading of the asset arrives or when the watermark passes its end, whichever is first.
 *
 * <p>Flink's window operator is not used on purpose: readings held for an asset that registers late are
 * released after the watermark has passed them, and would be late for it. Here they arrive in event-time
 * order per asset (from {@link RegistryJoin}), so windows close in order and nothing is late.
 */
public class WindowSummaries extends KeyedProcessFunction<String, RegisteredReading, WindowSummary> {

    private final RuleBook rules;
    private transient ValueState<WindowAccumulator> window;

    public WindowSummaries(RuleBook rules) {
        this.rules = rules;
    }

    @Override
    public void open(OpenContext openContext) {
        window = getRuntimeContext().getState(
                new ValueStateDescriptor<>("open-window", new AvroTypeInfo<>(WindowAccumulator.class)));
    }

    @Override
    public void processElement(RegisteredReading in, Context ctx, Collector<WindowSummary> out) throws Exception {
        SustainedOverheatRule.Step step = SustainedOverheatRule.add(window.value(), in.getReading().getEvent(),
                in.getAssetType(), in.getLocation(), rules.forType(in.getAssetType()));
        if (step.closed() != null) {
            out.collect(step.closed());
        }
        window.update(step.open());
        if (step.opened()) {
            ctx.timerService().registerEventTimeTimer(step.open().getWindowEnd() - 1);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowSummary> out) throws Exception {
        WindowAccumulator acc = window.value();
        if (acc == null || acc.getCount() == 0 || acc.getWindowEnd() - 1 != timestamp) {
            return; // that window was already closed by a later reading
        }
        WindowSummary closed = SustainedOverheatRule.close(acc, ctx.getCurrentKey(),
                rules.forType(acc.getAssetType()).warn());
        out.collect(closed);
        window.update(SustainedOverheatRule.afterClose(closed));
    }
}
