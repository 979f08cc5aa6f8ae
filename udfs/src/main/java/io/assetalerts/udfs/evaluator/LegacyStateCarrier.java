package io.assetalerts.udfs.evaluator;

import java.util.function.BiConsumer;
import java.util.stream.Stream;

import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.ThresholdEpisode;
import io.assetalerts.schemas.state.WindowAccumulator;
import io.assetalerts.udfs.savepoint.StateDescriptors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.util.Collector;

/**
 * The savepoint migration of issue 10. The first release kept each rule's state in an operator of its own
 * ({@code rule-temperature-threshold}, {@code window-summaries}); the {@link AssetEvaluator} keeps both now. A
 * savepoint maps state to operators by uid, so an operator with each old uid stays in the job: on an asset's first
 * reading after the restore it puts the asset's old state on the reading (which the evaluator adopts) and clears
 * it. It checks once at start whether any such state is left; when none is, as in every job not restored from a
 * first-release savepoint, it only passes readings on. It keeps the first release's event-time timers too, which
 * fire here and do nothing (the evaluator sets its own).
 *
 * @param <T> the type of the old state
 */
public final class LegacyStateCarrier<T> extends KeyedProcessFunction<String, Reading, Reading> {

    private final ValueStateDescriptor<T> descriptor;
    private final BiConsumer<Reading, T> attach;
    private transient ValueState<T> legacy;
    private transient boolean present;

    private LegacyStateCarrier(ValueStateDescriptor<T> descriptor, BiConsumer<Reading, T> attach) {
        this.descriptor = descriptor;
        this.attach = attach;
    }

    /** The first release's TEMPERATURE_THRESHOLD episodes ({@code rule-temperature-threshold}). */
    public static Operator<ThresholdEpisode> thresholdEpisodes() {
        return new Operator<>(new LegacyStateCarrier<>(StateDescriptors.legacyThresholdEpisode(),
                (BiConsumer<Reading, ThresholdEpisode> & java.io.Serializable) Reading::setLegacyThresholdEpisode));
    }

    /** The first release's open SUSTAINED_OVERHEAT windows ({@code window-summaries}). */
    public static Operator<WindowAccumulator> openWindows() {
        return new Operator<>(new LegacyStateCarrier<>(StateDescriptors.legacyOpenWindow(),
                (BiConsumer<Reading, WindowAccumulator> & java.io.Serializable) Reading::setLegacyOpenWindow));
    }

    @Override
    public void open(OpenContext openContext) {
        legacy = getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(Reading reading, Context ctx, Collector<Reading> out) throws Exception {
        if (present && reading.getRegistration() == null) {
            T old = legacy.value();
            if (old != null) {
                attach.accept(reading, old);
                legacy.clear();
            }
        }
        out.collect(reading);
    }

    /** Runs a carrier and tells it at start whether its old state has any entry left. */
    public static final class Operator<T> extends KeyedProcessOperator<String, Reading, Reading> {

        private final String stateName;

        private Operator(LegacyStateCarrier<T> carrier) {
            super(carrier);
            this.stateName = carrier.descriptor.getName();
        }

        @Override
        public void open() throws Exception {
            super.open();
            ((LegacyStateCarrier<?>) userFunction).present = hasEntries(getKeyedStateBackend(), stateName);
        }
    }

    /**
     * Whether keyed state {@code stateName} (registered by the operator's function) holds an entry for any key of
     * this subtask: how the migrating operators learn once, at start, whether a first-release savepoint left
     * anything to move.
     */
    public static boolean hasEntries(KeyedStateBackend<String> backend, String stateName) {
        try (Stream<String> keys = backend.getKeys(stateName, VoidNamespace.INSTANCE)) {
            return keys.findAny().isPresent();
        }
    }
}
