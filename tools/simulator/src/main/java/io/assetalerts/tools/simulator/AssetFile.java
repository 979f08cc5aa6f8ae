package io.assetalerts.tools.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.assetalerts.contracts.codec.Decoded;
import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.contracts.codec.RejectReason;
import io.assetalerts.contracts.codec.Utf8;
import io.assetalerts.schemas.AssetRegistered;

/**
 * Reads asset registrations from a file and checks every row against the AssetRegistered contract with the
 * jobs' own decoder, so a row that passes here is one the jobs accept. Two formats:
 * <ul>
 *   <li>CSV with the header {@code assetId,assetType,location[,timestamp]} (columns in any order), read with
 *       Jackson's CSV parser. Quoted fields may hold commas; a field cannot span lines, and a carriage return
 *       inside a line is an error (the row would end there). An empty cell is a missing value. Values are taken
 *       as written: leading or trailing whitespace in a value is an error, not trimmed; spaces between a closing
 *       quote and the next comma are outside the value, and Jackson skips them.</li>
 *   <li>JSON lines: one AssetRegistered object per line, where {@code eventType} and {@code eventId} may be left
 *       out.</li>
 * </ul>
 * A missing timestamp (empty CSV cell, absent JSON field) becomes the given default; a missing eventId becomes
 * {@link Fleet#registrationId} of assetId and timestamp, so publishing the same file twice publishes the same
 * events. Blank lines are skipped; line numbers count every line of the file from 1.
 */
final class AssetFile {

    enum Format {
        CSV, JSONL;

        /** By file name: {@code .csv} is CSV, {@code .jsonl}, {@code .ndjson} and {@code .json} are JSON lines. */
        static Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".csv")) {
                return CSV;
            }
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
                return JSONL;
            }
            return null;
        }
    }

    /**
     * One row of the file: the registration to publish, or why it cannot be published.
     *
     * @param reason a {@link RejectReason} code, or {@code MALFORMED_CSV} for a row CSV cannot split
     */
    record Row(int line, AssetRegistered registration, String reason, String problem) {

        boolean ok() {
            return registration != null;
        }

        static Row good(int line, AssetRegistered registration) {
            return new Row(line, registration, null, null);
        }

        static Row bad(int line, String reason, String problem) {
            return new Row(line, null, reason, problem);
        }
    }

    /** The file as a whole cannot be read as the format: nothing in it is published. */
    static final class UnreadableFileException extends Exception {
        UnreadableFileException(String message) {
            super(message);
        }
    }

    static final String MALFORMED_CSV = "MALFORMED_CSV";

    private static final List<String> REQUIRED_COLUMNS = List.of("assetId", "assetType", "location");
    private static final String TIMESTAMP = "timestamp";
    private static final Set<String> CSV_FIELDS = Set.of("assetId", "assetType", "location", TIMESTAMP);
    /** Stands in for a missing eventId while the row is decoded; replaced by the name-based id afterwards. */
    private static final String PENDING_ID = "pending-event-id";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One line into its fields, no header: the file is split into lines first, so a field cannot span lines. */
    private static final ObjectReader CSV_LINE = new CsvMapper().readerFor(String[].class)
            .with(CsvSchema.emptySchema()).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Instant defaultTimestamp;

    private AssetFile(Instant defaultTimestamp) {
        this.defaultTimestamp = defaultTimestamp.truncatedTo(ChronoUnit.MILLIS);
    }

    static List<Row> read(Path file, Format format, Instant defaultTimestamp)
            throws IOException, UnreadableFileException {
        List<byte[]> lines = lines(Files.readAllBytes(file));
        AssetFile reader = new AssetFile(defaultTimestamp);
        return format == Format.CSV ? reader.csv(lines) : reader.jsonLines(lines);
    }

    private List<Row> jsonLines(List<byte[]> lines) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            byte[] line = lines.get(i);
            if (isBlank(line)) {
                continue;
            }
            rows.add(jsonLine(i + 1, line));
        }
        return rows;
    }

    private Row jsonLine(int lineNumber, byte[] line) {
        Decoded<AssetRegistered> decoded = EventJson.decodeAssetRegistered(line);
        if (decoded.isOk()) {
            return Row.good(lineNumber, decoded.value());
        }
        if (decoded.reason() == RejectReason.MALFORMED_JSON) {
            return Row.bad(lineNumber, decoded.reason().name(), decoded.message());
        }
        ObjectNode json;
        try {
            // The decoder found strict, well-formed JSON holding one object, so this parse cannot disagree with it.
            json = (ObjectNode) JSON.readTree(line);
        } catch (IOException e) {
            return Row.bad(lineNumber, RejectReason.MALFORMED_JSON.name(), e.getMessage());
        }
        if (absent(json, "eventType")) {
            json.put("eventType", "AssetRegistered");
        }
        if (absent(json, TIMESTAMP)) {
            json.put(TIMESTAMP, defaultTimestamp.toString());
        }
        return decode(lineNumber, json, absent(json, "eventId"));
    }

    private List<Row> csv(List<byte[]> lines) throws UnreadableFileException {
        List<Row> rows = new ArrayList<>();
        List<String> header = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            if (isBlank(lines.get(i))) {
                continue;
            }
            if (Utf8.firstInvalidOffset(lines.get(i)) >= 0) {
                if (header == null) {
                    throw new UnreadableFileException("line " + lineNumber + ": the header is not valid UTF-8");
                }
                rows.add(Row.bad(lineNumber, MALFORMED_CSV, "the line is not valid UTF-8"));
                continue;
            }
            String line = new String(lines.get(i), StandardCharsets.UTF_8);
            if (header == null) {
                header = header(lineNumber, line.startsWith("\uFEFF") ? line.substring(1) : line);
                continue;
            }
            rows.add(csvRow(lineNumber, line, header));
        }
        if (header == null) {
            throw new UnreadableFileException("the file is empty: expected the header "
                    + String.join(",", REQUIRED_COLUMNS) + "[," + TIMESTAMP + "]");
        }
        return rows;
    }

    private static List<String> header(int lineNumber, String line) throws UnreadableFileException {
        List<String> columns;
        try {
            columns = splitCsv(line);
        } catch (IllegalArgumentException e) {
            throw new UnreadableFileException("line " + lineNumber + ": the header " + e.getMessage());
        }
        String expected = "expected the header " + String.join(",", REQUIRED_COLUMNS) + "[," + TIMESTAMP
                + "] (columns in any order), got '" + line + "'";
        for (String column : columns) {
            if (!CSV_FIELDS.contains(column) || columns.indexOf(column) != columns.lastIndexOf(column)) {
                throw new UnreadableFileException("line " + lineNumber + ": " + expected);
            }
        }
        if (!columns.containsAll(REQUIRED_COLUMNS)) {
            throw new UnreadableFileException("line " + lineNumber + ": " + expected);
        }
        return columns;
    }

    private Row csvRow(int lineNumber, String line, List<String> header) {
        List<String> fields;
        try {
            fields = splitCsv(line);
        } catch (IllegalArgumentException e) {
            return Row.bad(lineNumber, MALFORMED_CSV, "the line " + e.getMessage());
        }
        if (fields.size() != header.size()) {
            return Row.bad(lineNumber, MALFORMED_CSV, "expected " + header.size() + " fields (" + String.join(",",
                    header) + "), got " + fields.size());
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("eventType", "AssetRegistered");
        for (int c = 0; c < header.size(); c++) {
            String column = header.get(c);
            String value = fields.get(c);
            if (!value.equals(value.strip())) {
                return Row.bad(lineNumber, RejectReason.INVALID_VALUE.name(), "field '" + column
                        + "' has leading or trailing whitespace: \"" + value + "\"");
            }
            if (!value.isEmpty()) {
                json.put(column, value);
            }
        }
        if (absent(json, TIMESTAMP)) {
            json.put(TIMESTAMP, defaultTimestamp.toString());
        }
        return decode(lineNumber, json, true);
    }

    /** Decodes what would be published, with the jobs' decoder; fills in a name-based eventId if there is none. */
    private Row decode(int lineNumber, ObjectNode json, boolean generateEventId) {
        if (generateEventId) {
            json.put("eventId", PENDING_ID);
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            return Row.bad(lineNumber, RejectReason.MALFORMED_JSON.name(), e.getOriginalMessage());
        }
        Decoded<AssetRegistered> decoded = EventJson.decodeAssetRegistered(bytes);
        if (!decoded.isOk()) {
            return Row.bad(lineNumber, decoded.reason().name(), decoded.message());
        }
        AssetRegistered registration = decoded.value();
        if (generateEventId) {
            registration.setEventId(Fleet.registrationId(registration.getAssetId(), registration.getTimestamp()));
        }
        return Row.good(lineNumber, registration);
    }

    /**
     * Splits one CSV line with Jackson's CSV parser (RFC 4180 quoting: {@code "a, b"}, {@code ""} for a quote inside
     * quotes; as there, a quote inside an unquoted field is an ordinary character). Values are not trimmed.
     *
     * @throws IllegalArgumentException when the line is not one CSV row (text after a closing quote, a quote left
     *     open, a carriage return that would start another row)
     */
    static List<String> splitCsv(String line) {
        try {
            return Arrays.asList(CSV_LINE.<String[]>readValue(line));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("is not CSV: " + e.getOriginalMessage().replace('\n', ' '));
        }
    }

    private static boolean absent(ObjectNode json, String field) {
        return !json.has(field) || json.get(field).isNull();
    }

    /** The file's lines as bytes, without their {@code \n} or {@code \r\n}. */
    private static List<byte[]> lines(byte[] content) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n') {
                int end = i > start && content[i - 1] == '\r' ? i - 1 : i;
                if (i < content.length || end > start) {
                    lines.add(Arrays.copyOfRange(content, start, end));
                }
                start = i + 1;
            }
        }
        return lines;
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
