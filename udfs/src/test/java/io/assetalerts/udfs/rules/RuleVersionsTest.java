package io.assetalerts.udfs.rules;

import static io.assetalerts.udfs.rules.RuleSets.version;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.rules.RuleSettings;
import io.assetalerts.contracts.rules.RuleVersions;
import io.assetalerts.schemas.state.WindowRule;
import org.junit.jupiter.api.Test;

/** Scope precedence, version choice by event time and window boundaries of the rules in force. */
class RuleVersionsTest {

    private static final long T = Instant.parse("2026-01-10T10:00:00Z").toEpochMilli();
    private static final long S = 1000;
    private static final long MIN = 60 * S;

    private static final RuleBook FILE = new RuleBook(RuleSettings.SPEC_DEFAULTS,
            Map.of("PUMP", new RuleSettings(80, 70, Duration.ofMinutes(1), 3)));

    private final RuleVersions rules = new RuleVersions(FILE);

    @Test
    void withNothingPublishedTheRulesFileIsVersionZero() {
        assertThat(rules.threshold("T-1", "TURBINE", T)).isEqualTo(new RuleVersions.Threshold(true, 100, 0, "default"));
        assertThat(rules.threshold("P-1", "PUMP", T)).isEqualTo(new RuleVersions.Threshold(true, 80, 0, "type:PUMP"));
        WindowRule pump = rules.sustained("P-1", "PUMP", T);
        assertThat(pump.getWarn()).isEqualTo(70);
        assertThat(pump.getWindowCount()).isEqualTo(3);
        assertThat(pump.getScope()).isEqualTo("type:PUMP");
    }

    @Test
    void theMostSpecificScopeWinsAssetThenTypeThenDefault() {
        rules.apply("default", version("default", 1, T).critical(95).build());
        rules.apply("type:PUMP", version("type:PUMP", 1, T).critical(85).build());
        rules.apply("asset:P-1", version("asset:P-1", 1, T).critical(75).build());
        assertThat(rules.threshold("P-1", "PUMP", T)).isEqualTo(new RuleVersions.Threshold(true, 75, 1, "asset:P-1"));
        assertThat(rules.threshold("P-2", "PUMP", T)).isEqualTo(new RuleVersions.Threshold(true, 85, 1, "type:PUMP"));
        assertThat(rules.threshold("T-1", "TURBINE", T)).isEqualTo(new RuleVersions.Threshold(true, 95, 1, "default"));
    }

    @Test
    void anAbsentParameterInheritsFromTheNextScope() {
        rules.apply("type:PUMP", version("type:PUMP", 4, T).critical(85).build());
        rules.apply("asset:P-1", version("asset:P-1", 2, T).thresholdEnabled(false).build());
        assertThat(rules.threshold("P-1", "PUMP", T)).isEqualTo(new RuleVersions.Threshold(false, 85, 2, "asset:P-1"));
        rules.apply("asset:P-1", version("asset:P-1", 3, T).warn(60).build());
        assertThat(rules.threshold("P-1", "PUMP", T))
                .as("a version without threshold parameters leaves the threshold to the next scope")
                .isEqualTo(new RuleVersions.Threshold(true, 85, 4, "type:PUMP"));
        assertThat(rules.sustained("P-1", "PUMP", T).getWarn()).isEqualTo(60);
        assertThat(rules.sustained("P-1", "PUMP", T).getWindowCount()).as("from the rules file").isEqualTo(3);
    }

    @Test
    void aReadingIsJudgedByTheHighestVersionInForceAtItsTimestamp() {
        rules.apply("default", version("default", 1, T).critical(95).build());
        rules.apply("default", version("default", 2, T + 10 * S).critical(90).build());
        assertThat(rules.threshold("T-1", "TURBINE", T - 1).critical()).as("before any version").isEqualTo(100);
        assertThat(rules.threshold("T-1", "TURBINE", T).critical()).isEqualTo(95);
        assertThat(rules.threshold("T-1", "TURBINE", T + 10 * S - 1).critical()).isEqualTo(95);
        assertThat(rules.threshold("T-1", "TURBINE", T + 10 * S).critical()).as("exactly at effectiveFrom").isEqualTo(90);
        rules.apply("default", version("default", 3, T + 5 * S).critical(80).build());
        assertThat(rules.threshold("T-1", "TURBINE", T + 20 * S).critical())
                .as("a higher version takes over from its own effectiveFrom").isEqualTo(80);
    }

    @Test
    void aTombstoneRemovesTheScopeAndTheSameVersionAgainReplacesIt() {
        rules.apply("type:PUMP", version("type:PUMP", 1, T).critical(60).build());
        rules.apply("type:PUMP", version("type:PUMP", 1, T).critical(65).build());
        assertThat(rules.threshold("P-1", "PUMP", T).critical()).isEqualTo(65);
        rules.apply("type:PUMP", null);
        assertThat(rules.threshold("P-1", "PUMP", T)).isEqualTo(new RuleVersions.Threshold(true, 80, 0, "type:PUMP"));
        assertThat(rules.scopes()).isEmpty();
    }

    @Test
    void eachScopeKeepsABoundedHistory() {
        for (int v = 1; v <= 40; v++) {
            rules.apply("default", version("default", v, T + v * S).critical(100 - v).build());
        }
        assertThat(rules.scopes().get("default")).hasSize(RuleVersions.MAX_VERSIONS_PER_SCOPE);
        assertThat(rules.threshold("T-1", "TURBINE", T + 40 * S).critical()).isEqualTo(60);
    }

    @Test
    void aWindowSizeChangeStartsWithTheFirstWindowStartingAtOrAfterItsEffectiveFrom() {
        rules.apply("default", version("default", 1, T + 30 * S).windowSize("2 min").build());
        RuleVersions.Window before = rules.openWindow("T-1", "TURBINE", T + 40 * S, T);
        assertThat(before.start()).isEqualTo(T);
        assertThat(before.end()).as("the window the change falls in keeps the old size").isEqualTo(T + MIN);
        assertThat(before.rule().getVersion()).isEqualTo(0);
        RuleVersions.Window first = rules.openWindow("T-1", "TURBINE", T + MIN + 10 * S, T + MIN);
        assertThat(first.start()).as("starts where the last one ended").isEqualTo(T + MIN);
        assertThat(first.end()).as("and ends on the new size's boundary").isEqualTo(T + 2 * MIN);
        assertThat(first.rule().getVersion()).isEqualTo(1);
        RuleVersions.Window next = rules.openWindow("T-1", "TURBINE", T + 2 * MIN + 10 * S, T + 2 * MIN);
        assertThat(next.start()).isEqualTo(T + 2 * MIN);
        assertThat(next.end()).isEqualTo(T + 4 * MIN);
    }

    @Test
    void aSizeChangeDuringAGapStartsWhereTheOldSizesEmptyWindowEnds() {
        // the old 1 min windows go on, empty, past the change at 2:30; the first one starting after it, at 3:00, is
        // the first of the new size (cut to the 2 min boundary at 4:00), not a 2 min window reaching back to 2:00
        rules.apply("default", version("default", 1, T + 2 * MIN + 30 * S).windowSize("2 min").build());
        RuleVersions.Window w = rules.openWindow("T-1", "TURBINE", T + 3 * MIN + 10 * S, T + 2 * MIN);
        assertThat(w.start()).isEqualTo(T + 3 * MIN);
        assertThat(w.end()).isEqualTo(T + 4 * MIN);
        assertThat(w.rule().getVersion()).isEqualTo(1);
        RuleVersions.Window inside = rules.openWindow("T-1", "TURBINE", T + 2 * MIN + 40 * S, T + 2 * MIN);
        assertThat(inside.start()).as("a reading after the change, in the window it fell in").isEqualTo(T + 2 * MIN);
        assertThat(inside.end()).isEqualTo(T + 3 * MIN);
        assertThat(inside.rule().getVersion()).isEqualTo(0);
    }

    @Test
    void aWindowOpenedAfterAGapUsesTheRuleAtItsOwnStart() {
        rules.apply("default", version("default", 1, T + 30 * MIN).warn(80).windowCount(2).build());
        RuleVersions.Window w = rules.openWindow("T-1", "TURBINE", T + 31 * MIN + 5 * S, T + 2 * MIN);
        assertThat(w.start()).isEqualTo(T + 31 * MIN);
        assertThat(w.rule().getWarn()).isEqualTo(80);
        assertThat(w.rule().getWindowCount()).isEqualTo(2);
    }
}
