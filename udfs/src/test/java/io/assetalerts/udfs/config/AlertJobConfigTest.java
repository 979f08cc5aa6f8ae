package io.assetalerts.udfs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import io.assetalerts.udfs.config.Flags.StartingOffsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertJobConfigTest {

    @Test
    void onlyBootstrapServersGivesTheSpecDefaults() {
        AlertJobConfig c = AlertJobConfig.fromArgs("--bootstrap-servers", "127.0.0.1:9092");
        assertThat(c.assetTopic()).isEqualTo("asset.events");
        assertThat(c.telemetryTopic()).isEqualTo("telemetry.events");
        assertThat(c.alertTopic()).isEqualTo("alert.events");
        assertThat(c.dlqTopic()).isEqualTo("alert-job.dlq");
        assertThat(c.job().deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(c.job().outOfOrderness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.job().idleness()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.dedupeTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(c.job().unknownAssetGrace()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.rules().defaults().critical()).isEqualTo(100.0);
        assertThat(c.rules().defaults().warn()).isEqualTo(90.0);
        assertThat(c.job().startingOffsets().kind()).isEqualTo(StartingOffsets.Kind.COMMITTED);
    }

    @Test
    void missingBootstrapServersNamesTheFlag() {
        assertThatThrownBy(AlertJobConfig::fromArgs).isInstanceOf(InvalidFlagException.class)
                .hasMessage("--bootstrap-servers: is required");
    }

    @Test
    void badDurationNamesTheFlag() {
        assertThatThrownBy(() -> AlertJobConfig.fromArgs("--bootstrap-servers", "x:1", "--idleness", "soon"))
                .hasMessage("--idleness: expected a duration like 500ms, 10s or 5 min, got 'soon'");
    }

    @Test
    void unknownFlagIsRejected() {
        assertThatThrownBy(() -> AlertJobConfig.fromArgs("--bootstrap-servers", "x:1", "--idelness", "5s"))
                .hasMessageStartingWith("--idelness: unknown flag");
    }

    @Test
    void badChoiceListsTheAllowedValues() {
        assertThatThrownBy(() -> AlertJobConfig.fromArgs("--bootstrap-servers", "x:1", "--delivery-guarantee", "maybe"))
                .hasMessage("--delivery-guarantee: expected one of [at-least-once, exactly-once], got 'maybe'");
    }

    @Test
    void parsesStartingOffsetsAndDurationsInFlinkNotation() {
        AlertJobConfig c = AlertJobConfig.fromArgs("--bootstrap-servers", "x:1",
                "--starting-offsets", "timestamp:2026-01-10T10:00:00Z", "--out-of-orderness", "500ms",
                "--checkpoint-interval", "5 min", "--transaction-timeout", "14 min", "--delivery-guarantee", "at-least-once");
        assertThat(c.job().startingOffsets()).isEqualTo(new StartingOffsets(StartingOffsets.Kind.TIMESTAMP,
                Instant.parse("2026-01-10T10:00:00Z")));
        assertThat(c.job().outOfOrderness()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.job().checkpointInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.job().deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    }

    @Test
    void transactionTimeoutMustCoverCheckpoints() {
        assertThatThrownBy(() -> AlertJobConfig.fromArgs("--bootstrap-servers", "x:1",
                "--checkpoint-interval", "10 min", "--transaction-timeout", "15 min"))
                .hasMessageStartingWith("--transaction-timeout: must be at least twice --checkpoint-interval");
    }

    @Test
    void configFileHoldsTheSameKeysAndFlagsWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alert-job.properties");
        Files.writeString(file, "bootstrap-servers=broker:9092\nalert-topic=alerts.from.file\nidleness=1 min\n"
                + "kafka.security.protocol=SASL_SSL\n");
        AlertJobConfig c = AlertJobConfig.fromArgs("--config", file.toString(), "--idleness", "2s");
        assertThat(c.job().bootstrapServers()).isEqualTo("broker:9092");
        assertThat(c.alertTopic()).isEqualTo("alerts.from.file");
        assertThat(c.job().idleness()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.job().kafkaProperties().getProperty("security.protocol")).isEqualTo("SASL_SSL");
    }

    @Test
    void kafkaPropertiesAreNeverPrinted() {
        AlertJobConfig c = AlertJobConfig.fromArgs("--bootstrap-servers", "x:1",
                "--kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule password=\"s3cret\";");
        assertThat(c.toString()).contains("sasl.jaas.config").doesNotContain("s3cret");
    }

    @Test
    void malformedRulesFileStopsTheJobNamingTheProblem(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "assetTypes:\n  PUMP: {critical: hot}\n");
        assertThatThrownBy(() -> AlertJobConfig.fromArgs("--bootstrap-servers", "x:1", "--rules", rules.toString()))
                .hasMessageStartingWith("--rules: rules file '" + rules + "': 'assetTypes.PUMP.critical' must be a number");
    }

    @Test
    void flagWithoutValueIsRejected() {
        assertThatThrownBy(() -> AlertJobConfig.fromArgs("--bootstrap-servers", "x:1", "--group-id"))
                .hasMessage("--group-id: needs a value");
    }
}
