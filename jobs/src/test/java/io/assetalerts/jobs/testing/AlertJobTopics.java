package io.assetalerts.jobs.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.assetalerts.tools.kafka.KafkaBrokerExtension;

/** Fresh topics for one run of the alert job, and the flags that point the job at them. */
public record AlertJobTopics(String assets, String telemetry, String alerts, String dlq, String rules, String id) {

    public static AlertJobTopics create(KafkaBrokerExtension kafka, int telemetryPartitions, int assetPartitions) {
        String id = kafka.uniqueTopic("run");
        AlertJobTopics t = new AlertJobTopics(id + ".asset.events", id + ".telemetry.events", id + ".alert.events",
                id + ".alert-job.dlq", id + ".alert.rules", id);
        kafka.createTopic(t.assets, assetPartitions, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(t.telemetry, telemetryPartitions);
        kafka.createTopic(t.alerts, 1);
        kafka.createTopic(t.dlq, 1);
        kafka.createTopic(t.rules, 1, Map.of("cleanup.policy", "compact"));
        return t;
    }

    /** Flags for a fast test run: earliest offsets, 1 s checkpoints and idleness; {@code extra} flags win. */
    public String[] args(KafkaBrokerExtension kafka, String run, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--asset-topic", assets, "--telemetry-topic", telemetry, "--alert-topic", alerts, "--dlq-topic", dlq,
                "--rules-topic", rules,
                "--group-id", id + "-" + run, "--transactional-id-prefix", id + "-" + run,
                "--starting-offsets", "earliest", "--checkpoint-interval", "1s", "--idleness", "1s",
                "--parallelism", "2"));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }
}
