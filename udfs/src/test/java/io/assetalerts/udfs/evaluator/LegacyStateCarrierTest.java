package io.assetalerts.udfs.evaluator;

import static io.assetalerts.udfs.evaluator.Fixtures.keyedHarness;
import static io.assetalerts.udfs.evaluator.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.ThresholdEpisode;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class LegacyStateCarrierTest {

    @Test
    void putsTheFirstReleasesEpisodeOnTheAssetsFirstReadingAfterTheRestoreOnly() throws Exception {
        OperatorSubtaskState v1;
        try (var old = keyedHarness(new KeyedProcessOperator<>(new FirstReleaseThresholdState()), null)) {
            old.processElement(reading("T-1", "e1", 1, 120), 1);
            v1 = old.snapshot(1, 1);
        }
        try (var carrier = keyedHarness(LegacyStateCarrier.thresholdEpisodes(), v1)) {
            carrier.processElement(reading("T-1", "e2", 2, 120), 2);
            carrier.processElement(reading("T-1", "e3", 3, 120), 3);
            carrier.processElement(reading("T-2", "e4", 4, 120), 4);
            var out = carrier.extractOutputValues();
            assertThat(out).extracting(r -> r.getEvent().getEventId()).containsExactly("e2", "e3", "e4");
            assertThat(out.get(0).getLegacyThresholdEpisode()).isEqualTo(new ThresholdEpisode(true, 1000L, null, -1L, -1L, null, null, null, new java.util.ArrayList<>(), -1L, -1L, null, null, false));
            assertThat(out.get(1).getLegacyThresholdEpisode()).as("carried once").isNull();
            assertThat(out.get(2).getLegacyThresholdEpisode()).isNull();
        }
    }

    @Test
    void onlyPassesReadingsOnWhenNothingWasRestored() throws Exception {
        try (var carrier = keyedHarness(LegacyStateCarrier.openWindows(), null)) {
            carrier.processElement(reading("T-1", "e1", 1, 120), 1);
            assertThat(carrier.extractOutputValues()).singleElement()
                    .satisfies(r -> assertThat(r.getLegacyOpenWindow()).isNull());
        }
    }

    /** Writes state the way the first release's TEMPERATURE_THRESHOLD operator did. */
    private static final class FirstReleaseThresholdState extends KeyedProcessFunction<String, Reading, Reading> {
        private transient ValueState<ThresholdEpisode> episode;

        @Override
        public void open(OpenContext openContext) {
            episode = getRuntimeContext().getState(
                    new ValueStateDescriptor<>("threshold-episode", AvroType.forRecord(ThresholdEpisode.class)));
        }

        @Override
        public void processElement(Reading r, Context ctx, Collector<Reading> out) throws Exception {
            episode.update(new ThresholdEpisode(true, 1000L, null, -1L, -1L, null, null, null, new java.util.ArrayList<>(), -1L, -1L, null, null, false));
        }
    }
}
