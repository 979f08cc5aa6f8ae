package io.assetalerts.tools.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.contracts.codec.Decoded;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code count-alerts}: reads an alert topic from the beginning to its current end as a read_committed consumer and
 * counts the alerts by rule, so a throughput run also shows that both rules fired on the fill (one
 * TEMPERATURE_THRESHOLD alert per spike, one SUSTAINED_OVERHEAT alert per sustained overheat, less those the job's
 * watermark has not passed yet: the last few seconds of event time are never released).
 */
@Command(name = "count-alerts", mixinStandardHelpOptions = true,
        description = "Count the committed alerts on a topic by rule.")
final class CountAlertsCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", required = true)
    String bootstrap;

    @Option(names = "--alert-topic", required = true)
    String alertTopic;

    @Option(names = "--timeout", defaultValue = "60s", converter = Durations.class)
    Duration timeout;

    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws Exception {
        Map<String, Long> byRule = new TreeMap<>();
        long invalid = 0;
        try (KafkaConsumer<String, byte[]> consumer = BenchKafka.readCommittedConsumer(bootstrap, "bench-count")) {
            List<TopicPartition> partitions = consumer.partitionsFor(alertTopic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Deadline deadline = Deadline.in(timeout);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if ("AlertResolved".equals(EventJson.alertEventType(record.value()))) {
                        continue; // the end of an alert's episode (issue 13), not an alert
                    }
                    Decoded<AlertTriggered> alert = EventJson.decodeAlertTriggered(record.value());
                    if (alert.isOk()) {
                        byRule.merge(alert.value().getRule(), 1L, Long::sum);
                    } else {
                        invalid++;
                    }
                }
                deadline.check(() -> "the alerts of " + alertTopic + " were not read to their end");
            }
        }
        ObjectNode result = Json.object();
        result.put("alertTopic", alertTopic);
        ObjectNode rules = result.putObject("byRule");
        byRule.forEach(rules::put);
        result.put("undecodable", invalid);
        Json.write(out, result);
        System.out.println("count-alerts: " + byRule + (invalid > 0 ? ", " + invalid + " undecodable" : ""));
        return 0;
    }
}
