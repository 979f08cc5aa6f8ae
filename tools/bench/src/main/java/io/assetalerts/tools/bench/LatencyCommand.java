package io.assetalerts.tools.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.contracts.codec.Decoded;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code latency}: end-to-end alert latency at a fixed input rate against a running alert job. A producer sends
 * live readings (timestamp = now, in order per asset: asset {@code k % assets} at step {@code k}) at
 * {@code --rate} per second; during the measured window a share of them are single spikes above 100 °C. A
 * read_committed consumer of the alert topic matches every TEMPERATURE_THRESHOLD alert to the spike it names
 * ({@code eventIds} holds the reading's eventId) and takes receive time - send time. Warm-up and tail traffic carry
 * no spikes; the tail keeps event time (the watermark) moving until every measured spike has its alert or
 * {@code --drain-timeout} passes. The job's watermark lags event time by its out-of-orderness (5 s by default),
 * so no alert can come sooner than that; under exactly-once it also waits for the next checkpoint to commit.
 */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = "Measure reading-to-committed-alert latency at a fixed input rate.")
final class LatencyCommand implements Callable<Integer> {

    private static final String THRESHOLD_RULE = "TEMPERATURE_THRESHOLD";

    private double warmedUpSeconds;
    private boolean warmupCaughtUp;
    private ObjectNode atWindowEnd;

    @Option(names = "--bootstrap-servers", required = true)
    String bootstrap;

    @Option(names = "--telemetry-topic", required = true)
    String telemetryTopic;

    @Option(names = "--alert-topic", required = true)
    String alertTopic;

    @Option(names = "--assets", defaultValue = "2000", description = "registered assets to send for")
    int assets;

    @Option(names = "--rate", defaultValue = "2000", description = "readings per second (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--warmup", defaultValue = "30s", converter = Durations.class,
            description = "at least this long without spikes before measuring (default ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--max-warmup", defaultValue = "120s", converter = Durations.class,
            description = "with --rest: at most this long waiting for the job to catch up (default ${DEFAULT-VALUE})")
    Duration maxWarmup;

    @Option(names = "--rest", description = "Flink REST URL: the warm-up also lasts until the job's source is less"
            + " than a second of input behind (a job started cold first works off a backlog)")
    String restUrl;

    @Option(names = "--job", description = "the alert job's id, with --rest")
    String jobId;

    @Option(names = "--duration", defaultValue = "60s", converter = Durations.class,
            description = "measured window (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--spike-share", defaultValue = "0.005", description = "share of measured readings that spike")
    double spikeShare;

    @Option(names = "--drain-timeout", defaultValue = "90s", converter = Durations.class)
    Duration drainTimeout;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--label", required = true)
    String label;

    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws Exception {
        BenchFleet fleet = new BenchFleet(new BenchFleet.Settings(assets, seed, Instant.now(), 0, 0, 0, 0));
        Map<String, Long> pending = new ConcurrentHashMap<>();
        List<double[]> latencies = new ArrayList<>();
        AtomicLong unmatched = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> consumerFailure = new AtomicReference<>();
        long origin = System.nanoTime();
        Thread consumer = new Thread(() -> consume(pending, latencies, unmatched, stop, consumerFailure, origin),
                "bench-latency-consumer");
        consumer.start();

        AtomicLong sentCount = new AtomicLong();
        AtomicBoolean caughtUp = new AtomicBoolean(restUrl == null);
        Thread lagWatch = restUrl == null ? null : new Thread(() -> watchLag(sentCount, caughtUp, stop),
                "bench-latency-lag");
        if (lagWatch != null) {
            lagWatch.setDaemon(true);
            lagWatch.start();
        }
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] lastWasSpike = new boolean[assets];
        long spikes = 0;
        long sent = 0;
        long behindMax = 0;
        long nanosPerReading = 1_000_000_000L / rate;
        try (KafkaProducer<String, byte[]> producer = BenchKafka.liveProducer(bootstrap, "bench-latency")) {
            long t0 = System.nanoTime();
            long minWarmupEnd = t0 + warmup.toNanos();
            long maxWarmupEnd = t0 + Math.max(warmup.toNanos(), maxWarmup.toNanos());
            long measureFrom = Long.MAX_VALUE;
            long measureTo = Long.MAX_VALUE;
            Deadline drain = null;
            System.out.printf("latency %s: %,d readings/s over %,d assets, at least %d s warm-up, %d s measured%n",
                    label, rate, assets, warmup.toSeconds(), duration.toSeconds());
            for (long k = 0; ; k++) {
                long due = t0 + k * nanosPerReading;
                long now = System.nanoTime();
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                    now = System.nanoTime();
                }
                behindMax = Math.max(behindMax, now - due);
                if (measureFrom == Long.MAX_VALUE && now >= minWarmupEnd && (caughtUp.get() || now >= maxWarmupEnd)) {
                    measureFrom = now;
                    measureTo = now + duration.toNanos();
                    warmedUpSeconds = (now - t0) / 1e9;
                    warmupCaughtUp = caughtUp.get();
                    System.out.printf("latency %s: measuring from %.1f s (%s)%n", label, warmedUpSeconds,
                            warmupCaughtUp ? "the job has caught up" : "the job had NOT caught up by --max-warmup");
                }
                if (now >= measureTo) {
                    if (drain == null) {
                        drain = Deadline.in(drainTimeout);
                        atWindowEnd = jobState();
                    }
                    if (pending.isEmpty() || drain.passed() || consumerFailure.get() != null) {
                        break;
                    }
                }
                int asset = (int) (k % assets);
                long second = k / assets;
                boolean spike = now >= measureFrom && now < measureTo && !lastWasSpike[asset]
                        && random.nextDouble() < spikeShare;
                lastWasSpike[asset] = spike;
                double temperature = spike ? 101 + Math.round(random.nextDouble() * 50) / 10.0
                        : fleet.temperature(asset, second);
                TelemetryReceived reading = new TelemetryReceived(fleet.eventId(asset, second), "TelemetryReceived",
                        fleet.assetId(asset), fleet.power(asset, second), temperature,
                        Instant.ofEpochMilli(System.currentTimeMillis()));
                byte[] value = EventJson.encode(reading);
                if (spike) {
                    spikes++;
                    pending.put(reading.getEventId(), System.nanoTime());
                }
                producer.send(new ProducerRecord<>(telemetryTopic, reading.getAssetId(), value));
                sent++;
                sentCount.lazySet(sent);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            stop.set(true);
            consumer.join(10_000);
            if (consumerFailure.get() != null) {
                throw new Bench.BenchFailure("the alert consumer failed: " + consumerFailure.get());
            }
            ObjectNode result = result(latencies, spikes, pending.size(), unmatched.get(), sent, seconds, behindMax);
            Json.write(out, result);
            System.out.printf("latency %s: %d of %d spikes alerted; p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", label,
                    result.path("matched").asLong(), spikes, result.path("p50Millis").asDouble(),
                    result.path("p99Millis").asDouble(), result.path("maxMillis").asDouble());
            return pending.isEmpty() ? 0 : 1;
        } finally {
            stop.set(true);
        }
    }

    private ObjectNode result(List<double[]> latencies, long spikes, int missing, long unmatched, long sent,
            double seconds, long behindMaxNanos) {
        List<double[]> samples;
        synchronized (latencies) {
            samples = new ArrayList<>(latencies);
        }
        double[] sorted = samples.stream().mapToDouble(s -> s[1]).sorted().toArray();
        ObjectNode result = Json.object();
        result.put("label", label);
        result.put("rate", rate);
        result.put("achievedRate", Math.round(sent / seconds));
        result.put("maxBehindScheduleMillis", Json.round(behindMaxNanos / 1e6, 1));
        result.put("assets", assets);
        result.put("warmupSeconds", Json.round(warmedUpSeconds, 1));
        result.put("warmupCaughtUp", warmupCaughtUp);
        result.put("measuredSeconds", duration.toSeconds());
        result.put("spikesSent", spikes);
        result.put("matched", sorted.length);
        result.put("missing", missing);
        result.put("alertsNotMatched", unmatched);
        result.put("minMillis", Json.round(percentile(sorted, 0), 1));
        result.put("p50Millis", Json.round(percentile(sorted, 0.50), 1));
        result.put("p90Millis", Json.round(percentile(sorted, 0.90), 1));
        result.put("p99Millis", Json.round(percentile(sorted, 0.99), 1));
        result.put("maxMillis", Json.round(percentile(sorted, 1), 1));
        result.put("meanMillis", Json.round(Arrays.stream(sorted).average().orElse(Double.NaN), 1));
        if (atWindowEnd != null) {
            result.set("atWindowEnd", atWindowEnd);
        }
        // p50 and max per 10 s of send time: a latency that grows through the window means the job fell behind
        var windows = result.putArray("bySendTime");
        samples.stream().collect(java.util.stream.Collectors.groupingBy(s -> (long) (s[0] / 10), java.util.TreeMap::new,
                java.util.stream.Collectors.mapping(s -> s[1], java.util.stream.Collectors.toList())))
                .forEach((window, values) -> {
                    double[] w = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                    windows.addObject().put("fromSecond", window * 10).put("alerts", w.length)
                            .put("p50Millis", Json.round(percentile(w, 0.5), 1))
                            .put("maxMillis", Json.round(percentile(w, 1), 1));
                });
        return result;
    }

    /**
     * With --rest: what the job looked like at the end of the measured window: every vertex's busy /
     * back-pressured / idle time, and its checkpoints' durations so far (under exactly-once an alert waits for the
     * next checkpoint to complete). Null without --rest or when the REST API does not answer.
     */
    private ObjectNode jobState() {
        if (restUrl == null) {
            return null;
        }
        try {
            FlinkRest rest = new FlinkRest(restUrl);
            ObjectNode state = ThroughputCommand.timeBreakdown(rest, jobId, -1);
            state.remove("count");
            state.set("checkpointDurationMillis", rest.checkpoints(jobId).path("summary").path("end_to_end_duration"));
            return state;
        } catch (Exception e) {
            System.err.println("latency " + label + ": no job metrics at the window's end: " + Bench.describe(e));
            return null;
        }
    }

    /**
     * Sets {@code caughtUp} once the job's source has read all but at most one second of what was sent (its
     * records-read count, over REST, every 500 ms).
     */
    private void watchLag(AtomicLong sentCount, AtomicBoolean caughtUp, AtomicBoolean stop) {
        try {
            FlinkRest rest = new FlinkRest(restUrl);
            SourceCounter source = SourceCounter.await(rest, jobId, telemetryTopic, Deadline.in(maxWarmup));
            while (!stop.get() && !caughtUp.get()) {
                long sentSoFar = sentCount.get();
                if (sentSoFar > rate && source.count() >= sentSoFar - rate) {
                    caughtUp.set(true);
                }
                Thread.sleep(500);
            }
        } catch (Exception e) {
            System.err.println("latency " + label + ": cannot follow the job's progress: " + Bench.describe(e));
        }
    }

    /** Nearest-rank percentile of sorted values ({@code p} in [0, 1]); NaN when there are none. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private void consume(Map<String, Long> pending, List<double[]> latencies, AtomicLong unmatched,
            AtomicBoolean stop, AtomicReference<Exception> failure, long origin) {
        try (KafkaConsumer<String, byte[]> consumer = BenchKafka.readCommittedConsumer(bootstrap, "bench-latency")) {
            List<TopicPartition> partitions = consumer.partitionsFor(alertTopic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stop.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    long received = System.nanoTime();
                    Decoded<AlertTriggered> alert = EventJson.decodeAlertTriggered(record.value());
                    if (!alert.isOk() || !THRESHOLD_RULE.equals(alert.value().getRule())) {
                        continue;
                    }
                    Long sentAt = null;
                    for (String eventId : alert.value().getEventIds()) {
                        sentAt = pending.remove(eventId);
                        if (sentAt != null) {
                            break;
                        }
                    }
                    if (sentAt == null) {
                        unmatched.incrementAndGet();
                        continue;
                    }
                    synchronized (latencies) {
                        latencies.add(new double[] {(sentAt - origin) / 1e9, (received - sentAt) / 1e6});
                    }
                }
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }
}
