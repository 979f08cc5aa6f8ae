package io.assetalerts.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorConfigTest {

    @Test
    void onlyBootstrapServersIsRequired() {
        SimulatorConfig config = SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092");
        assertThat(config.telemetryTopic()).isEqualTo("telemetry.events");
        assertThat(config.assetTopic()).isEqualTo("asset.events");
        assertThat(config.generator().fleet()).hasSize(24);
        assertThat(config.generator().eventsPerSecond()).isEqualTo(50);
        assertThat(config.generator().speedup()).isEqualTo(1);
        assertThat(config.duration()).isNull();
        assertThat(config.count()).isNull();
    }

    @Test
    void rawFormatDefaultsToTheRawTopic() {
        SimulatorConfig config = SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--format", "raw");
        assertThat(config.format()).isEqualTo(SimulatorConfig.Format.RAW);
        assertThat(config.telemetryTopic()).isEqualTo("telemetry.raw");
    }

    @Test
    void readsEveryFlag() {
        SimulatorConfig config = SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--assets", "6",
                "--rate", "200", "--speedup", "30", "--seed", "-3", "--start-time", "2026-01-10T12:15:00+02:00",
                "--incident", "PUMP-101:sustained:1min", "--spike-every", "2min", "--count", "1000",
                "--kafka.security.protocol", "SSL");
        assertThat(config.generator().start()).isEqualTo(Instant.parse("2026-01-10T10:15:00Z"));
        assertThat(config.generator().seed()).isEqualTo(-3);
        assertThat(config.generator().spikeEvery()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.count()).isEqualTo(1000L);
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SSL");
        assertThat(config.toString()).doesNotContain("SSL");
    }

    @Test
    void wrongFlagsAreNamed() {
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--rtae", "5"))
                .isInstanceOf(Cli.BadFlag.class).hasMessage("--rtae: unknown flag");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--rate", "0"))
                .hasMessageStartingWith("--rate:");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--incident",
                "PUMP-999:spike:1s")).hasMessageStartingWith("--incident:").hasMessageContaining("PUMP-999");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--start-time", "today"))
                .hasMessageStartingWith("--start-time:");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--warn", "100"))
                .hasMessageStartingWith("--critical:");
    }

    @Test
    void aConfigFileGivesDefaultsThatFlagsOverride(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("simulator.properties");
        Files.writeString(file, "bootstrap-servers=k:9092\n--assets=3\nrate=7\nkafka.security.protocol=SSL\n");
        SimulatorConfig config = SimulatorConfig.fromArgs("--config", file.toString(), "--rate", "9");
        assertThat(config.bootstrapServers()).isEqualTo("k:9092");
        assertThat(config.generator().fleet()).hasSize(3);
        assertThat(config.generator().eventsPerSecond()).isEqualTo(9);
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SSL");

        Files.writeString(file, "bootstrap-servers=k:9092\nrtae=5\n");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--config", file.toString()))
                .isInstanceOf(Cli.BadFlag.class).hasMessage("--rtae: unknown flag (in " + file + ")");
    }

    @Test
    void wrongValuesAndMissingOnesAreNamed() {
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--rate", "3"))
                .isInstanceOf(Cli.BadFlag.class).hasMessage("--bootstrap-servers: is required");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--rate"))
                .hasMessage("--rate: needs a value");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--rate", "fast"))
                .hasMessageStartingWith("--rate: ");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--spike-every", "5x"))
                .hasMessage("--spike-every: expected a duration like 500ms, 10s or 5 min, got '5x'");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--kafka.acks"))
                .hasMessage("--kafka.acks: needs a value");
    }

    @Test
    void theJobsFlagConventionsHold() {
        SimulatorConfig config = SimulatorConfig.fromArgs("-bootstrap-servers", " k:9092 ", "--seed", "1", "--seed",
                "2", "--assets", " 5", "--incident", "", "--count", "", "--format", " raw");
        assertThat(config.bootstrapServers()).isEqualTo("k:9092");
        assertThat(config.generator().seed()).as("the last of a flag given twice").isEqualTo(2);
        assertThat(config.generator().fleet()).hasSize(5);
        assertThat(config.generator().incidents()).as("an optional flag given empty is not given").isEmpty();
        assertThat(config.count()).isNull();
        assertThat(config.format()).isEqualTo(SimulatorConfig.Format.RAW);
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", ""))
                .hasMessage("--bootstrap-servers: is required");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--asset-topic", ""))
                .hasMessage("--asset-topic: must not be empty");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--telemetry-topic",
                "--oops")).hasMessageStartingWith("--telemetry-topic: ");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("-bootstrap-servers", "k:9092", "-rtae", "1"))
                .hasMessage("--rtae: unknown flag");
    }

    @Test
    void helpIsPrintedFromTheDeclarationTheParserReads() {
        String help = Cli.usage(new SimulatorConfig.Flags());
        picocli.CommandLine.Model.CommandSpec spec = new picocli.CommandLine(new SimulatorConfig.Flags()).getCommandSpec();
        assertThat(spec.options()).hasSize(20);
        spec.options().forEach(option -> assertThat(help).contains(option.longestName()));
        assertThat(help).contains("--kafka.<property>=VALUE").contains("--config=FILE");
        assertThat(Cli.usage(new Rules.Flags(), "list", "--help")).contains("--at=ISO-8601").contains("--rules-topic");
    }

    @Test
    void producerPassThroughCannotWeakenDelivery() {
        assertThatThrownBy(() -> KafkaClients.producer("k:9092", props("acks", "1"), "t"))
                .isInstanceOf(Cli.BadFlag.class).hasMessageStartingWith("--kafka.acks:");
        assertThatThrownBy(() -> KafkaClients.producer("k:9092", props("enable.idempotence", "false"), "t"))
                .hasMessageStartingWith("--kafka.enable.idempotence:");
    }

    private static Properties props(String key, String value) {
        Properties props = new Properties();
        props.setProperty(key, value);
        return props;
    }

    @Test
    void aRuleChangeBecomesAVersionEffectiveAtItsOffsetOfEventTime() {
        SimulatorConfig config = SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--start-time",
                "2026-01-10T10:00:00Z", "--rule-change", "type:PUMP:6min:critical=92+windowCount=2,asset:P-7:0s:threshold=off");
        assertThat(config.ruleChanges()).hasSize(2);
        var pump = config.ruleChanges().get(0);
        assertThat(pump.getScope()).isEqualTo("type:PUMP");
        assertThat(pump.getEffectiveFrom()).isEqualTo(Instant.parse("2026-01-10T10:06:00Z"));
        assertThat(pump.getVersion()).isEqualTo(Instant.parse("2026-01-10T10:06:00Z").getEpochSecond());
        assertThat(pump.getTemperatureThreshold().getCritical()).isEqualTo(92.0);
        assertThat(pump.getSustainedOverheat().getWindowCount()).isEqualTo(2);
        assertThat(config.ruleChanges().get(1).getTemperatureThreshold().getEnabled()).isFalse();
        assertThat(config.ruleChanges().get(1).getSustainedOverheat()).isNull();
    }

    @Test
    void aRuleChangeTheJobWouldRejectIsABadFlag() {
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--rule-change",
                "type:PUMP:1min:critical=80+warn=85"))
                .isInstanceOf(Cli.BadFlag.class).hasMessageStartingWith("--rule-change: ")
                .hasMessageContaining("'sustainedOverheat.warn'");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--rule-change",
                "zone:1:1min:critical=80"))
                .isInstanceOf(Cli.BadFlag.class).hasMessageContaining("'scope'");
        assertThatThrownBy(() -> SimulatorConfig.fromArgs("--bootstrap-servers", "k:9092", "--rule-change",
                "default:1min:hot=yes"))
                .isInstanceOf(Cli.BadFlag.class).hasMessageContaining("unknown parameter 'hot'");
    }
}
