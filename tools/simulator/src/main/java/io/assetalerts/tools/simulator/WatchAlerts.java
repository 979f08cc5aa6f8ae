package io.assetalerts.tools.simulator;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.contracts.codec.Decoded;
import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.udfs.config.Flags;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A live view of the alerts downstream consumers see: reads {@code alert.events} with
 * {@code isolation.level=read_committed} (so only alerts of completed checkpoints) and prints one
 * {@link AlertLine} per alert on stdout. Reads every partition, from the beginning unless {@code --from latest}.
 */
public final class WatchAlerts {

    private static final String NAME = "watch-alerts";
    private static final Duration POLL = Duration.ofMillis(200);

    static final String USAGE = """
            usage: watch-alerts --bootstrap-servers HOST:PORT [flags]
              --alert-topic alert.events
              --from earliest|latest      where to start reading
              --topic-wait 60s            how long to wait for the topic to exist
              --max-alerts N              exit after N alerts
              --started-at EPOCH_MILLIS   report on stderr how long after this the first alert was shown
              --kafka.<property> VALUE    passed to the Kafka consumer
            """;

    private WatchAlerts() {
    }

    private enum From { EARLIEST, LATEST }

    public static void main(String[] args) {
        Cli.main(NAME, USAGE, args, WatchAlerts::run);
    }

    static int run(String[] args, PrintStream out, PrintStream err, Cli.Stop stop) {
        Flags flags = Flags.parse(args);
        String bootstrap = flags.requiredString("bootstrap-servers");
        Properties kafka = flags.kafkaProperties();
        String topic = flags.string("alert-topic", "alert.events");
        From from = flags.choice("from", From.class, From.EARLIEST);
        Duration topicWait = flags.positiveDuration("topic-wait", Duration.ofSeconds(60));
        long maxAlerts = SimulatorConfig.longValue(flags, "max-alerts", Long.MAX_VALUE);
        long startedAt = SimulatorConfig.longValue(flags, "started-at", 0);
        flags.rejectUnknown();

        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.readCommittedConsumer(bootstrap, kafka, NAME)) {
            stop.onRequest(consumer::wakeup);
            List<TopicPartition> partitions = partitions(consumer, topic, topicWait);
            consumer.assign(partitions);
            if (from == From.EARLIEST) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            long shown = 0;
            while (!stop.requested() && shown < maxAlerts) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    out.println(line(record));
                    if (shown == 0 && startedAt > 0) {
                        err.printf(Locale.ROOT, "%s: first alert on screen %.1f s after start%n", NAME,
                                (System.currentTimeMillis() - startedAt) / 1000.0);
                    }
                    if (++shown >= maxAlerts) {
                        break;
                    }
                }
            }
        } catch (WakeupException stopped) {
            // Ctrl-C while polling
        }
        return Cli.OK;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String topic,
            Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, wait).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (!partitions.isEmpty()) {
                return partitions;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new Cli.Failure("topic " + topic + " does not exist (waited " + wait.toSeconds() + " s)");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Cli.Failure("interrupted while waiting for topic " + topic, e);
            }
        }
    }

    /** One line per record of alert.events: an alert raised, or its episode ended (issue 13). */
    static String line(ConsumerRecord<String, byte[]> record) {
        if ("AlertResolved".equals(EventJson.alertEventType(record.value()))) {
            Decoded<io.assetalerts.schemas.AlertResolved> resolved = EventJson.decodeAlertResolved(record.value());
            if (resolved.isOk()) {
                return AlertLine.format(resolved.value());
            }
            return unreadable(record, resolved);
        }
        Decoded<AlertTriggered> alert = EventJson.decodeAlertTriggered(record.value());
        return alert.isOk() ? AlertLine.format(alert.value()) : unreadable(record, alert);
    }

    private static String unreadable(ConsumerRecord<String, byte[]> record, Decoded<?> decoded) {
        return "unreadable alert at " + record.topic() + "-" + record.partition() + "@" + record.offset() + ": "
                + decoded.reason() + " " + decoded.message();
    }
}
