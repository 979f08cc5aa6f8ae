package io.assetalerts.tools.simulator;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.assetalerts.contracts.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Creates the system's topics (SPEC 2) if they do not exist yet: {@code asset.events} and {@code alert.rules}
 * compacted (keeping at least 7 days of history), telemetry with
 * 12 partitions. A topic that exists is left as it is and reported with its partition count, so running it
 * twice is harmless. {@code --topics} takes another list as {@code NAME:PARTITIONS[:compact]}, comma-separated.
 */
public final class CreateTopics {

    private static final String NAME = "create-topics";

    static final String DEFAULT_TOPICS = Topics.LAYOUT;

    @Command(name = NAME, sortOptions = false, showDefaultValues = true,
            customSynopsis = "create-topics --bootstrap-servers HOST:PORT [flags]",
            description = "Creates the system's topics that do not exist yet; existing ones are reported, not changed.")
    static final class Flags {
        @Mixin
        Cli.Broker broker;

        @Option(names = "--topics", paramLabel = "LIST", defaultValue = DEFAULT_TOPICS,
                description = "NAME:PARTITIONS[:compact],...")
        String topics;

        @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1")
        int replicationFactor;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = Cli.DurationFlag.class)
        Duration timeout;
    }

    private CreateTopics() {
    }

    public static void main(String[] args) {
        Cli.main(NAME, Flags::new, args, CreateTopics::run);
    }

    static int run(String[] args, PrintStream out, PrintStream err, Cli.Stop stop) throws Exception {
        Flags flags = new Flags();
        Properties kafka = Cli.parse(flags, args).kafka();
        String bootstrap = flags.broker.servers;
        if (flags.replicationFactor < 1) {
            throw new Cli.BadFlag("replication-factor", "expected a positive integer, got " + flags.replicationFactor);
        }
        Duration timeout = Cli.positive("timeout", flags.timeout);
        List<NewTopic> topics = parse(flags.topics, (short) flags.replicationFactor);

        try (Admin admin = KafkaClients.admin(bootstrap, kafka)) {
            List<String> existing;
            try {
                existing = Topics.create(admin, topics, timeout);
            } catch (IllegalStateException e) {
                throw new Cli.Failure(e.getMessage(), e.getCause());
            }
            Map<String, String> report = new LinkedHashMap<>();
            for (NewTopic topic : topics) {
                if (!existing.contains(topic.name())) {
                    report.put(topic.name(), "created, " + describe(topic));
                }
            }
            if (!existing.isEmpty()) {
                Map<String, TopicDescription> descriptions = admin.describeTopics(existing).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                for (String name : existing) {
                    report.put(name, "exists, " + partitions(descriptions.get(name).partitions().size()));
                }
            }
            try {
                Topics.awaitLeaders(admin, topics.stream().map(NewTopic::name).toList(), timeout);
            } catch (TimeoutException e) {
                throw new Cli.Failure(e.getMessage(), e);
            }
            for (NewTopic topic : topics) {
                out.println(NAME + ": " + topic.name() + " " + report.get(topic.name()));
            }
        }
        return Cli.OK;
    }

    static List<NewTopic> parse(String list, short replication) {
        try {
            return Topics.parseList(list, replication);
        } catch (IllegalArgumentException e) {
            throw new Cli.BadFlag("topics", e.getMessage());
        }
    }

    private static String describe(NewTopic topic) {
        String partitions = partitions(topic.numPartitions());
        return topic.configs() != null && !topic.configs().isEmpty() ? partitions + ", compacted" : partitions;
    }

    private static String partitions(int count) {
        return count + (count == 1 ? " partition" : " partitions");
    }
}
