package io.assetalerts.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The rules tool against a real broker: validate, publish (all or nothing), list, delete. */
class RulesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private record Run(int exitCode, String out, String err) {
    }

    private static Run rules(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run("rules", args, Rules::run, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new Cli.Stop());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String createRulesTopic(String name) throws Exception {
        Run created = new Run(CreateTopics.run(new String[] {"--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topics", name + ":1:compact"}, System.out, System.err, new Cli.Stop()), "", "");
        assertThat(created.exitCode()).isZero();
        return name;
    }

    private Path file(String name, String... lines) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    private static final String PUMP_V1 = "{\"scope\":\"type:PUMP\",\"version\":1,\"effectiveFrom\":\"2026-12-01T10:00:00Z\","
            + "\"temperatureThreshold\":{\"critical\":80}}";
    private static final String PUMP_V2 = "{\"scope\":\"type:PUMP\",\"version\":2,\"effectiveFrom\":\"2026-12-01T12:00:00Z\","
            + "\"temperatureThreshold\":{\"critical\":75},\"sustainedOverheat\":{\"warn\":70,\"windowCount\":2}}";
    private static final String P7_OFF = "{\"scope\":\"asset:PUMP-7\",\"version\":1,\"effectiveFrom\":\"2026-12-01T10:00:00Z\","
            + "\"temperatureThreshold\":{\"enabled\":false}}";

    @Test
    void validateNamesEachBadLineAndPublishesNothingThen() throws Exception {
        Path file = file("bad.jsonl", "# PUMP thresholds", PUMP_V1,
                "{\"scope\":\"type:PUMP\",\"version\":3,\"effectiveFrom\":\"2026-12-01T10:00:00Z\","
                        + "\"temperatureThreshold\":{\"critical\":70},\"sustainedOverheat\":{\"warn\":75}}",
                "{\"scope\":\"zone:9\",\"version\":1,\"effectiveFrom\":\"2026-12-01T10:00:00Z\"}");
        Run validated = rules("validate", file.toString());
        assertThat(validated.exitCode()).isEqualTo(Cli.FAILED);
        assertThat(validated.err().lines().toList()).containsExactly(
                file + ":3: INVALID_RULE field 'sustainedOverheat.warn' (75.0) must be below"
                        + " 'temperatureThreshold.critical' (70.0)",
                file + ":4: INVALID_RULE field 'scope' must be \"default\", \"type:<assetType>\" or"
                        + " \"asset:<assetId>\", got \"zone:9\"");

        String topic = createRulesTopic("bad.alert.rules");
        Run published = rules("publish", file.toString(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--rules-topic", topic);
        assertThat(published.exitCode()).isEqualTo(Cli.FAILED);
        assertThat(published.err()).contains("nothing published");
        assertThat(KafkaTopics.readAll(KAFKA.bootstrapServers(), topic, 0, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void publishListAndDelete() throws Exception {
        String topic = createRulesTopic("good.alert.rules");
        String[] kafka = {"--bootstrap-servers", KAFKA.bootstrapServers(), "--rules-topic", topic};
        Path file = file("rules.jsonl", PUMP_V1, PUMP_V2, P7_OFF);
        assertThat(rules("validate", file.toString()).out()).contains("holds 3 valid rule versions");
        Run published = rules(concat(new String[] {"publish", file.toString()}, kafka));
        assertThat(published.exitCode()).as(published.err()).isZero();
        assertThat(published.out()).contains("published 3 rule versions");

        List<ConsumerRecord<String, byte[]>> records = KafkaTopics.readAll(KAFKA.bootstrapServers(), topic, 3, TIMEOUT);
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("type:PUMP", "type:PUMP", "asset:PUMP-7");
        assertThat(records).allSatisfy(r -> assertThat(EventJson.decodeRuleSet(r.key(), r.value()).isOk()).isTrue());

        Run again = rules(concat(new String[] {"publish", file.toString()}, kafka));
        assertThat(again.out()).as("publishing the same file twice is harmless").contains("published 0 rule versions");
        Run older = rules(concat(new String[] {"publish", file("old.jsonl", PUMP_V1.replace("80", "81")).toString()}, kafka));
        assertThat(older.exitCode()).isEqualTo(Cli.FAILED);
        assertThat(older.err()).contains(":1: version 1 of type:PUMP is not above the published version 2");

        Run list = rules(concat(new String[] {"list", "--at", "2026-12-01T11:00:00Z"}, kafka));
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out().lines().toList()).containsExactly(
                topic + " in force at 2026-12-01T11:00:00Z (2 scopes; elsewhere the job's --rules, version 0):",
                "  asset:PUMP-7             v1 since 2026-12-01T10:00:00Z  TEMPERATURE_THRESHOLD{enabled=false}",
                "  type:PUMP                v1 since 2026-12-01T10:00:00Z  TEMPERATURE_THRESHOLD{critical=80.0}"
                        + "   next: v2 from 2026-12-01T12:00:00Z");

        assertThat(rules(concat(new String[] {"delete", "asset:PUMP-7"}, kafka)).exitCode()).isZero();
        assertThat(rules(concat(new String[] {"list", "--at", "2026-12-01T13:00:00Z"}, kafka)).out().lines().toList())
                .containsExactly(
                        topic + " in force at 2026-12-01T13:00:00Z (1 scopes; elsewhere the job's --rules, version 0):",
                        "  type:PUMP                v2 since 2026-12-01T12:00:00Z  TEMPERATURE_THRESHOLD{critical=75.0}"
                                + " SUSTAINED_OVERHEAT{warn=70.0, windowCount=2}");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
