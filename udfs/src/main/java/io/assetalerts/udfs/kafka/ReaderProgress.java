package io.assetalerts.udfs.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.flink.metrics.MetricGroup;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one Kafka source subtask stands against Kafka (issue 14): the next offset of each split it reads, and whether
 * it has read everything committed to all of them. {@link CaughtUpIdleness} lets a quiet split go idle only while this
 * says so, so a partition that cannot be read (broker or leader down) or still has a backlog never lets event time
 * run ahead of its data.
 *
 * <p>The check runs on a thread of its own with a consumer of its own (read_committed, no group, the source's other
 * settings), and only while a split is quiet: the end offset (last stable offset) of every split; where a split's next
 * offset is below it, a fetch from there tells records (not caught up) from transaction markers or aborted data
 * (caught up). Any failure, such as a broker that does not answer, means not caught up.
 *
 * <p>The source reader registers one of these per subtask; the watermark generators of the same subtask find it by
 * the operator's metric variables (the reader and the watermark logic are given the same metric group), so this
 * needs nothing from Flink's or the connector's internals.
 */
final class ReaderProgress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReaderProgress.class);
    private static final Map<Map<String, String>, ReaderProgress> BY_SUBTASK = new ConcurrentHashMap<>();
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(2);

    private final Map<String, String> key;
    private final Properties consumerProperties;
    private final long checkEveryNanos;
    private final Map<TopicPartition, Long> nextOffsets = new ConcurrentHashMap<>();
    private final ScheduledExecutorService checker;
    private volatile long wantedAtNanos = Long.MIN_VALUE;
    private volatile long checks;
    /** Splits ready to go idle, by their watermark; and when the last one did (see {@link #mayGoIdle}). */
    private final Map<Object, Long> readyToIdle = new java.util.IdentityHashMap<>();
    private long lastIdleAtNanos = Long.MIN_VALUE;
    private volatile Verdict verdict = new Verdict(false, Long.MIN_VALUE, "not checked yet", Set.of());
    private KafkaConsumer<byte[], byte[]> consumer; // checker thread only

    /** What a check found over the splits it saw ({@code covers}); it says nothing of a split assigned after. */
    private record Verdict(boolean caughtUp, long atNanos, String why, Set<TopicPartition> covers) {

        static Verdict notCaughtUp(String why) {
            return new Verdict(false, System.nanoTime(), why, Set.of());
        }

        static Verdict caughtUp(String why, Set<TopicPartition> covers) {
            return new Verdict(true, System.nanoTime(), why, Set.copyOf(covers));
        }
    }

    private ReaderProgress(Map<String, String> key, Properties consumerProperties, Duration checkEvery,
            String name) {
        this.key = key;
        this.consumerProperties = consumerProperties;
        this.checkEveryNanos = checkEvery.toNanos();
        this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "caught-up-check " + name);
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, checkEvery.toMillis());
        checker.scheduleWithFixedDelay(this::checkIfWanted, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Registers the progress of the source subtask whose reader has {@code group}; closed with the reader. */
    static ReaderProgress register(MetricGroup group, Properties consumerProperties, Duration checkEvery,
            String name) {
        Map<String, String> key = Map.copyOf(group.getAllVariables());
        ReaderProgress progress = new ReaderProgress(key, consumerProperties, checkEvery, name);
        ReaderProgress previous = BY_SUBTASK.put(key, progress);
        if (previous != null) {
            previous.close();
        }
        return progress;
    }

    /** The progress of the reader of the same source subtask, or null when its source is not a tracked one. */
    static ReaderProgress of(MetricGroup group) {
        return BY_SUBTASK.get(group.getAllVariables());
    }

    /** A split this subtask now reads, from {@code offset} (negative: the connector resolves it; from the start). */
    void assigned(TopicPartition split, long offset) {
        nextOffsets.merge(split, offset, Math::max);
    }

    /** A record this subtask emitted. */
    void emitted(TopicPartition split, long offset) {
        nextOffsets.merge(split, offset + 1, Math::max);
    }

    /**
     * Whether this subtask had read everything committed to each of its splits when last checked (within two check
     * intervals), by a check that saw all of them: a split assigned since (or during the check) has its backlog
     * ahead of it until a check has seen it. Asking is what keeps the checks running.
     */
    boolean caughtUp() {
        long now = System.nanoTime();
        wantedAtNanos = now;
        Verdict v = verdict;
        return v.caughtUp() && now - v.atNanos() <= 2 * checkEveryNanos
                && v.covers().containsAll(nextOffsets.keySet());
    }

    private void checkIfWanted() {
        if (System.nanoTime() - wantedAtNanos > 2 * checkEveryNanos) {
            return;
        }
        Verdict next;
        try {
            next = check();
        } catch (Exception e) {
            next = Verdict.notCaughtUp("Kafka did not answer: " + e);
            closeConsumer();
        }
        if (next.caughtUp() != verdict.caughtUp()) {
            LOG.info("Source subtask {}: {}", key.getOrDefault("<subtask_index>", "?"),
                    next.caughtUp() ? "caught up with Kafka, quiet splits may go idle" : next.why());
        }
        verdict = next;
        checks++;
    }

    /**
     * Whether {@code split}, quiet and caught up with its watermark at {@code watermark}, may go idle now. Splits go
     * idle one at a time, the lowest watermark first, at least {@code gap} apart: the source combines its splits'
     * watermarks only periodically, and splits going idle together would leave it at the lowest of them (when the
     * last goes idle the source's watermark stays where it was), while one after the other it moves on to the next
     * lowest first. All calls come from the source's task thread.
     */
    synchronized boolean mayGoIdle(Object split, long watermark, Duration gap) {
        readyToIdle.put(split, watermark);
        long now = System.nanoTime();
        if (lastIdleAtNanos != Long.MIN_VALUE && now - lastIdleAtNanos < gap.toNanos()) {
            return false;
        }
        for (Map.Entry<Object, Long> other : readyToIdle.entrySet()) {
            if (other.getKey() != split && other.getValue() < watermark) {
                return false;
            }
        }
        readyToIdle.remove(split);
        lastIdleAtNanos = now;
        return true;
    }

    /** {@code split} is active again (or idle already): no longer waiting for its turn. */
    synchronized void notReadyToIdle(Object split) {
        readyToIdle.remove(split);
    }

    /** How many checks have run (for tests). */
    long checks() {
        return checks;
    }

    private Verdict check() {
        Map<TopicPartition, Long> next = new HashMap<>(nextOffsets);
        if (next.isEmpty()) {
            return Verdict.caughtUp("no splits", Set.of());
        }
        if (consumer == null) {
            consumer = new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(next.keySet(), KAFKA_TIMEOUT);
        List<TopicPartition> unresolved = next.keySet().stream().filter(tp -> next.get(tp) < 0).toList();
        if (!unresolved.isEmpty()) {
            // a split that has emitted nothing since it was assigned "from the earliest offset": it starts there
            consumer.beginningOffsets(unresolved, KAFKA_TIMEOUT).forEach(next::put);
        }
        List<TopicPartition> behind = next.keySet().stream()
                .filter(tp -> next.get(tp) < ends.getOrDefault(tp, Long.MAX_VALUE)).toList();
        if (behind.isEmpty()) {
            return Verdict.caughtUp("caught up", next.keySet());
        }
        // between the next offset and the end there may be only transaction markers or aborted records
        consumer.assign(behind);
        behind.forEach(tp -> consumer.seek(tp, next.get(tp)));
        ConsumerRecords<byte[], byte[]> records = consumer.poll(FETCH_TIMEOUT);
        if (!records.isEmpty()) {
            TopicPartition tp = records.partitions().iterator().next();
            return Verdict.notCaughtUp(tp + " has records after offset " + next.get(tp)
                    + " still to read");
        }
        for (TopicPartition tp : behind) {
            long position = consumer.position(tp, KAFKA_TIMEOUT);
            if (position < ends.get(tp)) {
                return Verdict.notCaughtUp(tp + " is read up to offset " + position + " of "
                        + ends.get(tp));
            }
        }
        // stamped when the answer is complete: a fetch that waited its whole timeout must not make it stale at once
        return Verdict.caughtUp("caught up", next.keySet());
    }

    /** The consumer settings of the check: the source's, without a group, read_committed, small fetches. */
    static Properties checkConsumer(Properties source, String bootstrapServers, String clientId) {
        Properties props = new Properties();
        props.putAll(source);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove("partition.discovery.interval.ms");
        props.remove("client.id.prefix");
        props.remove("register.consumer.metrics");
        props.remove("commit.offsets.on.checkpoint");
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // as the source does when an offset is gone
        return props;
    }

    private void closeConsumer() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(1));
            } catch (RuntimeException ignored) {
                // already failing: nothing to keep
            }
            consumer = null;
        }
    }

    @Override
    public void close() {
        BY_SUBTASK.remove(key, this);
        checker.shutdownNow();
        try {
            if (checker.awaitTermination(5, TimeUnit.SECONDS)) {
                closeConsumer(); // the checker thread has stopped, so the consumer is ours to close
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
