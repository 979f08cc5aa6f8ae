package io.assetalerts.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.tools.simulator.AssetFile.Format;
import io.assetalerts.tools.simulator.AssetFile.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssetFileTest {

    private static final Instant NOW = Instant.parse("2026-01-10T10:15:00Z");

    @TempDir
    Path dir;

    private List<Row> read(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return AssetFile.read(file, Format.of(file), NOW);
    }

    private static AssetRegistered registration(String assetId, String type, String location, Instant at) {
        return Fleet.registration(new Fleet.Asset(0, assetId, type, location, 0, 0), at);
    }

    @Test
    void csvRowsBecomeRegistrationsWithNameBasedEventIds() throws Exception {
        List<Row> rows = read("assets.csv", """
                assetId,assetType,location,timestamp
                TURBINE-101,TURBINE,AP-Plant-7,2026-01-10T10:00:00Z
                PUMP-7,PUMP,"Hall 3, bay ""B\""",
                """);
        assertThat(rows).extracting(Row::line).containsExactly(2, 3);
        assertThat(rows.get(0).registration())
                .isEqualTo(registration("TURBINE-101", "TURBINE", "AP-Plant-7", Instant.parse("2026-01-10T10:00:00Z")));
        assertThat(rows.get(1).registration()).isEqualTo(registration("PUMP-7", "PUMP", "Hall 3, bay \"B\"", NOW));
    }

    @Test
    void csvColumnsMayComeInAnyOrderAndTimestampIsOptional() throws Exception {
        List<Row> rows = read("assets.csv", "location,assetId,assetType\r\nAP-Plant-7,TURBINE-101,TURBINE\r\n");
        assertThat(rows.get(0).registration()).isEqualTo(registration("TURBINE-101", "TURBINE", "AP-Plant-7", NOW));
    }

    @Test
    void badCsvRowsAreReportedByLineNumberWithTheContractReason() throws Exception {
        List<Row> rows = read("assets.csv", """
                assetId,assetType,location,timestamp
                TURBINE-101,TURBINE,AP-Plant-7,

                ,PUMP,AP-Plant-7,
                PUMP-1,PUMP,AP-Plant-7,yesterday
                PUMP-2, PUMP,AP-Plant-7,
                PUMP-3,PUMP
                PUMP-4,PUMP,"unterminated
                TRANSFORMER-9,TRANSFORMER,EU-Plant-3,2026-01-10T12:00:00+02:00
                """);
        assertThat(rows).extracting(Row::line, Row::reason).containsExactly(
                tuple(2, null),
                tuple(4, "MISSING_FIELD"),
                tuple(5, "INVALID_VALUE"),
                tuple(6, "INVALID_VALUE"),
                tuple(7, "MALFORMED_CSV"),
                tuple(8, "MALFORMED_CSV"),
                tuple(9, null));
        assertThat(rows.get(1).problem()).isEqualTo("required field 'assetId' is missing");
        assertThat(rows.get(2).problem()).contains("timestamp");
        assertThat(rows.get(3).problem()).contains("whitespace");
        assertThat(rows.get(6).registration().getTimestamp()).isEqualTo(Instant.parse("2026-01-10T10:00:00Z"));
    }

    @Test
    void aCsvWithoutTheHeaderIsUnreadableAsAWhole() {
        assertThatThrownBy(() -> read("assets.csv", "TURBINE-101,TURBINE,AP-Plant-7\n"))
                .isInstanceOf(AssetFile.UnreadableFileException.class).hasMessageContaining("assetId,assetType,location");
        assertThatThrownBy(() -> read("assets.csv", "assetId,assetType,location,owner\n"))
                .isInstanceOf(AssetFile.UnreadableFileException.class).hasMessageContaining("line 1");
        assertThatThrownBy(() -> read("assets.csv", "\n\n"))
                .isInstanceOf(AssetFile.UnreadableFileException.class).hasMessageContaining("empty");
    }

    @Test
    void jsonLinesMayLeaveOutEventIdAndEventTypeButNothingElse() throws Exception {
        List<Row> rows = read("assets.jsonl", """
                {"eventId":"e-1","eventType":"AssetRegistered","assetId":"TURBINE-101","assetType":"TURBINE","location":"AP-Plant-7","timestamp":"2026-01-10T10:00:00Z"}
                {"assetId":"PUMP-7","assetType":"PUMP","location":"AP-Plant-7","timestamp":"2026-01-10T10:00:00Z","owner":"ops"}
                {"assetId":"PUMP-8","assetType":"PUMP","location":"AP-Plant-7"}
                {"assetId":"PUMP-9","assetType":"PUMP"}
                {"assetId":"PUMP-9","assetId":"PUMP-10","assetType":"PUMP","location":"x"}
                {"eventType":"TelemetryReceived","assetId":"PUMP-11","assetType":"PUMP","location":"x"}
                {"assetId":"PUMP-12","assetType":7,"location":"x"}
                not json
                """);
        assertThat(rows).extracting(Row::reason).containsExactly(null, null, null, "MISSING_FIELD",
                "MALFORMED_JSON", "UNKNOWN_EVENT_TYPE", "INVALID_VALUE", "MALFORMED_JSON");
        assertThat(rows.get(0).registration().getEventId()).isEqualTo("e-1");
        assertThat(rows.get(1).registration())
                .isEqualTo(registration("PUMP-7", "PUMP", "AP-Plant-7", Instant.parse("2026-01-10T10:00:00Z")));
        assertThat(rows.get(2).registration()).isEqualTo(registration("PUMP-8", "PUMP", "AP-Plant-7", NOW));
        assertThat(rows.get(3).problem()).contains("location");
    }

    @Test
    void invalidUtf8IsABadRowNotABadFile() throws Exception {
        Path file = dir.resolve("assets.csv");
        byte[] header = "assetId,assetType,location\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'P', (byte) 0xC3, ',', 'P', ',', 'x', '\n'};
        byte[] good = "PUMP-1,PUMP,x\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, concat(header, bad, good));
        assertThat(AssetFile.read(file, Format.CSV, NOW)).extracting(Row::line, Row::reason).containsExactly(
                tuple(2, "MALFORMED_CSV"),
                tuple(3, null));
    }

    @Test
    void splitsCsvLikeRfc4180() {
        assertThat(AssetFile.splitCsv("a,\"b,c\",\"d\"\"e\",")).containsExactly("a", "b,c", "d\"e", "");
        assertThat(AssetFile.splitCsv("a, b ,c")).as("not trimmed").containsExactly("a", " b ", "c");
        assertThat(AssetFile.splitCsv("a,b\"c")).as("a quote inside an unquoted field is a character")
                .containsExactly("a", "b\"c");
        assertThatThrownBy(() -> AssetFile.splitCsv("\"a\"b")).hasMessageContaining("is not CSV")
                .hasMessageContaining("separator");
        assertThatThrownBy(() -> AssetFile.splitCsv("a,\"b")).hasMessageContaining("is not CSV")
                .hasMessageContaining("closing quote");
        assertThatThrownBy(() -> AssetFile.splitCsv("a,b\rc,d")).as("a carriage return would end the row there")
                .hasMessageContaining("is not CSV");
        assertThat(AssetFile.splitCsv("\"T1\" ,TURBINE")).as("spaces after a closing quote are outside the value")
                .containsExactly("T1", "TURBINE");
    }

    @Test
    void formatFollowsTheFileName() {
        assertThat(Format.of(Path.of("a.CSV"))).isEqualTo(Format.CSV);
        assertThat(Format.of(Path.of("a.ndjson"))).isEqualTo(Format.JSONL);
        assertThat(Format.of(Path.of("a.txt"))).isNull();
    }

    private static byte[] concat(byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part);
        }
        return out.toByteArray();
    }
}
