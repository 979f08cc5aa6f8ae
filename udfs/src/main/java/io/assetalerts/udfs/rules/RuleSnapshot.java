package io.assetalerts.udfs.rules;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

import io.assetalerts.schemas.state.RuleChange;

/**
 * The rules topic as it was when the job was submitted: its valid records in log order, and the end offset of each
 * partition. The evaluator applies them before it judges any reading, so a replay or a fresh start judges every
 * reading by the versions already published, whatever the order the two sources are read in; records of the topic
 * below these offsets then arrive a second time on the stream and are skipped.
 */
public record RuleSnapshot(List<RuleChange> changes, Map<Integer, Long> endOffsets) implements Serializable {

    public static final RuleSnapshot EMPTY = new RuleSnapshot(List.of(), Map.of());

    public RuleSnapshot {
        changes = List.copyOf(changes);
        endOffsets = Map.copyOf(endOffsets);
    }

    /** Whether a record of the stream is already in this snapshot. */
    public boolean covers(int partition, long offset) {
        Long end = endOffsets.get(partition);
        return end != null && offset < end;
    }
}
