package io.assetalerts.udfs.dedupe;

import static io.assetalerts.udfs.evaluator.Fixtures.at;
import static io.assetalerts.udfs.evaluator.Fixtures.keyedHarness;
import static io.assetalerts.udfs.evaluator.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.assetalerts.schemas.state.Reading;
import io.assetalerts.udfs.savepoint.StateDescriptors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dedupe in event time, on RocksDB. Every test runs the harness's processing time and the state-TTL clock far from
 * the readings' event time, so none of them depends on the date it runs.
 */
class DropDuplicateReadingsTest {

    private static final Duration TTL = Duration.ofHours(24);
    private static final long THIRTY_DAYS = Duration.ofDays(30).toMillis();

    private static KeyedOneInputStreamOperatorTestHarness<String, Reading, Reading> dedupe(
            OperatorSubtaskState restoreFrom) throws Exception {
        return keyedHarness(new DropDuplicateReadings.DedupeOperator(TTL), restoreFrom);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, Reading, Reading> h, Reading r)
            throws Exception {
        h.processElement(r, r.getEvent().getTimestamp().toEpochMilli());
    }

    private static java.util.List<String> passed(KeyedOneInputStreamOperatorTestHarness<String, Reading, Reading> h) {
        return h.extractOutputValues().stream()
                .map(r -> r.getEvent().getAssetId() + "/" + r.getEvent().getEventId()).toList();
    }

    @Test
    void dropsAnEventIdSeenBeforeForTheSameAsset() throws Exception {
        try (var h = dedupe(null)) {
            send(h, reading("T-1", "e1", 1, 90));
            send(h, reading("T-1", "e1", 1, 90));
            send(h, reading("T-1", "e1", 7, 120));
            send(h, reading("T-1", "e2", 2, 90));
            send(h, reading("T-2", "e1", 1, 90));

            assertThat(passed(h)).containsExactly("T-1/e1", "T-1/e2", "T-2/e1");
        }
    }

    @Test
    void remembersAnEventIdForTheTtlOfEventTimeWhateverTheWatermarkAndTheWallClock() throws Exception {
        long day = TTL.toMillis() / 1000;
        try (var h = dedupe(null)) {
            h.setProcessingTime(at(0) + THIRTY_DAYS);
            h.setStateTtlProcessingTime(at(0) + THIRTY_DAYS);
            send(h, reading("T-1", "e1", 0, 90));
            h.processWatermark(at(day - 2));
            send(h, reading("T-1", "e1", day - 1, 90));   // within the ttl of event time: a duplicate
            h.processWatermark(at(day + 10));             // clean-up may run: e1 is no longer needed
            send(h, reading("T-1", "e1", day + 20, 90));  // more than the ttl later: a new reading

            assertThat(passed(h)).containsExactly("T-1/e1", "T-1/e1");
            assertThat(h.extractOutputValues().get(1).getEvent().getTimestamp().toEpochMilli()).isEqualTo(at(day + 20));
        }
    }

    @Test
    void keepsStateBoundedByEventTimeTimersCoalescedPerAsset() throws Exception {
        try (var h = dedupe(null)) {
            for (int i = 0; i < 100; i++) {
                send(h, reading("T-1", "e" + i, i, 90));
            }
            KeyedStateBackend<String> before = ((DropDuplicateReadings.DedupeOperator) h.getOperator())
                    .getKeyedStateBackend();
            try (var keys = before.getKeys(StateDescriptors.SEEN_EVENT_IDS, VoidNamespace.INSTANCE)) {
                assertThat(keys.count()).isEqualTo(1);
            }
            assertThat(h.numEventTimeTimers()).as("one clean-up timer per asset per bucket, not per reading")
                    .isEqualTo(1);
            h.processWatermark(at(100) + TTL.toMillis() * 2);
            assertThat(h.numEventTimeTimers()).isZero();
            KeyedStateBackend<String> backend = ((DropDuplicateReadings.DedupeOperator) h.getOperator())
                    .getKeyedStateBackend();
            try (var keys = backend.getKeys(StateDescriptors.SEEN_EVENT_IDS, VoidNamespace.INSTANCE)) {
                assertThat(keys.count()).as("assets with eventIds left after clean-up").isZero();
            }
        }
    }

    @Test
    void behavesTheSameAfterASnapshotRestoredThirtyDaysLater() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = dedupe(null)) {
            h.setProcessingTime(at(0));
            send(h, reading("T-1", "e1", 1, 90));
            snapshot = h.snapshot(1, at(2));
        }
        try (var h = dedupe(snapshot)) {
            h.setProcessingTime(at(0) + THIRTY_DAYS);
            h.setStateTtlProcessingTime(at(0) + THIRTY_DAYS);
            send(h, reading("T-1", "e1", 1, 90));
            send(h, reading("T-1", "e2", 3, 90));
            assertThat(passed(h)).containsExactly("T-1/e2");
        }
    }

    /**
     * The committed v1 fixture must restore forever (the standard on time). The legacy descriptor carries a TTL only
     * so that its serializer matches the first release's; restored 30 days later (past the first release's 24 h)
     * and 300 years later (past the legacy descriptor's own 36,500 days), every eventId it held is still honoured.
     */
    @ParameterizedTest(name = "restored {0} days later")
    @ValueSource(longs = {30, 109_500})
    void migratesTheFirstVersionsProcessingTimeTtlStateAndHonoursItAnyTimeLater(long daysLater) throws Exception {
        long later = Duration.ofDays(daysLater).toMillis();
        OperatorSubtaskState v1;
        try (var h = keyedHarness(new KeyedProcessOperator<>(new FirstVersionDedupe()), null)) {
            h.setStateTtlProcessingTime(at(0));
            send(h, reading("T-1", "old-1", 1, 90));
            send(h, reading("T-2", "old-2", 2, 90));
            v1 = h.snapshot(1, at(3));
        }
        try (var h = dedupe(v1)) {
            h.setProcessingTime(at(0) + later);
            h.setStateTtlProcessingTime(at(0) + later);   // the first version's 24 h TTL has long passed
            send(h, reading("T-1", "new-1", 10, 90));
            send(h, reading("T-1", "old-1", 11, 90));            // remembered from the first version: dropped
            send(h, reading("T-2", "old-2", 12, 90));            // migrated on its asset's first reading: dropped
            send(h, reading("T-2", "new-2", 13, 90));
            assertThat(passed(h)).containsExactly("T-1/new-1", "T-2/new-2");

            OperatorSubtaskState v2 = h.snapshot(2, at(14));
            try (var again = dedupe(v2)) {
                again.setStateTtlProcessingTime(at(0) + 2 * later);
                send(again, reading("T-1", "old-1", 15, 90));
                assertThat(passed(again)).as("migrated entries survive the next savepoint").isEmpty();
            }
        }
    }

    /** The dedupe function of the first release (alert-job-v1), kept here to write its state layout. */
    private static final class FirstVersionDedupe extends KeyedProcessFunction<String, Reading, Reading> {
        private transient MapState<String, Boolean> seen;

        @Override
        public void open(OpenContext openContext) {
            MapStateDescriptor<String, Boolean> d = new MapStateDescriptor<>("seen-event-ids", Types.STRING, Types.BOOLEAN);
            d.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofHours(24))
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
            seen = getRuntimeContext().getMapState(d);
        }

        @Override
        public void processElement(Reading reading, Context ctx, Collector<Reading> out) throws Exception {
            seen.put(reading.getEvent().getEventId(), Boolean.TRUE);
            out.collect(reading);
        }
    }
}
