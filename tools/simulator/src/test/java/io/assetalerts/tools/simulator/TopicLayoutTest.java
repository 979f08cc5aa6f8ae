package io.assetalerts.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.assetalerts.contracts.kafka.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The system's topic layout (names, partitions, compaction) is written once, in {@link Topics#LAYOUT} (contracts),
 * which create-topics and so the local stack create; the two other places that create topics, docker-compose.yml's
 * {@code kafka-init} and the runbook's {@code kafka-topics} commands in docs/operations.md, must say the same (the
 * runbook creates only the alert job's topics, and a replay's own).
 */
class TopicLayoutTest {

    private static final Pattern CREATE = Pattern.compile(
            "^\\s*(?:create|topic) --topic (\\S+) --partitions (\\d+)((?: --config \\S+)*)\\s*$", Pattern.MULTILINE);

    @Test
    void dockerComposeCreatesExactlyTheDefaultLayout() throws Exception {
        assertThat(created(Files.readString(root().resolve("docker-compose.yml")))).isEqualTo(defaults());
    }

    @Test
    void theRunbookCreatesTheAlertJobsTopicsWithTheDefaultLayout() throws Exception {
        Map<String, String> runbook = created(Files.readString(root().resolve("docs/operations.md")));
        // the runbook also creates topics of its own (a replay's), which are not the system's
        runbook.keySet().retainAll(defaults().keySet());
        assertThat(runbook).containsOnlyKeys("asset.events", "alert.rules", "telemetry.events", "alert.events",
                "alert-job.dlq");
        assertThat(defaults()).containsAllEntriesOf(runbook);
    }

    /** Topic name to "partitions [config=value ...]" (configs sorted), as CreateTopics would create them. */
    private static Map<String, String> defaults() {
        Map<String, String> layout = new TreeMap<>();
        for (NewTopic topic : Topics.parseList(Topics.LAYOUT, (short) 1)) {
            StringBuilder spec = new StringBuilder(Integer.toString(topic.numPartitions()));
            if (topic.configs() != null) {
                new TreeMap<>(topic.configs()).forEach((k, v) -> spec.append(' ').append(k).append('=').append(v));
            }
            layout.put(topic.name(), spec.toString());
        }
        return layout;
    }

    private static Map<String, String> created(String text) {
        Map<String, String> layout = new TreeMap<>();
        Matcher m = CREATE.matcher(text);
        while (m.find()) {
            StringBuilder spec = new StringBuilder(m.group(2));
            new TreeMap<>(configs(m.group(3))).forEach((k, v) -> spec.append(' ').append(k).append('=').append(v));
            layout.put(m.group(1), spec.toString());
        }
        return layout;
    }

    private static Map<String, String> configs(String flags) {
        Map<String, String> configs = new TreeMap<>();
        for (String flag : flags.trim().split("\\s*--config\\s+")) {
            if (!flag.isBlank()) {
                String[] kv = flag.trim().split("=", 2);
                configs.put(kv[0], kv[1]);
            }
        }
        return configs;
    }

    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("docker-compose.yml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
    }
}
