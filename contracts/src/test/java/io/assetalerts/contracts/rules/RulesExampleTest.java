package io.assetalerts.contracts.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The example rules file the docs point at must load and mean what its comments say. */
class RulesExampleTest {

    @Test
    void exampleRulesFileLoads() {
        RuleBook book = RuleBook.load(Path.of("../flink-conf/rules.example.yaml"), RuleSettings.SPEC_DEFAULTS);
        assertThat(book.defaults()).isEqualTo(RuleSettings.SPEC_DEFAULTS);
        assertThat(book.forType("PUMP")).isEqualTo(new RuleSettings(80, 70, Duration.ofMinutes(1), 3));
        assertThat(book.forType("TRANSFORMER")).isEqualTo(new RuleSettings(90, 75, Duration.ofSeconds(30), 4));
    }
}
