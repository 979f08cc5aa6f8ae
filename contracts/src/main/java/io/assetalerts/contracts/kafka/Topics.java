package io.assetalerts.contracts.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The system's topics (SPEC 2), written once: {@link #LAYOUT} is what {@code create-topics} creates, and a test holds
 * docker-compose.yml and the runbook to it. A layout is {@code NAME:PARTITIONS[:compact]}, comma-separated.
 */
public final class Topics {

    /** Names, partitions and compaction of every topic of the system. */
    public static final String LAYOUT = "asset.events:1:compact,alert.rules:1:compact,telemetry.raw:12,"
            + "telemetry.events:12,alert.events:3,alert-job.dlq:1,telemetry-ingest.dlq:1";

    /**
     * Compacted topics keep every record for at least this long before compaction may drop an older one of the same
     * key: a replay of the last 7 days of telemetry (its retention) then still finds every rule version and
     * registration that judged it.
     */
    public static final String MIN_COMPACTION_LAG_MS = Long.toString(Duration.ofDays(7).toMillis());

    private Topics() {
    }

    /**
     * One topic, {@code NAME:PARTITIONS[:compact]}; a compacted one gets {@link #MIN_COMPACTION_LAG_MS}.
     *
     * @throws IllegalArgumentException on anything else
     */
    public static NewTopic parse(String spec, short replication) {
        String[] parts = spec.trim().split(":");
        int partitions = parts.length < 2 ? 0 : partitions(parts[1]);
        if (parts.length > 3 || parts[0].isBlank() || partitions < 1
                || (parts.length == 3 && !parts[2].equals("compact"))) {
            throw new IllegalArgumentException("expected NAME:PARTITIONS[:compact], got '" + spec.trim() + "'");
        }
        NewTopic topic = new NewTopic(parts[0], partitions, replication);
        if (parts.length == 3) {
            topic.configs(new HashMap<>(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, MIN_COMPACTION_LAG_MS)));
        }
        return topic;
    }

    private static int partitions(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A comma-separated layout, each part as {@link #parse}. */
    public static List<NewTopic> parseList(String layout, short replication) {
        List<NewTopic> topics = new ArrayList<>();
        for (String spec : layout.split(",")) {
            topics.add(parse(spec, replication));
        }
        return topics;
    }

    /**
     * Creates the topics that do not exist yet, and returns the names of those that did (left as they are).
     *
     * @throws IllegalStateException naming the topic whose creation failed for another reason
     */
    public static List<String> create(Admin admin, List<NewTopic> topics, Duration timeout)
            throws InterruptedException, TimeoutException {
        Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
        List<String> existing = new ArrayList<>();
        for (NewTopic topic : topics) {
            try {
                results.get(topic.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("creating topic " + topic.name() + " failed: "
                            + e.getCause().getMessage(), e.getCause());
                }
                existing.add(topic.name());
            }
        }
        return existing;
    }

    /**
     * Returns once every partition of the topics has a leader, so producers can start right away.
     *
     * @throws TimeoutException naming the topics still without one after {@code timeout}
     */
    public static void awaitLeaders(Admin admin, Collection<String> names, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, TopicDescription> descriptions;
            try {
                descriptions = admin.describeTopics(names).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new TimeoutException("the broker did not describe " + names + " within " + timeout.toSeconds()
                        + " s");
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                descriptions = Map.of();
            }
            List<String> waiting = new ArrayList<>(names);
            descriptions.forEach((name, description) -> {
                if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    waiting.remove(name);
                }
            });
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("partitions of " + waiting + " have no leader after " + timeout.toSeconds()
                        + " s");
            }
            Thread.sleep(100);
        }
    }
}
