package io.assetalerts.tools.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code topics}: creates the topics a bench step needs (those that exist are left alone) and waits for leaders. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create topics NAME:PARTITIONS[:compact] if missing; return when all partitions have a leader.")
final class TopicsCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers")
    String bootstrap;

    @Option(names = "--topic", required = true, split = ",", description = "NAME:PARTITIONS[:compact], repeatable")
    List<String> topics;

    @Option(names = "--timeout", defaultValue = "60s", converter = Durations.class,
            description = "how long to wait for the broker (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        List<NewTopic> parsed = topics.stream().map(BenchKafka::parseTopic).toList();
        BenchKafka.createTopics(bootstrap, parsed, timeout);
        System.out.println("topics: " + String.join(" ", topics));
        return 0;
    }
}
