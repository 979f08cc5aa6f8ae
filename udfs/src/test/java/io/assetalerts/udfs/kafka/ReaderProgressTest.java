package io.assetalerts.udfs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The caught-up verdict covers the splits it was reached over, no more. A subtask that had no split when it was last
 * checked was caught up; a split assigned after that has its backlog still ahead, and letting it go idle on the old
 * verdict would let event time pass records it has not read (under load, a split's first fetch can take longer than
 * the idleness timeout). No broker is needed: the old verdict must not count for the new split before any check of it
 * has run.
 */
class ReaderProgressTest {

    private static final Duration CHECK_EVERY = Duration.ofMillis(500);

    @Test
    void aSplitAssignedAfterTheLastCheckIsNotCaughtUpOnThatCheck() throws Exception {
        var consumer = ReaderProgress.checkConsumer(new java.util.Properties(), "127.0.0.1:1", "reader-progress-test");
        try (ReaderProgress progress = ReaderProgress.register(new UnregisteredMetricsGroup(), consumer, CHECK_EVERY,
                "reader-progress-test")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!progress.caughtUp()) {
                assertThat(System.nanoTime() - deadline).as("no caught-up verdict for a subtask without splits")
                        .isNegative();
                Thread.sleep(10);
            }

            progress.assigned(new TopicPartition("telemetry.events", 0), 0);

            assertThat(progress.caughtUp()).as("a split assigned since the last check").isFalse();
        }
    }
}
