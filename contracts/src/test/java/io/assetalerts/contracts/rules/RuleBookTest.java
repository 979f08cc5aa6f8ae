package io.assetalerts.contracts.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RuleBookTest {

    private static final RuleSettings BASE = RuleSettings.SPEC_DEFAULTS;

    @Test
    void perTypeOverridesInheritTheDefaults() {
        RuleBook book = RuleBook.parse("""
                defaults:
                  warn: 85
                assetTypes:
                  PUMP: {critical: 80, warn: 70}
                  TRANSFORMER: {window: 30s, windows: 4}
                """, BASE);
        assertThat(book.forType("PUMP")).isEqualTo(new RuleSettings(80, 70, Duration.ofMinutes(1), 3));
        assertThat(book.forType("TRANSFORMER")).isEqualTo(new RuleSettings(100, 85, Duration.ofSeconds(30), 4));
        assertThat(book.forType("TURBINE")).isEqualTo(new RuleSettings(100, 85, Duration.ofMinutes(1), 3));
        assertThat(book.forType(null)).isEqualTo(book.defaults());
    }

    @Test
    void readsJsonToo() {
        RuleBook book = RuleBook.parse("{\"assetTypes\": {\"PUMP\": {\"critical\": 80}}}", BASE);
        assertThat(book.forType("PUMP").critical()).isEqualTo(80.0);
    }

    @Test
    void rejectsUnknownKeysNamingThem() {
        assertThatThrownBy(() -> RuleBook.parse("assetTypes: {PUMP: {critcal: 80}}", BASE))
                .hasMessageContaining("unknown key 'assetTypes.PUMP.critcal'");
    }

    @Test
    void rejectsNumbersAsStrings() {
        assertThatThrownBy(() -> RuleBook.parse("defaults: {critical: \"high\"}", BASE))
                .hasMessageContaining("'defaults.critical' must be a number");
    }

    @Test
    void rejectsBadWindows() {
        assertThatThrownBy(() -> RuleBook.parse("defaults: {windows: 0}", BASE))
                .hasMessageContaining("defaults").hasMessageContaining("window count");
        assertThatThrownBy(() -> RuleBook.parse("defaults: {window: soon}", BASE))
                .hasMessageContaining("'defaults.window' must be a duration");
    }

    @Test
    void rejectsMalformedYaml() {
        assertThatThrownBy(() -> RuleBook.parse("defaults: [unclosed", BASE)).hasMessageContaining("not valid YAML/JSON");
    }
}
