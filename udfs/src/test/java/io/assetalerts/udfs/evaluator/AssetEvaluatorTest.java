package io.assetalerts.udfs.evaluator;

import static io.assetalerts.udfs.evaluator.Fixtures.asset;
import static io.assetalerts.udfs.evaluator.Fixtures.at;
import static io.assetalerts.udfs.evaluator.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.RegisteredReading;
import io.assetalerts.schemas.state.ThresholdEpisode;
import io.assetalerts.udfs.ordering.OrderReadingsByEventTime;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.rules.RuleSettings;
import io.assetalerts.udfs.savepoint.StateDescriptors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Event-time order, registry join, holds and late data of the evaluator, on RocksDB. The order in which readings
 * are evaluated is observed through TEMPERATURE_THRESHOLD alerts: hot readings (> 100) separated by cool ones
 * each raise an alert when evaluated, so the alerts' order is the evaluation order.
 */
class AssetEvaluatorTest {

    private static final double HOT = 105;
    private static final double COOL = 20;

    private EvaluatorHarness h;

    @BeforeEach
    void open() throws Exception {
        h = EvaluatorHarness.open();
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    @Test
    void evaluatesReadingsInEventTimeOrderOnlyOnceTheWatermarkPassesThem() throws Exception {
        h.register("T-1", "TURBINE");
        h.send(reading("T-1", "c", 3, HOT));
        h.send(reading("T-1", "a", 1, HOT));
        h.send(reading("T-1", "b", 2, COOL));
        h.watermark(at(0));
        assertThat(h.alertedEventIds()).isEmpty();
        h.watermark(at(2));
        assertThat(h.alertedEventIds()).containsExactly("a");
        h.watermark(at(3));
        assertThat(h.alertedEventIds()).containsExactly("a", "c");
        assertThat(h.alerts()).allSatisfy(a -> {
            assertThat(a.getAssetType()).isEqualTo("TURBINE");
            assertThat(a.getLocation()).isEqualTo("AP-Plant-7");
        });
    }

    @Test
    void readingsWithTheSameTimestampAreEvaluatedInEventIdOrder() throws Exception {
        h.register("T-1", "TURBINE");
        h.send(reading("T-1", "z", 1, HOT));
        h.send(reading("T-1", "m", 1, COOL));
        h.send(reading("T-1", "a", 1, HOT));
        h.watermark(at(1));
        assertThat(h.alertedEventIds()).containsExactly("a", "z");
    }

    @Test
    void aWatermarkJumpPastSeveralReadingsClosesTheirWindowOnceWithAllOfThem() throws Exception {
        h.register("T-1", "TURBINE");
        h.send(reading("T-1", "a", 10, 95));
        h.send(reading("T-1", "b", 20, 95));
        h.send(reading("T-1", "c", 40, 95));
        assertOneWindowClosedWith("a", "b", "c");
    }

    @Test
    void holdsReadingsUntilTheAssetRegisters() throws Exception {
        h.send(reading("P-7", "a", 1, HOT));
        h.send(reading("P-7", "b", 2, COOL));
        h.watermark(at(5));
        assertThat(h.alerts()).isEmpty();
        assertThat(h.deadLetters()).isEmpty();

        h.register("P-7", "PUMP");
        h.send(reading("P-7", "c", 6, HOT));
        h.watermark(at(6));
        assertThat(h.alertedEventIds()).containsExactly("a", "c");
        assertThat(h.alerts().get(0).getAssetType()).isEqualTo("PUMP");
        assertThat(h.deadLetters()).isEmpty();
    }

    @Test
    void releasesHeldReadingsAtTheEndOfTheGraceWhenTheAssetRegisteredMeanwhile() throws Exception {
        h.send(reading("P-7", "a", 1, HOT));
        h.watermark(at(2));
        h.register("P-7", "PUMP");
        h.watermark(at(11));
        assertThat(h.alertedEventIds()).containsExactly("a");
        assertThat(h.deadLetters()).isEmpty();
    }

    @Test
    void heldReadingsGoToTheDlqAsUnknownAssetWhenTheGracePasses() throws Exception {
        h.send(reading("GHOST-1", "a", 1, HOT));
        h.send(reading("GHOST-1", "b", 4, HOT));
        h.watermark(at(10.999));
        assertThat(h.deadLetters()).isEmpty();
        h.watermark(at(11));
        assertThat(h.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.getReason()).isEqualTo("UNKNOWN_ASSET");
            assertThat(d.getKey()).isEqualTo("GHOST-1");
            assertThat(d.getSourceTopic()).isEqualTo("telemetry.events");
            assertThat(d.getJob()).isEqualTo("alert-job");
            assertThat(d.getPayload()).contains("\"eventId\":\"a\"");
        });
        h.watermark(at(14));
        assertThat(h.deadLetters()).extracting(DeadLetter::getReason).containsExactly("UNKNOWN_ASSET", "UNKNOWN_ASSET");
        assertThat(h.alerts()).isEmpty();

        h.register("GHOST-1", "PUMP");
        h.send(reading("GHOST-1", "c", 20, HOT));
        h.watermark(at(20));
        assertThat(h.alertedEventIds()).containsExactly("c");
    }

    @Test
    void readingsBeyondTheHoldCapGoToTheDlqAtOnce() throws Exception {
        h.close();
        h = EvaluatorHarness.open(2, RuleBook.of(RuleSettings.SPEC_DEFAULTS), null);
        h.send(reading("GHOST-1", "a", 1, HOT));
        h.send(reading("GHOST-1", "b", 2, COOL));
        h.send(reading("GHOST-1", "c", 3, HOT));
        h.watermark(at(3));
        assertThat(h.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.getReason()).isEqualTo("UNKNOWN_ASSET");
            assertThat(d.getMessage()).contains("2 of its readings are already held");
            assertThat(d.getPayload()).contains("\"eventId\":\"c\"");
        });
        h.register("GHOST-1", "PUMP");
        h.watermark(at(4));
        assertThat(h.alerts()).isEmpty();
        h.watermark(at(11));
        assertThat(h.alertedEventIds()).containsExactly("a");
    }

    @Test
    void aReadingAtOrBehindTheWatermarkGoesToTheDlqAsLate() throws Exception {
        h.register("T-1", "TURBINE");
        h.watermark(at(10));
        h.send(reading("T-1", "old", 5, HOT));
        h.send(reading("T-1", "edge", 10, HOT));
        h.send(reading("T-1", "fresh", 10.001, HOT));
        h.watermark(at(11));
        assertThat(h.deadLetters()).extracting(DeadLetter::getReason).containsExactly("LATE_EVENT", "LATE_EVENT");
        assertThat(h.deadLetters().get(0).getMessage()).contains("2026-01-10T10:16:05Z").contains("watermark");
        assertThat(h.alertedEventIds()).containsExactly("fresh");
    }

    @Test
    void pendingAndHeldReadingsAndOpenEpisodesSurviveASnapshotAndRestore() throws Exception {
        h.register("T-1", "TURBINE");
        h.send(reading("T-1", "breach", 1, HOT));
        h.send(reading("T-1", "pending", 5, COOL));
        h.send(reading("P-7", "held", 1, HOT));
        h.watermark(at(2));
        assertThat(h.alertedEventIds()).containsExactly("breach");
        OperatorSubtaskState snapshot = h.snapshot(1L);
        reopenFrom(snapshot);
        h.send(reading("T-1", "still-hot", 3, HOT));    // the open episode was restored: no alert
        h.register("P-7", "PUMP");
        h.send(reading("T-1", "hot-again", 6, HOT));
        h.watermark(at(6));
        assertThat(h.alertedEventIds()).containsExactly("hot-again");
        h.watermark(at(11));
        assertThat(h.alertedEventIds()).containsExactly("hot-again", "held");
    }

    @Test
    void readingsInFlightAtACheckpointAreInTheSnapshotAndEvaluatedAfterTheRestore() throws Exception {
        h.register("T-1", "TURBINE");
        h.send(reading("T-1", "late-in-the-batch", 5, HOT));
        h.send(reading("T-1", "first", 4, HOT));
        h.send(reading("T-1", "cool", 4_500, COOL));
        assertThat(h.evaluator().readingsInFlight()).isEqualTo(3);
        OperatorSubtaskState snapshot = h.snapshot(1L);
        assertThat(h.evaluator().readingsInFlight()).as("a checkpoint copies them").isEqualTo(3);
        reopenFrom(snapshot);
        assertThat(h.evaluator().readingsInFlight()).isEqualTo(3);
        h.register("T-1", "TURBINE");
        h.watermark(at(6));
        assertThat(h.alertedEventIds()).containsExactly("first");
    }

    @Test
    void readingsBeyondTheHeapsLimitWaitInStateAndAllAreEvaluatedInEventTimeOrder() throws Exception {
        h.close();
        h = EvaluatorHarness.openWithInFlightLimit(2);
        h.register("T-1", "TURBINE");
        h.send(reading("T-1", "c", 3, HOT));
        h.send(reading("T-1", "a", 1, HOT));
        h.send(reading("T-1", "b", 2, COOL));           // the heap holds two: this one and the next wait in state
        h.send(reading("T-1", "d", 4, COOL));
        assertThat(h.evaluator().readingsInFlight()).isEqualTo(2);
        h.watermark(at(4));
        assertThat(h.alertedEventIds()).containsExactly("a", "c");
    }

    @Test
    void aRestoreAtAnotherParallelismKeepsTheInFlightReadingsOfEachSubtasksKeyGroups() throws Exception {
        List<String> assets = java.util.stream.IntStream.range(0, 40).mapToObj(i -> "A-" + i).toList();
        for (String asset : assets) {
            h.send(reading(asset, "r-" + asset, 5, HOT));
        }
        OperatorSubtaskState snapshot = h.snapshot(1L);

        long kept = 0;
        for (int subtask = 0; subtask < 2; subtask++) {
            try (EvaluatorHarness half = EvaluatorHarness.openSubtask(snapshot, 2, subtask)) {
                long own = half.evaluator().readingsInFlight();
                assertThat(own).as("subtask %d keeps some, not all", subtask).isBetween(1L, 39L);
                kept += own;
            }
        }
        assertThat(kept).as("each reading on exactly one subtask").isEqualTo(assets.size());
    }

    @Test
    void aRegistryOfTheEarlierLayoutMovesToKnownAssetsAtStartWithOneCopyOfEachTypeAndLocation() throws Exception {
        OperatorSubtaskState v1 = firstRelease(old -> {
            old.processBroadcastElement(asset("T-1", "TURBINE"), at(0));
            old.processBroadcastElement(asset("T-2", "TURBINE"), at(0));
        });
        reopenFrom(v1);
        var store = ((org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>) h.harness
                .getTwoInputOperator()).getOperatorStateBackend();
        assertThat(store.getBroadcastState(StateDescriptors.LEGACY_ASSET_REGISTRY).iterator().hasNext())
                .as("the earlier layout is emptied").isFalse();
        var known = store.getBroadcastState(StateDescriptors.KNOWN_ASSETS);
        assertThat(known.get("T-1")).satisfies(a -> {
            assertThat(a.getAssetType()).isEqualTo("TURBINE");
            assertThat(a.getLocation()).isEqualTo("AP-Plant-7");
            assertThat(a.getRegisteredAt()).isEqualTo(at(0));
        });
        assertThat(known.get("T-2").getLocation()).as("one string for the location both have")
                .isSameAs(known.get("T-1").getLocation());
        assertThat(known.get("T-2").getAssetType()).isSameAs(known.get("T-1").getAssetType());

        // and a checkpoint taken now restores with the registry in its new place alone
        OperatorSubtaskState v5 = h.snapshot(2);
        reopenFrom(v5);
        h.send(reading("T-2", "hot", 5, 120));
        h.watermark(at(10));
        assertThat(h.alerts()).singleElement().satisfies(a -> assertThat(a.getAssetType()).isEqualTo("TURBINE"));
    }

    @Test
    void aReadingAnEarlierReleaseLeftInStateAndOneInFlightWithTheSameTimestampAreEvaluatedOnceTogether()
            throws Exception {
        OperatorSubtaskState v1 = firstRelease(old -> {
            old.processBroadcastElement(asset("T-1", "TURBINE"), at(0));
            old.processElement(reading("T-1", "b", 10, 95), at(10)); // waits in pending-readings, with a timer
        });
        reopenFrom(v1);
        h.send(reading("T-1", "a", 10, 95));                        // waits on the heap, same timestamp
        h.send(reading("T-1", "c", 30, 95));
        assertOneWindowClosedWith("a", "b", "c");
    }

    @Test
    void anOpenWindowsEventIdsKeptOnTheHeapAreWrittenAtACheckpointAndCompleteAfterTheRestore() throws Exception {
        h.register("T-1", "TURBINE");
        h.send(reading("T-1", "a", 10, 95));
        h.watermark(at(15));                            // "a" evaluated: its id waits on the heap with the rule state
        h.snapshot(1L);                                 // written: "a" appended to window-event-ids
        h.send(reading("T-1", "b", 20, 95));
        h.watermark(at(25));
        OperatorSubtaskState snapshot = h.snapshot(2L); // "b" appended after "a"
        reopenFrom(snapshot);
        h.register("T-1", "TURBINE");
        h.send(reading("T-1", "c", 30, 95));
        assertOneWindowClosedWith("a", "b", "c");
    }

    @Test
    void inFlightReadingsAndTheAssetsTimersTakeTurnsInEventTimeOrder() throws Exception {
        h.register("T-1", "TURBINE");
        h.send(reading("T-1", "minute-0", 10, 95));
        h.watermark(at(20));                            // the window [0, 60 s) is open, its timer at 59.999 s
        h.send(reading("T-1", "minute-1", 70, 95));
        h.send(reading("T-1", "minute-0-too", 50, 95));
        h.watermark(at(600));                           // one jump past both readings and the window's end
        assertThat(h.windows()).extracting(w -> w.getEventIds())
                .containsExactly(List.of("minute-0", "minute-0-too"), List.of("minute-1"));
    }

    @Test
    void adoptsTheFirstReleasesPendingAndHeldReadings() throws Exception {
        OperatorSubtaskState v1 = firstRelease(old -> {
            old.processBroadcastElement(asset("T-1", "TURBINE"), at(0));
            old.processElement(reading("T-1", "pending", 5, HOT), at(5));
            old.processElement(reading("P-7", "held", 1, HOT), at(1));
            old.processWatermark(at(2));
        });
        reopenFrom(v1);
        h.register("P-7", "PUMP");
        h.watermark(at(5));
        assertThat(h.alertedEventIds()).as("the first release's pending reading, the registry restored")
                .containsExactly("pending");
        h.watermark(at(11));
        assertThat(h.alertedEventIds()).as("its held reading").containsExactly("pending", "held");
        assertThat(h.deadLetters()).isEmpty();
    }

    @Test
    void adoptsAThresholdEpisodeCarriedOnTheAssetsFirstReading() throws Exception {
        h.register("T-1", "TURBINE");
        Reading first = reading("T-1", "after-upgrade", 1, HOT);
        first.setLegacyThresholdEpisode(new ThresholdEpisode(true, at(-60), null, -1L, -1L, null, null, null, new java.util.ArrayList<>(), -1L, -1L, null, null, false));
        h.send(first);
        h.send(reading("T-1", "cool", 2, COOL));
        h.send(reading("T-1", "new-breach", 3, HOT));
        h.watermark(at(3));
        assertThat(h.alerts()).extracting(AlertTriggered::getEventIds).containsExactly(List.of("new-breach"));
    }

    /** Event time passes the window's end: exactly one window closed, holding these readings in this order. */
    private void assertOneWindowClosedWith(String... eventIds) throws Exception {
        h.watermark(at(600));
        assertThat(h.windows()).singleElement().satisfies(w -> {
            assertThat(w.getCount()).isEqualTo(eventIds.length);
            assertThat(w.getEventIds()).containsExactly(eventIds);
        });
    }

    /** A snapshot of the first release's registry join (the evaluator's uid then) after {@code writes}. */
    private static OperatorSubtaskState firstRelease(
            org.apache.flink.util.function.ThrowingConsumer<KeyedBroadcastOperatorTestHarness<String, Reading,
                    AssetRegistered, RegisteredReading>, Exception> writes) throws Exception {
        // the first release kept whole registrations in 'asset-registry' (a restore moves them to 'known-assets')
        var join = new OrderReadingsByEventTime("alert-job", "telemetry.events", EvaluatorHarness.GRACE, 100) {
            @Override
            public void processBroadcastElement(AssetRegistered asset, Context ctx,
                    org.apache.flink.util.Collector<RegisteredReading> out) throws Exception {
                ctx.getBroadcastState(StateDescriptors.LEGACY_ASSET_REGISTRY).put(asset.getAssetId(), asset);
            }
        };
        var first = new CoBroadcastWithKeyedOperator<>(join,
                List.of(StateDescriptors.LEGACY_ASSET_REGISTRY, StateDescriptors.KNOWN_ASSETS));
        try (var old = new KeyedBroadcastOperatorTestHarness<String, Reading, AssetRegistered, RegisteredReading>(
                first, (Reading r) -> r.getEvent().getAssetId(), org.apache.flink.api.common.typeinfo.Types.STRING,
                EvaluatorHarness.MAX_PARALLELISM, 1, 0)) {
            old.setStateBackend(new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend());
            old.open();
            old.getTwoInputOperator().processWatermarkStatus2(
                    org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus.IDLE);
            writes.accept(old);
            return old.snapshot(1L, 1L);
        }
    }

    /** Closes the harness and opens a fresh evaluator restored from {@code snapshot} (a restart or an upgrade). */
    private void reopenFrom(OperatorSubtaskState snapshot) throws Exception {
        h.close();
        h = EvaluatorHarness.open(100, RuleBook.of(RuleSettings.SPEC_DEFAULTS), snapshot);
    }
}
