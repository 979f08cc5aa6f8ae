package io.assetalerts.tools.simulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import io.assetalerts.contracts.kafka.RulesTopic;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.rules.RuleSettings;
import io.assetalerts.contracts.rules.RuleVersions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The rules topic from the command line (issue 12): {@code validate} a file of rule versions, {@code publish} it
 * (validated first, and refused whole if any line is bad), {@code delete} a scope's override (a tombstone), and
 * {@code list} what is in force per scope. A file holds one {@link RuleSet} JSON object per line, exactly as on the
 * topic; blank lines and lines starting with {@code #} are skipped.
 */
public final class Rules {

    private static final String NAME = "rules";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Command(name = NAME, subcommands = {Validate.class, Publish.class, Delete.class, ListInForce.class},
            customSynopsis = {"rules validate FILE", "      rules publish FILE --bootstrap-servers HOST:PORT [flags]",
                    "      rules delete SCOPE --bootstrap-servers HOST:PORT [flags]",
                    "      rules list --bootstrap-servers HOST:PORT [--at ISO-8601] [flags]"},
            description = "The rules topic: check, publish, delete and list rule versions (rules COMMAND --help).",
            footer = {"FILE holds one RuleSet JSON object per line, e.g.",
                    "  {\"scope\":\"type:PUMP\",\"version\":2,\"effectiveFrom\":\"2026-12-01T10:00:00Z\","
                            + "\"temperatureThreshold\":{\"critical\":80}}",
                    "SCOPE is default, type:<assetType> or asset:<assetId>.",
                    "publish refuses a version that is not above the scope's latest on the topic (an identical one is"
                            + " skipped).",
                    "Exit code: 0 done, 1 a line or a version was refused (each named on stderr as FILE:LINE), 2 bad"
                            + " usage."})
    static final class Flags {
    }

    /** The topic the commands that talk to Kafka work on. */
    static final class Topic {
        @Mixin
        Cli.Broker broker;

        @Option(names = "--rules-topic", paramLabel = "NAME", defaultValue = "alert.rules", showDefaultValue =
                picocli.CommandLine.Help.Visibility.ALWAYS)
        String rulesTopic;
    }

    @Command(name = "validate", sortOptions = false, description = "checks every line of FILE as the job checks the topic")
    static final class Validate {
        @Parameters(paramLabel = "FILE", description = "one RuleSet JSON object per line")
        Path file;
    }

    @Command(name = "publish", sortOptions = false, description = "validates FILE, then publishes its new versions (all or none)")
    static final class Publish {
        @Parameters(paramLabel = "FILE", description = "one RuleSet JSON object per line")
        Path file;

        @Mixin
        Topic topic;
    }

    @Command(name = "delete", sortOptions = false, description = "removes a scope's override (a tombstone)")
    static final class Delete {
        @Parameters(paramLabel = "SCOPE", description = "default, type:<assetType> or asset:<assetId>")
        String scope;

        @Mixin
        Topic topic;
    }

    @Command(name = "list", sortOptions = false, description = "the versions in force per scope, and those still to come")
    static final class ListInForce {
        @Mixin
        Topic topic;

        @Option(names = "--at", paramLabel = "ISO-8601", defaultValue = "now",
                description = "the event time to show the versions in force at (default: now)")
        String at;
    }

    private Rules() {
    }

    public static void main(String[] args) {
        Cli.main(NAME, Flags::new, args, Rules::run);
    }

    static int run(String[] args, PrintStream out, PrintStream err, Cli.Stop stop) throws Exception {
        Cli.Parsed parsed = Cli.parse(new Flags(), args);
        if (!parsed.result().hasSubcommand()) {
            throw new Cli.BadFlag("help", "give a command: validate, publish, delete or list");
        }
        Object command = parsed.result().subcommand().commandSpec().userObject();
        Properties kafka = parsed.kafka();
        if (command instanceof Validate validate) {
            List<Line> lines = read(validate.file, err);
            if (lines == null) {
                return Cli.FAILED;
            }
            out.printf(Locale.ROOT, "%s: %s holds %d valid rule versions%n", NAME, validate.file, lines.size());
            return Cli.OK;
        }
        if (command instanceof Publish publish) {
            return publish(publish.file, publish.topic, kafka, out, err);
        }
        if (command instanceof Delete delete) {
            return delete(delete.scope, delete.topic, kafka, out);
        }
        ListInForce list = (ListInForce) command;
        return list(list.topic, kafka, SimulatorConfig.instant("at", list.at), out);
    }

    private record Line(int number, RuleSet rules) {
    }

    /** Every line of the file, checked like the job checks the topic; null (each problem on stderr) if any is bad. */
    private static List<Line> read(Path file, PrintStream err) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new Cli.BadFlag("help", "no such file: " + file);
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

    private static int publish(Path file, Topic flags, Properties kafka, PrintStream out, PrintStream err)
            throws Exception {
        String bootstrap = flags.broker.servers;
        String topic = flags.rulesTopic;
        List<Line> lines = read(file, err);
        if (lines == null) {
            err.println(NAME + ": nothing published");
            return Cli.FAILED;
        }
        Map<String, Map<Long, RuleSet>> published = new HashMap<>();
        for (var change : readTopic(bootstrap, kafka, topic).changes()) {
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

    private static int delete(String scope, Topic flags, Properties kafka, PrintStream out) throws Exception {
        String bootstrap = flags.broker.servers;
        String topic = flags.rulesTopic;
        if (!io.assetalerts.contracts.codec.RuleRecords.isScope(scope)) {
            throw new Cli.BadFlag("help", "'" + scope + "' is not a scope (default, type:<assetType>,"
                    + " asset:<assetId>)");
        }
        send(bootstrap, kafka, topic, List.of(new ProducerRecord<>(topic, scope, null)));
        out.printf(Locale.ROOT, "%s: removed the override of %s on %s (tombstone)%n", NAME, scope, topic);
        return Cli.OK;
    }

    private static int list(Topic flags, Properties kafka, Instant at, PrintStream out) {
        String bootstrap = flags.broker.servers;
        String topic = flags.rulesTopic;
        RulesTopic.Contents contents = readTopic(bootstrap, kafka, topic);
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

    private static RulesTopic.Contents readTopic(String bootstrap, Properties kafka, String topic) {
        try {
            return RulesTopic.read(bootstrap, kafka, topic, TIMEOUT);
        } catch (RulesTopic.UnreadableException e) {
            throw new Cli.BadFlag(e.flag(), e.problem());
        }
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
