package io.assetalerts.udfs.savepoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.flink.api.common.state.StateDescriptor;
import org.junit.jupiter.api.Test;

/**
 * The state names the committed savepoints hold (jobs/src/test/resources/savepoints): a rename here fails at once,
 * before the savepoint-compatibility IT would, with the name that changed.
 */
class StateDescriptorsTest {

    @Test
    void stateNamesAreTheOnesTheSavepointsHold() {
        List<StateDescriptor<?, ?>> all = List.of(StateDescriptors.LEGACY_ASSET_REGISTRY, StateDescriptors.KNOWN_ASSETS,
                StateDescriptors.RULE_VERSIONS,
                StateDescriptors.pendingReadings(), StateDescriptors.assetRules(), StateDescriptors.windowEventIds(),
                StateDescriptors.heldTimestamps(), StateDescriptors.seenEventIds(),
                StateDescriptors.legacySeenEventIds(), StateDescriptors.legacyThresholdEpisode(),
                StateDescriptors.legacyOpenWindow(), StateDescriptors.inFlightReadings());
        assertThat(all).extracting(StateDescriptor::getName).containsExactly("asset-registry", "known-assets", "rule-versions",
                "pending-readings", "rules", "window-event-ids", "held-timestamps", "event-ids", "seen-event-ids",
                "threshold-episode", "open-window", "in-flight-readings");
        assertThat(StateDescriptors.legacySeenEventIds().getTtlConfig().isEnabled())
                .as("the first release declared its dedupe map with TTL; its serializer must match").isTrue();
    }

    @Test
    void uidsOfStatefulOperatorsAreTheOnesTheSavepointsHold() {
        assertThat(List.of(Uids.DEDUPE, Uids.EVALUATOR, Uids.LEGACY_THRESHOLD_RULE, Uids.LEGACY_WINDOW_SUMMARIES,
                Uids.SUSTAINED_OVERHEAT_RULE, Uids.TELEMETRY_SOURCE, Uids.ASSET_SOURCE, Uids.RULES_SOURCE,
                Uids.ASSET_KEYED_SOURCE, Uids.ALERT_SINK, Uids.DEAD_LETTER_SINK)).containsExactly("dedupe-event-ids",
                "registry-join", "rule-temperature-threshold", "window-summaries", "rule-sustained-overheat-n3",
                "telemetry-events-source", "asset-events-source", "alert-rules-source", "asset-events-keyed-source",
                "alert-events-sink", "dead-letter-sink");
    }
}
