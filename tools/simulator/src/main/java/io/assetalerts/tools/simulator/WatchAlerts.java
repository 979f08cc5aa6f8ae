package io.assetalerts.tools.simulator;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.contracts.codec.Decoded;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A live view of the alerts downstream consumers see: reads {@code alert.events} with
 * {@code isolation.level=read_committed} (so only alerts of completed checkpoints) and prints one
 * {@link AlertLine} per alert on stdout. Reads every partition, from the beginning unless {@code --from latest}.
 */
public final class WatchAlerts {

    private static final String NAME = "watch-alerts";
    private static final Duration POLL = Duration.ofMillis(200);

    @Command(name = NAME, sortOptions = false, showDefaultValues = true,
            customSynopsis = "watch-alerts --bootstrap-servers HOST:PORT [flags]",
            description = "Prints one line per alert of completed checkpoints (read_committed), from every partition.")
    static final class Flags {
        @Mixin
        Cli.Broker broker;

        @Option(names = "--alert-topic", paramLabel = "NAME", defaultValue = "alert.events")
        String alertTopic;

        @Option(names = "--from", paramLabel = "earliest|latest", defaultValue = "earliest",
                description = "where to start reading")
        From from;

        @Option(names = "--topic-wait", paramLabel = "DURATION", defaultValue = "60s",
                converter = Cli.DurationFlag.class, description = "how long to wait for the topic to exist")
        Duration topicWait;

        @Option(names = "--max-alerts", paramLabel = "N", description = "exit after N alerts")
        Long maxAlerts;

        @Option(names = "--started-at", paramLabel = "EPOCH_MILLIS",
                description = "report on stderr how long after this the first alert was shown")
        Long startedAt;
    }

    private WatchAlerts() {
    }

    enum From { EARLIEST, LATEST }

    public static void main(String[] args) {
        Cli.main(NAME, Flags::new, args, WatchAlerts::run);
    }

    static int run(String[] args, PrintStream out, PrintStream err, Cli.Stop stop) {
        Flags flags = new Flags();
        Properties kafka = Cli.parse(flags, args).kafka();
        String bootstrap = flags.broker.servers;
        String topic = flags.alertTopic;
        From from = flags.from;
        Duration topicWait = Cli.positive("topic-wait", flags.topicWait);
        long maxAlerts = flags.maxAlerts == null ? Long.MAX_VALUE : flags.maxAlerts;
        long startedAt = flags.startedAt == null ? 0 : flags.startedAt;

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
