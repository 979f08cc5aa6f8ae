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
import io.assetalerts.udfs.codec.Decoded;
import io.assetalerts.udfs.codec.EventJson;
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

    @Option(names = "--warmup", defaultValue = "15s", converter = Durations.class)
    Duration warmup;

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
        List<Double> latencies = new ArrayList<>();
        AtomicLong unmatched = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> consumerFailure = new AtomicReference<>();
        Thread consumer = new Thread(() -> consume(pending, latencies, unmatched, stop, consumerFailure),
                "bench-latency-consumer");
        consumer.start();

        SplittableRandom random = new SplittableRandom(seed);
        boolean[] lastWasSpike = new boolean[assets];
        long spikes = 0;
        long sent = 0;
        long behindMax = 0;
        long nanosPerReading = 1_000_000_000L / rate;
        try (KafkaProducer<String, byte[]> producer = BenchKafka.liveProducer(bootstrap, "bench-latency")) {
            long t0 = System.nanoTime();
            long measureFrom = t0 + warmup.toNanos();
            long measureTo = measureFrom + duration.toNanos();
            Deadline drain = null;
            System.out.printf("latency %s: %,d readings/s over %,d assets, %d s warm-up, %d s measured%n", label,
                    rate, assets, warmup.toSeconds(), duration.toSeconds());
            for (long k = 0; ; k++) {
                long due = t0 + k * nanosPerReading;
                long now = System.nanoTime();
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                    now = System.nanoTime();
                }
                behindMax = Math.max(behindMax, now - due);
                if (now >= measureTo) {
                    if (drain == null) {
                        drain = Deadline.in(drainTimeout);
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

    private ObjectNode result(List<Double> latencies, long spikes, int missing, long unmatched, long sent,
            double seconds, long behindMaxNanos) {
        double[] sorted;
        synchronized (latencies) {
            sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        }
        ObjectNode result = Json.object();
        result.put("label", label);
        result.put("rate", rate);
        result.put("achievedRate", Math.round(sent / seconds));
        result.put("maxBehindScheduleMillis", Json.round(behindMaxNanos / 1e6, 1));
        result.put("assets", assets);
        result.put("warmupSeconds", warmup.toSeconds());
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
        return result;
    }

    /** Nearest-rank percentile of sorted values ({@code p} in [0, 1]); NaN when there are none. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private void consume(Map<String, Long> pending, List<Double> latencies, AtomicLong unmatched, AtomicBoolean stop,
            AtomicReference<Exception> failure) {
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
                        latencies.add((received - sentAt) / 1e6);
                    }
                }
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }
}
