package io.assetalerts.schemas;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Releases schemas: writes {@code released/<name>/v<N+1>.avsc} as the self-contained form of {@code
 * src/main/avro/<name>.avsc} (every named type it uses inline). {@code changed} releases every schema whose
 * self-contained form differs from its last release, which includes the types that embed a changed one (a new
 * TelemetryReceived also changes state/Reading). Writes nothing when a named schema is unchanged or breaks
 * {@link SchemaCompatibilityChecker}'s rules. See contracts/README.md.
 *
 * <p>A command, not a check: it runs only when asked, through surefire so that it needs no extra plugin:
 * {@code mvn -B -o -pl contracts test -Dtest=ReleaseSchema -Dschemas.release=changed} (or {@code =TelemetryReceived,
 * state/Reading}).
 */
class ReleaseSchema {

    @Test
    @EnabledIfSystemProperty(named = "schemas.release", matches = ".+")
    void writesTheNextReleasedVersionOfTheRequestedSchemas() throws IOException {
        Path module = SchemaCompatibilityChecker.moduleDir();
        Path releasedDir = module.resolve("released");
        List<String> problems = new ArrayList<>();
        Map<String, Schema> current = SchemaCompatibilityChecker.loadCurrent(module.resolve("src/main/avro"), problems);
        Map<String, SortedMap<Integer, Schema>> released =
                SchemaCompatibilityChecker.loadReleased(releasedDir, problems);

        String request = System.getProperty("schemas.release").trim();
        List<String> names = request.equals("changed")
                ? current.keySet().stream().filter(name -> !isReleased(current.get(name), released.get(name))).toList()
                : Arrays.stream(request.split(",")).map(String::trim).toList();
        if (names.isEmpty()) {
            problems.add("nothing changed since the last releases");
        }
        for (String name : names) {
            Schema schema = current.get(name);
            if (schema == null) {
                problems.add("no schema src/main/avro/" + name + ".avsc");
            } else if (isReleased(schema, released.get(name))) {
                problems.add(name + " is unchanged since its release v" + released.get(name).lastKey());
            } else {
                problems.addAll(SchemaCompatibilityChecker.check(
                        name, schema, released.getOrDefault(name, new TreeMap<>())));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("released nothing:\n" + String.join("\n", problems));
        }

        for (String name : names) {
            int version = released.containsKey(name) ? released.get(name).lastKey() + 1 : 1;
            Path file = releasedDir.resolve(name).resolve("v" + version + ".avsc");
            Files.createDirectories(file.getParent());
            Files.writeString(file, current.get(name).toString(true) + "\n", UTF_8);
            System.out.println("released " + module.relativize(file));
        }
    }

    /** Avro's equality ignores docs, so a doc-only edit is not a new version. */
    private static boolean isReleased(Schema schema, SortedMap<Integer, Schema> versions) {
        return versions != null && versions.get(versions.lastKey()).equals(schema);
    }
}
