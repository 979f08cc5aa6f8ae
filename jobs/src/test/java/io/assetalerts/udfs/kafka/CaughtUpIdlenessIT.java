package io.assetalerts.udfs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.schemas.state.Inbound;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link CaughtUpIdleness} against a real broker (issue 14): a quiet split goes idle only when its source subtask has
 * read everything committed to its splits, never while records wait behind it or while the broker does not answer.
 * The wall clock the idleness counts is a manual one; what the tests wait for is the background check's verdict.
 */
class CaughtUpIdlenessIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration IDLENESS = Duration.ofSeconds(30);
    private static final Duration CHECK_EVERY = Duration.ofMillis(200);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final ManualClock clock = new ManualClock();
    private final Recording output = new Recording();
    private ReaderProgress progress;
    private CaughtUpIdleness split;
    private TopicPartition partition;

    @AfterEach
    void close() {
        if (progress != null) {
            progress.close();
        }
    }

    /** A topic with {@code records} records, and a source subtask (its progress and one split's generator). */
    private void start(int records, boolean transactional) throws Exception {
        String topic = KAFKA.uniqueTopic("idleness");
        KAFKA.createTopic(topic, 1);
        partition = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> producer = producer(transactional)) {
            if (transactional) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "A-1", "r" + i)).get();
            }
            if (transactional) {
                producer.commitTransaction();
            }
        }
        MetricGroup group = new SubtaskGroup(UUID.randomUUID().toString());
        Properties check = ReaderProgress.checkConsumer(new Properties(), KAFKA.bootstrapServers(), "check-" + topic);
        progress = ReaderProgress.register(group, check, CHECK_EVERY, topic);
        split = new CaughtUpIdleness(Duration.ofSeconds(5), IDLENESS,
                new WatermarkGeneratorSupplier.Context() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return group;
                    }

                    @Override
                    public RelativeClock getInputActivityClock() {
                        return clock;
                    }
                });
    }

    /** The split emitted the records at offsets 0..{@code last}, the latest at event time 1,000 s. */
    private void emittedUpTo(long last) {
        progress.assigned(partition, 0);
        for (long offset = 0; offset <= last; offset++) {
            progress.emitted(partition, offset);
        }
        split.onEvent(new Inbound(), 1_000_000, output);
    }

    @Test
    void aQuietSplitThatHasReadEverythingGoesIdle() throws Exception {
        start(3, false);
        emittedUpTo(2);
        split.onPeriodicEmit(output);
        assertThat(split.idle()).as("not quiet yet").isFalse();
        clock.advanceTime(IDLENESS);
        awaitEmits(() -> split.idle());
        assertThat(output.idle).isTrue();
    }

    @Test
    void aQuietSplitWithRecordsLeftToReadNeverGoesIdle() throws Exception {
        start(3, false);
        emittedUpTo(0); // two records behind it, as after a restart into a backlog the broker cannot serve yet
        clock.advanceTime(IDLENESS.multipliedBy(10));
        awaitChecks(3);
        split.onPeriodicEmit(output);
        assertThat(split.idle()).isFalse();
        assertThat(output.idle).isFalse();
        assertThat(output.watermark).as("it holds event time at its own").isEqualTo(1_000_000 - 5_000 - 1);
    }

    @Test
    void aSplitRestoredAtTheEarliestOffsetSentinelOfAnEmptyPartitionGoesIdle() throws Exception {
        // a split that never read a record keeps the connector's "earliest" sentinel (-2) in a savepoint; the check
        // must resolve it without waiting a whole fetch timeout on a partition with nothing in it
        start(0, false);
        progress.assigned(partition, -2);
        clock.advanceTime(IDLENESS);
        awaitEmits(() -> split.idle());
    }

    @Test
    void transactionMarkersAloneAreNothingLeftToRead() throws Exception {
        start(3, true); // offsets 0..2, the commit marker at 3: the end offset is 4
        emittedUpTo(2);
        clock.advanceTime(IDLENESS);
        awaitEmits(() -> split.idle());
    }

    @Test
    void anIdleSplitGoesActiveWhenTheBrokerStopsAnsweringAndIdleAgainOnceItIsBack() throws Exception {
        start(3, false);
        emittedUpTo(2);
        clock.advanceTime(IDLENESS);
        awaitEmits(() -> split.idle());
        KAFKA.killBroker();
        try {
            awaitEmits(() -> !split.idle());
            assertThat(output.idle).isFalse();
            assertThat(output.watermark).isEqualTo(1_000_000 - 5_000 - 1);
        } finally {
            KAFKA.restartBroker();
        }
        awaitEmits(() -> split.idle());
    }

    /** Calls the periodic emit until {@code condition} holds. */
    private void awaitEmits(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            split.onPeriodicEmit(output);
            if (condition.getAsBoolean()) {
                return;
            }
            assertThat(System.nanoTime()).as("condition within %s", DEADLINE).isLessThan(deadline);
            Thread.sleep(50); // the check runs on its own thread; this is a poll interval, not synchronisation
        }
    }

    /** Waits until the progress has finished {@code n} more checks. */
    private void awaitChecks(int n) throws InterruptedException {
        long target = progress.checks() + n;
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (progress.checks() < target) {
            progress.caughtUp(); // asking keeps the checks running
            assertThat(System.nanoTime()).as("%d checks within %s", n, DEADLINE).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static KafkaProducer<String, String> producer(boolean transactional) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
        if (transactional) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "idleness-" + UUID.randomUUID());
        }
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** The metric variables that tell one source subtask from another. */
    private static final class SubtaskGroup extends UnregisteredMetricsGroup {
        private final Map<String, String> variables;

        SubtaskGroup(String attempt) {
            variables = Map.of("<task_attempt_id>", attempt, "<subtask_index>", "0");
        }

        @Override
        public Map<String, String> getAllVariables() {
            return variables;
        }
    }

    private static final class Recording implements WatermarkOutput {
        long watermark = Long.MIN_VALUE;
        boolean idle;

        @Override
        public void emitWatermark(Watermark w) {
            watermark = w.getTimestamp();
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }
}
