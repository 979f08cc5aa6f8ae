package io.assetalerts.schemas;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves the guard bites: variants of TelemetryReceived in compat-fixtures/ against its released v1, and the
 * rules about which files must exist. Independent of src/main/avro, so it stays green while the guard is red.
 */
class SchemaCompatibilityCheckerTest {

    private static final String BACKWARD = "TelemetryReceived vs released v1: the current schema cannot read data "
            + "written with v1: ";
    private static final String FORWARD = "TelemetryReceived vs released v1: v1 readers cannot read data written "
            + "with the current schema: ";

    static Stream<Arguments> incompatibleChanges() {
        return Stream.of(
                arguments("removed-field.avsc", List.of(
                        FORWARD + "reader's field 'temperature' has no default and the writer has no such field "
                                + "(READER_FIELD_MISSING_DEFAULT_VALUE at /fields/4)",
                        "TelemetryReceived vs released v1: field 'temperature' was removed or renamed; fields of a "
                                + "wire contract are kept by name forever, even when Avro could fill a default")),
                arguments("removed-field-with-default.avsc", List.of(
                        "TelemetryReceived vs released v1: field 'eventType' was removed or renamed; fields of a "
                                + "wire contract are kept by name forever, even when Avro could fill a default")),
                arguments("renamed-field.avsc", List.of(
                        BACKWARD + "reader's field 'temperatureCelsius' has no default and the writer has no such "
                                + "field (READER_FIELD_MISSING_DEFAULT_VALUE at /fields/4)",
                        FORWARD + "reader's field 'temperature' has no default and the writer has no such field "
                                + "(READER_FIELD_MISSING_DEFAULT_VALUE at /fields/4)",
                        "TelemetryReceived vs released v1: field 'temperature' was removed or renamed; fields of a "
                                + "wire contract are kept by name forever, even when Avro could fill a default")),
                arguments("renamed-field-with-alias.avsc", List.of(
                        FORWARD + "reader's field 'temperature' has no default and the writer has no such field "
                                + "(READER_FIELD_MISSING_DEFAULT_VALUE at /fields/4)",
                        "TelemetryReceived vs released v1: field 'temperature' was removed or renamed; fields of a "
                                + "wire contract are kept by name forever, even when Avro could fill a default")),
                arguments("changed-type.avsc", List.of(
                        BACKWARD + "field 'temperature': reader type: STRING not compatible with writer type: DOUBLE "
                                + "(TYPE_MISMATCH at /fields/4/type)",
                        FORWARD + "field 'temperature': reader type: DOUBLE not compatible with writer type: STRING "
                                + "(TYPE_MISMATCH at /fields/4/type)")),
                arguments("added-field-without-default.avsc", List.of(
                        BACKWARD + "reader's field 'firmware' has no default and the writer has no such field "
                                + "(READER_FIELD_MISSING_DEFAULT_VALUE at /fields/6)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("incompatibleChanges")
    void rejectsIncompatibleChangeNamingSchemaVersionAndProblem(String fixture, List<String> expected) {
        List<String> problems = SchemaCompatibilityChecker.check("TelemetryReceived", fixture(fixture), releasedV1());

        assertThat(problems).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void acceptsNewOptionalFieldWithDefault() {
        assertThat(SchemaCompatibilityChecker.check(
                "TelemetryReceived", fixture("v2-added-optional-field.avsc"), releasedV1())).isEmpty();
    }

    @Test
    void allowsRemovingDefaultedFieldOfStateTypeAsAvroResolvesIt() {
        assertThat(SchemaCompatibilityChecker.check(
                "state/TelemetryReceived", fixture("removed-field-with-default.avsc"), releasedV1())).isEmpty();
    }

    @Test
    void checksAgainstEveryReleasedVersionNotOnlyTheLatest() {
        SortedMap<Integer, Schema> released = releasedV1();
        released.put(2, fixture("v2-added-optional-field.avsc"));

        List<String> problems = SchemaCompatibilityChecker.check(
                "TelemetryReceived", fixture("v2-firmware-default-dropped.avsc"), released);

        assertThat(problems).containsExactly(BACKWARD + "reader's field 'firmware' has no default and the writer "
                + "has no such field (READER_FIELD_MISSING_DEFAULT_VALUE at /fields/6)");
    }

    @Test
    void rejectsRenamedType() {
        Schema renamed = new Schema.Parser().parse(released("TelemetryReceived/v1.avsc").toString()
                .replace("\"name\":\"TelemetryReceived\"", "\"name\":\"Telemetry\""));

        assertThat(SchemaCompatibilityChecker.check("TelemetryReceived", renamed, releasedV1())).contains(
                "TelemetryReceived vs released v1: type renamed from io.assetalerts.schemas.TelemetryReceived to "
                        + "io.assetalerts.schemas.Telemetry");
    }

    @Test
    void rejectsCurrentSchemaWithoutReleasedVersion(@TempDir Path dir) throws IOException {
        copy(releasedFile("TelemetryReceived/v1.avsc"), dir.resolve("avro/TelemetryReceived.avsc"));
        copy(releasedFile("AssetRegistered/v1.avsc"), dir.resolve("avro/AssetRegistered.avsc"));
        copy(releasedFile("TelemetryReceived/v1.avsc"), dir.resolve("released/TelemetryReceived/v1.avsc"));

        assertThat(SchemaCompatibilityChecker.check(dir.resolve("avro"), dir.resolve("released"))).containsExactly(
                "AssetRegistered has no released version: release it as released/AssetRegistered/v1.avsc "
                        + "(see contracts/README.md)");
    }

    @Test
    void rejectsRemovedSchema(@TempDir Path dir) throws IOException {
        copy(releasedFile("AssetRegistered/v1.avsc"), dir.resolve("avro/AssetRegistered.avsc"));
        copy(releasedFile("AssetRegistered/v1.avsc"), dir.resolve("released/AssetRegistered/v1.avsc"));
        copy(releasedFile("TelemetryReceived/v1.avsc"), dir.resolve("released/TelemetryReceived/v1.avsc"));

        assertThat(SchemaCompatibilityChecker.check(dir.resolve("avro"), dir.resolve("released"))).containsExactly(
                "TelemetryReceived was released (v1) but src/main/avro/TelemetryReceived.avsc is gone: a released "
                        + "schema is never removed");
    }

    @Test
    void resolvesNamedTypesAcrossCurrentFilesInAnyOrder(@TempDir Path dir) throws IOException {
        // state/Reading uses TelemetryReceived, which sorts after it.
        copy(fixtureFile("state/Reading.avsc"), dir.resolve("avro/state/Reading.avsc"));
        copy(releasedFile("TelemetryReceived/v1.avsc"), dir.resolve("avro/TelemetryReceived.avsc"));
        copy(releasedFile("state/Reading/v1.avsc"), dir.resolve("released/state/Reading/v1.avsc"));
        copy(releasedFile("TelemetryReceived/v1.avsc"), dir.resolve("released/TelemetryReceived/v1.avsc"));

        assertThat(SchemaCompatibilityChecker.check(dir.resolve("avro"), dir.resolve("released"))).isEmpty();
    }

    @Test
    void rejectsCurrentFileUsingUndefinedType(@TempDir Path dir) throws IOException {
        copy(fixtureFile("state/Reading.avsc"), dir.resolve("avro/state/Reading.avsc"));
        copy(releasedFile("state/Reading/v1.avsc"), dir.resolve("released/state/Reading/v1.avsc"));

        assertThat(SchemaCompatibilityChecker.check(dir.resolve("avro"), dir.resolve("released"))).containsExactly(
                "state/Reading.avsc does not parse: \"io.assetalerts.schemas.TelemetryReceived\" is not a defined "
                        + "name. The type of the \"event\" field must be a defined name or a {\"type\": ...} "
                        + "expression.");
    }

    @Test
    void rejectsReleasedFileThatIsNotSelfContained(@TempDir Path dir) throws IOException {
        copy(fixtureFile("state/Reading.avsc"), dir.resolve("avro/state/Reading.avsc"));
        copy(releasedFile("TelemetryReceived/v1.avsc"), dir.resolve("avro/TelemetryReceived.avsc"));
        copy(fixtureFile("state/Reading.avsc"), dir.resolve("released/state/Reading/v1.avsc"));
        copy(releasedFile("TelemetryReceived/v1.avsc"), dir.resolve("released/TelemetryReceived/v1.avsc"));

        assertThat(SchemaCompatibilityChecker.check(dir.resolve("avro"), dir.resolve("released")))
                .anySatisfy(problem -> assertThat(problem).startsWith(
                        "released/state/Reading/v1.avsc does not parse on its own (a released file inlines every "
                                + "named type it uses): ").contains("io.assetalerts.schemas.TelemetryReceived"));
    }

    @Test
    void rejectsGapInReleasedVersionsAndStrayFiles(@TempDir Path dir) throws IOException {
        copy(releasedFile("TelemetryReceived/v1.avsc"), dir.resolve("avro/TelemetryReceived.avsc"));
        copy(releasedFile("TelemetryReceived/v1.avsc"), dir.resolve("released/TelemetryReceived/v1.avsc"));
        copy(releasedFile("TelemetryReceived/v1.avsc"), dir.resolve("released/TelemetryReceived/v3.avsc"));
        copy(releasedFile("TelemetryReceived/v1.avsc"), dir.resolve("released/TelemetryReceived/latest.avsc"));

        assertThat(SchemaCompatibilityChecker.check(dir.resolve("avro"), dir.resolve("released"))).containsExactly(
                "released/TelemetryReceived/latest.avsc is not named released/<name>/v<N>.avsc",
                "TelemetryReceived: released versions v1, v3 do not run v1..v3");
    }

    private static SortedMap<Integer, Schema> releasedV1() {
        SortedMap<Integer, Schema> versions = new TreeMap<>();
        versions.put(1, released("TelemetryReceived/v1.avsc"));
        return versions;
    }

    private static Schema released(String file) {
        return parse(releasedFile(file));
    }

    /** A variant of TelemetryReceived from compat-fixtures/TelemetryReceived/. */
    static Schema fixture(String file) {
        return parse(fixtureFile("TelemetryReceived/" + file));
    }

    private static Path fixtureFile(String file) {
        try {
            return Path.of(SchemaCompatibilityCheckerTest.class.getResource("/compat-fixtures/" + file).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path releasedFile(String file) {
        return SchemaCompatibilityChecker.moduleDir().resolve("released").resolve(file);
    }

    private static Schema parse(Path file) {
        try {
            return new Schema.Parser().parse(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.writeString(to, Files.readString(from, UTF_8), UTF_8);
    }
}
