package io.assetalerts.udfs.evaluator;

import java.time.Instant;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.Reading;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** Readings and registrations for operator tests, timed in seconds after {@link #T0}. */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2026-01-10T10:16:00Z");

    private Fixtures() {
    }

    public static long at(double seconds) {
        return T0.toEpochMilli() + Math.round(seconds * 1000);
    }

    public static Reading reading(String assetId, String eventId, double seconds, double temperature) {
        TelemetryReceived event = TelemetryReceived.newBuilder()
                .setEventId(eventId).setAssetId(assetId).setPower(82.4).setTemperature(temperature)
                .setTimestamp(Instant.ofEpochMilli(at(seconds))).build();
        return new Reading(event, 0, (long) (seconds * 10), false, null, null, null);
    }

    public static AssetRegistered asset(String assetId, String type) {
        return AssetRegistered.newBuilder()
                .setEventId("reg-" + assetId).setAssetId(assetId).setAssetType(type).setLocation("AP-Plant-7")
                .setTimestamp(T0).build();
    }

    /**
     * A keyed operator of readings in Flink's one-input harness on RocksDB (max parallelism 720, one subtask), keyed
     * by assetId, restored from {@code restoreFrom} unless it is null, and opened.
     */
    public static KeyedOneInputStreamOperatorTestHarness<String, Reading, Reading> keyedHarness(
            OneInputStreamOperator<Reading, Reading> operator, OperatorSubtaskState restoreFrom) throws Exception {
        return openOnRocksDb(new KeyedOneInputStreamOperatorTestHarness<>(operator,
                (Reading r) -> r.getEvent().getAssetId(), Types.STRING, 720, 1, 0), restoreFrom);
    }

    /** {@code harness} on RocksDB, restored from {@code restoreFrom} unless it is null, and opened. */
    public static <H extends AbstractStreamOperatorTestHarness<?>> H openOnRocksDb(H harness,
            OperatorSubtaskState restoreFrom) throws Exception {
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }
}
