package io.assetalerts.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** RegisterAssets against a real broker: exactly the good rows reach the topic, the bad ones are reported. */
class RegisterAssetsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Instant DEFAULT_TIME = Instant.parse("2026-01-10T10:15:00Z");

    @TempDir
    Path dir;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** Runs a tool as its main would, capturing what it prints. */
    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(Cli.Tool tool, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run("tool", args, tool, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new Cli.Stop());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void createTopic(String topic) {
        Run created = run(CreateTopics::run, "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topics", topic + ":3:compact");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains(topic + " created, 3 partitions, compacted");
    }

    private static AssetRegistered registration(String assetId, String type, String location, Instant at) {
        return Fleet.registration(new Fleet.Asset(0, assetId, type, location, 0, 0), at);
    }

    private static List<AssetRegistered> published(String topic, int expected) {
        List<ConsumerRecord<String, byte[]>> records =
                KafkaTopics.readAll(KAFKA.bootstrapServers(), topic, expected, TIMEOUT);
        assertThat(records).allSatisfy(r ->
                assertThat(r.key()).isEqualTo(EventJson.decodeAssetRegistered(r.value()).value().getAssetId()));
        return records.stream().map(r -> EventJson.decodeAssetRegistered(r.value()).value()).toList();
    }

    @Test
    void csvPublishesTheGoodRowsAndReportsTheBadOnesByLineNumber() throws Exception {
        String topic = "assets-csv";
        createTopic(topic);
        Path file = dir.resolve("assets.csv");
        Files.writeString(file, """
                assetId,assetType,location,timestamp
                TURBINE-101,TURBINE,AP-Plant-7,2026-01-10T09:00:00Z
                PUMP-201,PUMP,,
                PUMP-202,PUMP,"EU-Plant-3, hall B",
                TRANSFORMER-301,TRANSFORMER,US-Plant-5,10:00
                TRANSFORMER-302,TRANSFORMER
                """);

        Run run = run(RegisterAssets::run, "--bootstrap-servers", KAFKA.bootstrapServers(), "--file",
                file.toString(), "--asset-topic", topic, "--timestamp", DEFAULT_TIME.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines()).containsExactly(
                file + ":3: MISSING_FIELD required field 'location' is missing",
                file + ":5: INVALID_VALUE field 'timestamp' must be an ISO-8601 instant string like"
                        + " 2026-01-10T10:15:00Z or 2026-01-10T12:15:00.120+02:00, got string \"10:00\"",
                file + ":6: MALFORMED_CSV expected 4 fields (assetId,assetType,location,timestamp), got 2");
        assertThat(run.out()).contains("published 2 of 5 registrations").contains("3 bad rows not published");
        assertThat(published(topic, 2)).containsExactlyInAnyOrder(
                registration("TURBINE-101", "TURBINE", "AP-Plant-7", Instant.parse("2026-01-10T09:00:00Z")),
                registration("PUMP-202", "PUMP", "EU-Plant-3, hall B", DEFAULT_TIME));
    }

    @Test
    void jsonLinesWithOnlyGoodRowsExitZero() throws Exception {
        String topic = "assets-jsonl";
        createTopic(topic);
        Path file = dir.resolve("assets.jsonl");
        Files.writeString(file, """
                {"assetId":"TURBINE-101","assetType":"TURBINE","location":"AP-Plant-7","timestamp":"2026-01-10T09:00:00Z"}

                {"eventId":"reg-7","eventType":"AssetRegistered","assetId":"PUMP-7","assetType":"PUMP","location":"x","timestamp":"2026-01-10T09:00:00Z"}
                """);

        Run run = run(RegisterAssets::run, "--bootstrap-servers", KAFKA.bootstrapServers(), "--file",
                file.toString(), "--asset-topic", topic);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        AssetRegistered pump = registration("PUMP-7", "PUMP", "x", Instant.parse("2026-01-10T09:00:00Z"));
        pump.setEventId("reg-7");
        assertThat(published(topic, 2)).containsExactlyInAnyOrder(
                registration("TURBINE-101", "TURBINE", "AP-Plant-7", Instant.parse("2026-01-10T09:00:00Z")), pump);
    }

    @Test
    void usageErrorsExitTwoAndPublishNothing() throws Exception {
        Path noHeader = dir.resolve("no-header.csv");
        Files.writeString(noHeader, "TURBINE-101,TURBINE,AP-Plant-7\n");
        Run badFile = run(RegisterAssets::run, "--bootstrap-servers", KAFKA.bootstrapServers(), "--file",
                noHeader.toString());
        assertThat(badFile.exitCode()).isEqualTo(2);
        assertThat(badFile.err()).contains("expected the header").contains("nothing published");

        Run unknownFlag = run(RegisterAssets::run, "--bootstrap-servers", KAFKA.bootstrapServers(), "--file",
                noHeader.toString(), "--topic", "x");
        assertThat(unknownFlag.exitCode()).isEqualTo(2);
        assertThat(unknownFlag.err().strip()).isEqualTo("tool: --topic: unknown flag (--help lists the flags)");

        Run missing = run(RegisterAssets::run, "--bootstrap-servers", KAFKA.bootstrapServers(), "--file",
                dir.resolve("nope.csv").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
    }
}
