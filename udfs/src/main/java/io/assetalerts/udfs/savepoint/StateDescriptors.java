package io.assetalerts.udfs.savepoint;

import java.time.Duration;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.state.AssetRules;
import io.assetalerts.schemas.state.HeldTimestamps;
import io.assetalerts.schemas.state.KnownAsset;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.ReadingBatch;
import io.assetalerts.schemas.state.RuleHistory;
import io.assetalerts.schemas.state.ThresholdEpisode;
import io.assetalerts.schemas.state.WindowAccumulator;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Every state of every operator, in one place beside {@link Uids}: a savepoint finds state by operator uid and
 * state name, and reads it with the serializer of its type, so a name or a type here is part of the savepoint
 * contract. Never rename one; a new type must be a compatible evolution of the old (Avro, see contracts/), or ship
 * with a migration. Keyed state descriptors are made fresh for each operator (Flink initialises a descriptor's
 * serializer in place); broadcast state descriptors are constants, as the broadcast() call and the operator must
 * name the same one.
 */
public final class StateDescriptors {

    private StateDescriptors() {
    }

    // broadcast state of the evaluator (and, for the registry, of the ingest job's join)

    /** Registered assets by assetId: the type and location of each one's latest registration. */
    public static final MapStateDescriptor<String, KnownAsset> KNOWN_ASSETS =
            new MapStateDescriptor<>("known-assets", Types.STRING, AvroType.forRecord(KnownAsset.class));
    /**
     * The registry of releases up to 2026-12-08 (savepoint fixtures v1 to v4): whole registrations. Read once at
     * start into {@link #KNOWN_ASSETS} and emptied (a whole AssetRegistered took 429 bytes of heap per asset on
     * every subtask, and a million assets did not fit a default TaskManager).
     */
    public static final MapStateDescriptor<String, AssetRegistered> LEGACY_ASSET_REGISTRY =
            new MapStateDescriptor<>("asset-registry", Types.STRING, AvroType.forRecord(AssetRegistered.class));
    /** The versions of each rule scope from the rules topic (the same on every subtask). */
    public static final MapStateDescriptor<String, RuleHistory> RULE_VERSIONS =
            new MapStateDescriptor<>("rule-versions", Types.STRING, AvroType.forRecord(RuleHistory.class));

    // keyed by assetId: the evaluator (uid registry-join) and the ingest job's join

    /** Readings waiting for the watermark, by event timestamp. */
    public static MapStateDescriptor<Long, ReadingBatch> pendingReadings() {
        return new MapStateDescriptor<>("pending-readings", Types.LONG, AvroType.forRecord(ReadingBatch.class));
    }

    /**
     * Operator state of the evaluator: the readings that had arrived and were still waiting for the watermark at
     * the checkpoint, every subtask's (union list state: on a restore at any parallelism each subtask keeps the
     * readings of its own key groups).
     */
    public static ListStateDescriptor<Reading> inFlightReadings() {
        return new ListStateDescriptor<>("in-flight-readings", AvroType.forRecord(Reading.class));
    }

    /** The asset's rules state: threshold episode, open window, silence clock, held readings. */
    public static ValueStateDescriptor<AssetRules> assetRules() {
        return new ValueStateDescriptor<>("rules", AvroType.forRecord(AssetRules.class));
    }

    /** The eventIds of the asset's open SUSTAINED_OVERHEAT window. */
    public static ListStateDescriptor<String> windowEventIds() {
        return new ListStateDescriptor<>("window-event-ids", Types.STRING);
    }

    /** Timestamps of readings held for an unregistered asset (the ingest join; in the evaluator, the first release's). */
    public static ValueStateDescriptor<HeldTimestamps> heldTimestamps() {
        return new ValueStateDescriptor<>(HELD_TIMESTAMPS, AvroType.forRecord(HeldTimestamps.class));
    }

    public static final String HELD_TIMESTAMPS = "held-timestamps";

    // keyed by assetId: dedupe (uid dedupe-event-ids)

    public static final String SEEN_EVENT_IDS = "event-ids";
    public static final String LEGACY_SEEN_EVENT_IDS = "seen-event-ids";

    /** The eventIds seen, with the event time each was last seen at. */
    public static MapStateDescriptor<String, Long> seenEventIds() {
        return new MapStateDescriptor<>(SEEN_EVENT_IDS, Types.STRING, Types.LONG);
    }

    /**
     * The first version's dedupe state, as it was declared (a TTL'd map, so its serializer matches), but made to
     * never expire: a century of TTL and no clean-up in RocksDB compaction.
     */
    public static MapStateDescriptor<String, Boolean> legacySeenEventIds() {
        MapStateDescriptor<String, Boolean> descriptor =
                new MapStateDescriptor<>(LEGACY_SEEN_EVENT_IDS, Types.STRING, Types.BOOLEAN);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofDays(36_500))
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp)
                .disableCleanupInBackground()
                .build());
        return descriptor;
    }

    // keyed by assetId: the first release's rule operators, carried to the evaluator

    /** TEMPERATURE_THRESHOLD episodes (uid rule-temperature-threshold). */
    public static ValueStateDescriptor<ThresholdEpisode> legacyThresholdEpisode() {
        return new ValueStateDescriptor<>("threshold-episode", AvroType.forRecord(ThresholdEpisode.class));
    }

    /** Open SUSTAINED_OVERHEAT windows (uid window-summaries). */
    public static ValueStateDescriptor<WindowAccumulator> legacyOpenWindow() {
        return new ValueStateDescriptor<>("open-window", AvroType.forRecord(WindowAccumulator.class));
    }
}
