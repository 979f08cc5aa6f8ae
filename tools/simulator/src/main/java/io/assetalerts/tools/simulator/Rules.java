package io.assetalerts.tools.simulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import io.assetalerts.schemas.RuleSet;
import io.assetalerts.contracts.codec.Decoded;
import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.udfs.config.Flags;
import io.assetalerts.udfs.config.InvalidFlagException;
import io.assetalerts.udfs.kafka.RulesTopic;
import io.assetalerts.udfs.rules.RuleBook;
import io.assetalerts.udfs.rules.RuleSettings;
import io.assetalerts.udfs.rules.RuleVersions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The rules topic from the command line (issue 12): {@code validate} a file of rule versions, {@code publish} it
 * (validated first, and refused whole if any line is bad), {@code delete} a scope's override (a tombstone), and
 * {@code list} what is in force per scope. A file holds one {@link RuleSet} JSON object per line, exactly as on the
 * topic; blank lines and lines starting with {@code #} are skipped.
 */
public final class Rules {

    private static final String NAME = "rules";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    static final String USAGE = """
            usage: rules validate FILE
                   rules publish FILE --bootstrap-servers HOST:PORT [--rules-topic alert.rules]
                   rules delete SCOPE --bootstrap-servers HOST:PORT [--rules-topic alert.rules]
                   rules list --bootstrap-servers HOST:PORT [--rules-topic alert.rules] [--at ISO-8601]
              FILE        one RuleSet per line, e.g.
                          {"scope":"type:PUMP","version":2,"effectiveFrom":"2026-12-01T10:00:00Z",
                           "temperatureThreshold":{"critical":80},"sustainedOverheat":{"warn":70,"windowCount":2}}
              SCOPE       default, type:<assetType> or asset:<assetId>
              --at        the event time to show the versions in force at (default: now)
              --kafka.<property> VALUE    passed to the Kafka clients
            publish refuses a version that is not above the scope's latest on the topic (an identical one is skipped).
            Exit code: 0 done, 1 a line or a version was refused (each named on stderr as FILE:LINE), 2 bad usage.
            """;

    private Rules() {
    }

    public static void main(String[] args) {
        Cli.main(NAME, USAGE, args, Rules::run);
    }

    static int run(String[] args, PrintStream out, PrintStream err, Cli.Stop stop) throws Exception {
        if (args.length == 0) {
            throw new InvalidFlagException("help", "give a command: validate, publish, delete or list");
        }
        String command = args[0];
        boolean takesOperand = !command.equals("list");
        if (takesOperand && (args.length < 2 || args[1].startsWith("--"))) {
            throw new InvalidFlagException("help", "'" + command + "' needs a " + (command.equals("delete")
                    ? "SCOPE" : "FILE"));
        }
        String operand = takesOperand ? args[1] : null;
        Flags flags = Flags.parse(Arrays.copyOfRange(args, takesOperand ? 2 : 1, args.length));
        return switch (command) {
            case "validate" -> {
                flags.rejectUnknown();
                List<Line> lines = read(Path.of(operand), err);
                if (lines == null) {
                    yield Cli.FAILED;
                }
                out.printf(Locale.ROOT, "%s: %s holds %d valid rule versions%n", NAME, operand, lines.size());
                yield Cli.OK;
            }
            case "publish" -> publish(Path.of(operand), flags, out, err);
            case "delete" -> delete(operand, flags, out);
            case "list" -> list(flags, out);
            default -> throw new InvalidFlagException("help", "unknown command '" + command
                    + "' (validate, publish, delete, list)");
        };
    }

    private record Line(int number, RuleSet rules) {
    }

    /** Every line of the file, checked like the job checks the topic; null (each problem on stderr) if any is bad. */
    private static List<Line> read(Path file, PrintStream err) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidFlagException("help", "no such file: " + file);
        }
        List<String> text = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Line> lines = new ArrayList<>();
        Set<String> versions = new HashSet<>();
        boolean bad = false;
        for (int i = 0; i < text.size(); i++) {
            String line = text.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Decoded<RuleSet> decoded = EventJson.decodeRuleSet(null, line.getBytes(StandardCharsets.UTF_8));
            if (!decoded.isOk()) {
                err.println(file + ":" + (i + 1) + ": INVALID_RULE " + decoded.message());
                bad = true;
            } else if (!versions.add(decoded.value().getScope() + "|" + decoded.value().getVersion())) {
                err.println(file + ":" + (i + 1) + ": INVALID_RULE version " + decoded.value().getVersion() + " of "
                        + decoded.value().getScope() + " appears twice in the file");
                bad = true;
            } else {
                lines.add(new Line(i + 1, decoded.value()));
            }
        }
        return bad ? null : lines;
    }

    private static int publish(Path file, Flags flags, PrintStream out, PrintStream err) throws Exception {
        String bootstrap = flags.requiredString("bootstrap-servers");
        Properties kafka = flags.kafkaProperties();
        String topic = flags.string("rules-topic", "alert.rules");
        flags.rejectUnknown();
        List<Line> lines = read(file, err);
        if (lines == null) {
            err.println(NAME + ": nothing published");
            return Cli.FAILED;
        }
        Map<String, Map<Long, RuleSet>> published = new HashMap<>();
        for (var change : RulesTopic.read(bootstrap, kafka, topic, TIMEOUT).changes()) {
            if (change.getRuleSet() == null) {
                published.remove(change.getScope());
            } else {
                published.computeIfAbsent(change.getScope(), k -> new HashMap<>())
                        .put(change.getRuleSet().getVersion(), change.getRuleSet());
            }
        }
        List<RuleSet> toSend = new ArrayList<>();
        boolean refused = false;
        for (Line line : lines) {
            Map<Long, RuleSet> versions = published.getOrDefault(line.rules().getScope(), Map.of());
            if (line.rules().equals(versions.get(line.rules().getVersion()))) {
                continue;
            }
            long latest = versions.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
            if (line.rules().getVersion() <= latest) {
                err.println(file + ":" + line.number() + ": version " + line.rules().getVersion() + " of "
                        + line.rules().getScope() + " is not above the published version " + latest);
                refused = true;
            } else {
                toSend.add(line.rules());
            }
        }
        if (refused) {
            err.println(NAME + ": nothing published");
            return Cli.FAILED;
        }
        send(bootstrap, kafka, topic, toSend.stream().map(r -> new ProducerRecord<>(topic, r.getScope(),
                EventJson.encode(r))).toList());
        out.printf(Locale.ROOT, "%s: published %d rule versions from %s to %s (%d already there)%n", NAME,
                toSend.size(), file, topic, lines.size() - toSend.size());
        return Cli.OK;
    }

    private static int delete(String scope, Flags flags, PrintStream out) throws Exception {
        String bootstrap = flags.requiredString("bootstrap-servers");
        Properties kafka = flags.kafkaProperties();
        String topic = flags.string("rules-topic", "alert.rules");
        flags.rejectUnknown();
        if (!io.assetalerts.contracts.codec.RuleRecords.isScope(scope)) {
            throw new InvalidFlagException("help", "'" + scope + "' is not a scope (default, type:<assetType>,"
                    + " asset:<assetId>)");
        }
        send(bootstrap, kafka, topic, List.of(new ProducerRecord<>(topic, scope, null)));
        out.printf(Locale.ROOT, "%s: removed the override of %s on %s (tombstone)%n", NAME, scope, topic);
        return Cli.OK;
    }

    private static int list(Flags flags, PrintStream out) {
        String bootstrap = flags.requiredString("bootstrap-servers");
        Properties kafka = flags.kafkaProperties();
        String topic = flags.string("rules-topic", "alert.rules");
        Instant at = SimulatorConfig.instant(flags, "at");
        flags.rejectUnknown();
        RulesTopic.Contents contents = RulesTopic.read(bootstrap, kafka, topic, TIMEOUT);
        RuleVersions versions = new RuleVersions(RuleBook.of(RuleSettings.SPEC_DEFAULTS));
        contents.changes().forEach(c -> versions.apply(c.getScope(), c.getRuleSet()));
        out.printf(Locale.ROOT, "%s in force at %s (%d scopes; elsewhere the job's --rules, version 0):%n", topic, at,
                versions.scopes().size());
        versions.scopes().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(scope -> {
            RuleSet current = versions.inForce(scope.getKey(), at.toEpochMilli());
            String pending = scope.getValue().stream()
                    .filter(v -> v.getEffectiveFrom().isAfter(at) && (current == null || v.getVersion() > current.getVersion()))
                    .map(v -> "v" + v.getVersion() + " from " + v.getEffectiveFrom())
                    .reduce((a, b) -> a + ", " + b).map(p -> "   next: " + p).orElse("");
            out.printf(Locale.ROOT, "  %-24s %s%s%n", scope.getKey(), current == null ? "none yet"
                    : "v" + current.getVersion() + " since " + current.getEffectiveFrom() + "  " + describe(current),
                    pending);
        });
        if (!contents.rejected().isEmpty()) {
            out.printf(Locale.ROOT, "  %d invalid records on the topic (the job dead-letters them as INVALID_RULE)%n",
                    contents.rejected().size());
        }
        return Cli.OK;
    }

    /** The parameters a version sets, e.g. {@code TEMPERATURE_THRESHOLD{critical=80.0} SUSTAINED_OVERHEAT{warn=70.0}}. */
    static String describe(RuleSet v) {
        List<String> rules = new ArrayList<>();
        var t = v.getTemperatureThreshold();
        if (t != null) {
            rules.add("TEMPERATURE_THRESHOLD{" + fields("enabled", t.getEnabled(), "critical", t.getCritical(), "clear",
                    t.getClear(), "clearDelay", t.getClearDelay(), "flapCount", t.getFlapCount(), "flapWindow",
                    t.getFlapWindow()) + "}");
        }
        var s = v.getSustainedOverheat();
        if (s != null) {
            rules.add("SUSTAINED_OVERHEAT{" + fields("enabled", s.getEnabled(), "warn", s.getWarn(), "windowSize",
                    s.getWindowSize(), "windowCount", s.getWindowCount()) + "}");
        }
        return rules.isEmpty() ? "(no parameters)" : String.join(" ", rules);
    }

    private static String fields(Object... namesAndValues) {
        List<String> set = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                set.add(namesAndValues[i] + "=" + namesAndValues[i + 1]);
            }
        }
        return String.join(", ", set);
    }

    private static void send(String bootstrap, Properties kafka, String topic,
            List<ProducerRecord<String, byte[]>> records) throws Exception {
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap, kafka, NAME)) {
            KafkaClients.sendAll(producer, records, TIMEOUT);
        }
    }
}
