package io.assetalerts.schemas;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaParseException;

/**
 * The schema evolution guard of SPEC 3: checks every current schema against every released version of it with
 * Avro's own {@link SchemaCompatibility}, in both directions, and reports each problem as one line naming the
 * schema, the version and Avro's description.
 *
 * <p>Schemas are named by their path below the schema directory without {@code .avsc}: {@code AssetRegistered}
 * for {@code src/main/avro/AssetRegistered.avsc} and {@code released/AssetRegistered/v1.avsc}, {@code
 * state/Reading} for {@code src/main/avro/state/Reading.avsc} and {@code released/state/Reading/v1.avsc}. Top-level
 * schemas are wire contracts (JSON on Kafka), the ones in {@code state/} are internal and only ever Avro.
 *
 * <p>A released file is self-contained: it is the schema with every named type it uses written inline (Avro's
 * {@code Schema.toString(true)}), exactly as data or state of that version was written, so it parses on its own
 * and never depends on other files that may have evolved since. {@link ReleaseSchema} writes such files.
 */
final class SchemaCompatibilityChecker {

    private static final Pattern VERSION_FILE = Pattern.compile("v([1-9][0-9]*)\\.avsc");

    private SchemaCompatibilityChecker() {}

    /** Loads {@code current} and {@code released} and checks them; an empty list means every rule holds. */
    static List<String> check(Path currentDir, Path releasedDir) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, Schema> current = loadCurrent(currentDir, problems);
        Map<String, SortedMap<Integer, Schema>> released = loadReleased(releasedDir, problems);
        // A file that does not parse is reported as such, not as a removed schema.
        released.keySet().removeIf(name -> !current.containsKey(name)
                && Files.exists(currentDir.resolve(name + ".avsc")));
        problems.addAll(check(current, released));
        return problems;
    }

    static List<String> check(Map<String, Schema> current, Map<String, SortedMap<Integer, Schema>> released) {
        List<String> problems = new ArrayList<>();
        for (String name : new TreeSet<>(current.keySet())) {
            if (!released.containsKey(name)) {
                problems.add(name + " has no released version: release it as released/" + name
                        + "/v1.avsc (see contracts/README.md)");
            }
        }
        for (Map.Entry<String, SortedMap<Integer, Schema>> entry : new TreeMap<>(released).entrySet()) {
            String name = entry.getKey();
            Schema schema = current.get(name);
            if (schema == null) {
                problems.add(name + " was released (v" + entry.getValue().lastKey() + ") but src/main/avro/" + name
                        + ".avsc is gone: a released schema is never removed");
            } else {
                problems.addAll(check(name, schema, entry.getValue()));
            }
        }
        return problems;
    }

    /** Checks one current schema against each of its released versions. */
    static List<String> check(String name, Schema current, SortedMap<Integer, Schema> releasedVersions) {
        List<String> problems = new ArrayList<>();
        boolean wireContract = !name.contains("/");
        releasedVersions.forEach((version, released) -> {
            String prefix = name + " vs released v" + version + ": ";
            if (!released.getFullName().equals(current.getFullName())) {
                problems.add(prefix + "type renamed from " + released.getFullName() + " to " + current.getFullName());
            }
            for (Incompatibility problem : SchemaCompatibility.checkReaderWriterCompatibility(current, released)
                    .getResult().getIncompatibilities()) {
                problems.add(prefix + "the current schema cannot read data written with v" + version + ": "
                        + describe(problem, current));
            }
            for (Incompatibility problem : SchemaCompatibility.checkReaderWriterCompatibility(released, current)
                    .getResult().getIncompatibilities()) {
                problems.add(prefix + "v" + version + " readers cannot read data written with the current schema: "
                        + describe(problem, released));
            }
            if (wireContract) {
                problems.addAll(removedFields(prefix, current, released));
            }
        });
        return problems;
    }

    /**
     * Avro resolves a removed field that has a default, but a JSON consumer of the wire contract still expects
     * it (the codec requires {@code eventType}, which has one): SPEC 3 keeps every released field by name.
     */
    private static List<String> removedFields(String prefix, Schema current, Schema released) {
        List<String> problems = new ArrayList<>();
        if (released.getType() != Schema.Type.RECORD || current.getType() != Schema.Type.RECORD) {
            return problems;
        }
        for (Schema.Field field : released.getFields()) {
            if (current.getField(field.name()) == null) {
                problems.add(prefix + "field '" + field.name() + "' was removed or renamed; fields of a wire "
                        + "contract are kept by name forever, even when Avro could fill a default");
            }
        }
        return problems;
    }

    private static String describe(Incompatibility problem, Schema reader) {
        String field = fieldPath(reader, problem.getLocation());
        String what = switch (problem.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE ->
                "reader's field '" + problem.getMessage() + "' has no default and the writer has no such field";
            default -> (field == null ? "" : "field '" + field + "': ") + problem.getMessage();
        };
        return what + " (" + problem.getType() + " at " + problem.getLocation() + ")";
    }

    /** Turns Avro's location in the reader schema ({@code /fields/2/type/fields/0/type}) into {@code n.x}. */
    private static String fieldPath(Schema reader, String location) {
        List<String> names = new ArrayList<>();
        Schema schema = reader;
        String[] steps = location.split("/");
        try {
            for (int i = 0; i < steps.length; i++) {
                String step = steps[i];
                if (step.isEmpty() || step.equals("type")) {
                    continue;
                }
                if (step.equals("fields") && schema.getType() == Schema.Type.RECORD) {
                    Schema.Field field = schema.getFields().get(Integer.parseInt(steps[++i]));
                    names.add(field.name());
                    schema = field.schema();
                } else if (step.equals("items") && schema.getType() == Schema.Type.ARRAY) {
                    schema = schema.getElementType();
                } else if (step.equals("values") && schema.getType() == Schema.Type.MAP) {
                    schema = schema.getValueType();
                } else if (schema.getType() == Schema.Type.UNION) {
                    schema = schema.getTypes().get(Integer.parseInt(step));
                } else {
                    return null;
                }
            }
        } catch (RuntimeException e) {
            return null;
        }
        return names.isEmpty() ? null : String.join(".", names);
    }

    /**
     * Parses every {@code .avsc} under {@code dir}, keyed by name. Files may use named types defined in other
     * files (as the avro-maven-plugin's imports allow), so a file that fails is retried once the others parsed.
     */
    static Map<String, Schema> loadCurrent(Path dir, List<String> problems) throws IOException {
        Map<String, Schema> byName = new TreeMap<>();
        Map<String, Schema> namedTypes = new HashMap<>();
        Map<Path, String> errors = new TreeMap<>();
        List<Path> pending = avscFiles(dir);
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (Iterator<Path> it = pending.iterator(); it.hasNext(); ) {
                Path file = it.next();
                Schema.Parser parser = new Schema.Parser().addTypes(namedTypes);
                try {
                    Schema schema = parser.parse(file.toFile());
                    byName.put(name(dir.relativize(file)), schema);
                    namedTypes.putAll(parser.getTypes());
                    it.remove();
                    progress = true;
                } catch (SchemaParseException | IOException e) {
                    errors.put(file, e.getMessage());
                }
            }
        }
        for (Path file : pending) {
            problems.add(dir.relativize(file) + " does not parse: " + errors.get(file));
        }
        return byName;
    }

    /** Parses {@code released/<name>/v<N>.avsc}, each file on its own; versions must run v1..vN. */
    static Map<String, SortedMap<Integer, Schema>> loadReleased(Path dir, List<String> problems) throws IOException {
        Map<String, SortedMap<Integer, Schema>> released = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return released;
        }
        for (Path file : regularFiles(dir)) {
            Path relative = dir.relativize(file);
            Matcher version = VERSION_FILE.matcher(file.getFileName().toString());
            if (relative.getParent() == null || !version.matches()) {
                problems.add("released/" + relative + " is not named released/<name>/v<N>.avsc");
                continue;
            }
            try {
                Schema schema = new Schema.Parser().parse(file.toFile());
                released.computeIfAbsent(name(relative.getParent()), n -> new TreeMap<>())
                        .put(Integer.valueOf(version.group(1)), schema);
            } catch (SchemaParseException | IOException e) {
                problems.add("released/" + relative + " does not parse on its own (a released file inlines every "
                        + "named type it uses): " + e.getMessage());
            }
        }
        released.forEach((name, versions) -> {
            if (versions.lastKey() != versions.size()) {
                String found = versions.keySet().stream().map(v -> "v" + v).collect(Collectors.joining(", "));
                problems.add(name + ": released versions " + found + " do not run v1..v" + versions.lastKey());
            }
        });
        return released;
    }

    /** The {@code contracts} module directory, found from {@code contracts/target/test-classes}; works under any CWD. */
    static Path moduleDir() {
        try {
            Path classes = Path.of(SchemaCompatibilityChecker.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            return classes.getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String name(Path relative) {
        String path = relative.toString().replace('\\', '/');
        return path.endsWith(".avsc") ? path.substring(0, path.length() - ".avsc".length()) : path;
    }

    private static List<Path> avscFiles(Path dir) throws IOException {
        List<Path> files = regularFiles(dir);
        files.removeIf(f -> !f.toString().endsWith(".avsc"));
        return files;
    }

    private static List<Path> regularFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).sorted().collect(Collectors.toCollection(ArrayList::new));
        }
    }
}
