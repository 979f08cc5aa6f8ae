package io.assetalerts.udfs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.assetalerts.schemas.RuleSet;
import io.assetalerts.schemas.state.Inbound;
import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.contracts.codec.RejectReason;
import io.assetalerts.udfs.kafka.InboundDeserializer.Contract;
import io.assetalerts.udfs.rules.RuleSets;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Records of the rules topic: what is a version, what is a tombstone, and why a bad one is INVALID_RULE. */
class RuleRecordsTest {

    private static final String PUMP = "{\"scope\":\"type:PUMP\",\"version\":3,\"effectiveFrom\":\"2026-12-01T10:00:00Z\","
            + "\"temperatureThreshold\":{\"critical\":80},\"sustainedOverheat\":{\"warn\":70,\"windowSize\":\"2 min\","
            + "\"windowCount\":4,\"enabled\":true}}";

    private static Inbound read(String key, String value) {
        List<Inbound> out = new ArrayList<>();
        new InboundDeserializer(Contract.RULE_SET, "alert-job", Duration.ofHours(1)).deserialize(
                new ConsumerRecord<>("alert.rules", 0, 7L, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        value == null ? null : value.getBytes(StandardCharsets.UTF_8)),
                new ListCollector<>(out));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Test
    void aVersionIsReadWithItsScopeAndOffset() {
        Inbound in = read("type:PUMP", PUMP);
        RuleSet rules = in.getRule().getRuleSet();
        assertThat(in.getRule().getScope()).isEqualTo("type:PUMP");
        assertThat(in.getRule().getOffset()).isEqualTo(7);
        assertThat(rules.getVersion()).isEqualTo(3);
        assertThat(rules.getEffectiveFrom()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(rules.getTemperatureThreshold().getCritical()).isEqualTo(80.0);
        assertThat(rules.getTemperatureThreshold().getEnabled()).isNull();
        assertThat(rules.getSustainedOverheat().getWindowSize()).isEqualTo("2 min");
        assertThat(rules.getSustainedOverheat().getWindowCount()).isEqualTo(4);
    }

    @Test
    void aTombstoneRemovesTheScope() {
        Inbound in = read("asset:P-7", null);
        assertThat(in.getRule().getScope()).isEqualTo("asset:P-7");
        assertThat(in.getRule().getRuleSet()).isNull();
    }

    @Test
    void encodingAndDecodingAgree() {
        RuleSet rules = RuleSets.version("asset:P-7", 2, Instant.parse("2026-12-01T10:00:00Z").toEpochMilli())
                .critical(75.5).thresholdEnabled(false).windowCount(2).silenceEnabled(false).build();
        String json = new String(EventJson.encode(rules), StandardCharsets.UTF_8);
        assertThat(read("asset:P-7", json).getRule().getRuleSet()).isEqualTo(rules);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "warn at critical            | type:PUMP | {\"scope\":\"type:PUMP\",\"version\":1,\"effectiveFrom\":\"2026-12-01T10:00:00Z\",\"temperatureThreshold\":{\"critical\":80},\"sustainedOverheat\":{\"warn\":80}} | 'sustainedOverheat.warn'",
            "count below one             | type:PUMP | {\"scope\":\"type:PUMP\",\"version\":1,\"effectiveFrom\":\"2026-12-01T10:00:00Z\",\"sustainedOverheat\":{\"windowCount\":0}} | 'sustainedOverheat.windowCount'",
            "unknown scope               | zone:7    | {\"scope\":\"zone:7\",\"version\":1,\"effectiveFrom\":\"2026-12-01T10:00:00Z\"} | 'scope'",
            "key is not the scope        | default   | {\"scope\":\"type:PUMP\",\"version\":1,\"effectiveFrom\":\"2026-12-01T10:00:00Z\"} | 'scope'",
            "version zero                | default   | {\"scope\":\"default\",\"version\":0,\"effectiveFrom\":\"2026-12-01T10:00:00Z\"} | 'version'",
            "misspelt parameter          | default   | {\"scope\":\"default\",\"version\":1,\"effectiveFrom\":\"2026-12-01T10:00:00Z\",\"temperatureThreshold\":{\"critcal\":80}} | 'temperatureThreshold.critcal'",
            "window size not in seconds  | default   | {\"scope\":\"default\",\"version\":1,\"effectiveFrom\":\"2026-12-01T10:00:00Z\",\"sustainedOverheat\":{\"windowSize\":\"1500ms\"}} | 'sustainedOverheat.windowSize'",
            "critical as a string        | default   | {\"scope\":\"default\",\"version\":1,\"effectiveFrom\":\"2026-12-01T10:00:00Z\",\"temperatureThreshold\":{\"critical\":\"80\"}} | 'temperatureThreshold.critical'",
            "no effectiveFrom            | default   | {\"scope\":\"default\",\"version\":1} | 'effectiveFrom'",
            "silence as a string         | default   | {\"scope\":\"default\",\"version\":1,\"effectiveFrom\":\"2026-12-01T10:00:00Z\",\"assetSilence\":{\"enabled\":\"no\"}} | 'assetSilence.enabled'",
            "misspelt silence parameter  | default   | {\"scope\":\"default\",\"version\":1,\"effectiveFrom\":\"2026-12-01T10:00:00Z\",\"assetSilence\":{\"after\":\"5 min\"}} | 'assetSilence.after'",
            "not JSON                    | default   | {scope: default | malformed JSON",
    })
    void aBadRuleIsAnInvalidRuleNamingItsField(String what, String key, String json, String named) {
        Inbound in = read(key, json);
        assertThat(in.getRule()).isNull();
        assertThat(in.getDeadLetter().getReason()).isEqualTo(RejectReason.INVALID_RULE.name());
        assertThat(in.getDeadLetter().getMessage()).contains(named);
        assertThat(in.getDeadLetter().getSourceTopic()).isEqualTo("alert.rules");
    }

    @Test
    void aRecordWithoutAKeyIsAnInvalidRule() {
        assertThat(read(null, PUMP).getDeadLetter().getReason()).isEqualTo(RejectReason.INVALID_RULE.name());
        assertThat(read("nonsense", null).getDeadLetter().getMessage()).contains("unknown scope");
    }
}
