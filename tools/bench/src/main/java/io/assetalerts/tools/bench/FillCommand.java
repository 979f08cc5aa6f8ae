package io.assetalerts.tools.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fill}: registers the fleet on the (compacted) asset topic, then produces the readings of
 * {@link BenchFleet} to the telemetry topic, second by second of event time and asset by asset within a second,
 * keyed by assetId and encoded with the jobs' own codec ({@link EventJson}). Prints and writes the counts and the
 * fill rate. {@code --from-second} and {@code --max-readings} continue an earlier fill (the top-up a restored job
 * reads); {@code --readings 0} only registers.
 */
@Command(name = "fill", mixinStandardHelpOptions = true,
        description = "Register K assets and produce N seeded readings in event-time order.")
final class FillCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", required = true)
    String bootstrap;

    @Option(names = "--asset-topic", defaultValue = "asset.events")
    String assetTopic;

    @Option(names = "--telemetry-topic", defaultValue = "telemetry.events")
    String telemetryTopic;

    @Option(names = "--assets", defaultValue = "10000", description = "fleet size K (default ${DEFAULT-VALUE})")
    int assets;

    @Option(names = "--readings", defaultValue = "5000000", description = "readings N (default ${DEFAULT-VALUE})")
    long readings;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--start", defaultValue = "2026-01-01T00:00:00Z",
            description = "event time of the first reading; keep it in the past (default ${DEFAULT-VALUE})")
    Instant start;

    @Option(names = "--spike-share", defaultValue = "0.0001", description = "share of readings that spike above 100 °C")
    double spikeShare;

    @Option(names = "--overheat-share", defaultValue = "0.01",
            description = "share of assets with one sustained overheat (default ${DEFAULT-VALUE})")
    double overheatShare;

    @Option(names = "--overheat", defaultValue = "5min", converter = Durations.class,
            description = "length of a sustained overheat (default ${DEFAULT-VALUE})")
    Duration overheat;

    @Option(names = "--period", defaultValue = "1s", converter = Durations.class,
            description = "event time between two readings of one asset, whole seconds; the state-scale fill keeps"
                    + " the main fill's readings per second of event time with it (default ${DEFAULT-VALUE})")
    Duration period;

    @Option(names = "--skip-registrations", description = "do not publish the registrations")
    boolean skipRegistrations;

    @Option(names = "--from-second", defaultValue = "0", description = "first second of event time to produce")
    long fromSecond;

    @Option(names = "--timeline-readings", description = "N of the fill this one continues (places the overheats"
            + " the same way); default --readings")
    Long timelineReadings;

    @Option(names = "--out", description = "write the result here as JSON")
    Path out;

    @Override
    public Integer call() throws Exception {
        long seconds = (timelineOf() + assets - 1) / assets;
        BenchFleet fleet = new BenchFleet(new BenchFleet.Settings(assets, seed, start, seconds, spikeShare,
                overheatShare, (int) overheat.toSeconds(), Math.max(1, period.toSeconds())));
        ObjectNode result = Json.object();
        result.put("assets", assets);
        result.put("readings", readings);
        result.put("seed", seed);
        result.put("assetTopic", assetTopic);
        result.put("telemetryTopic", telemetryTopic);
        try (KafkaProducer<String, byte[]> producer = BenchKafka.bulkProducer(bootstrap, "bench-fill")) {
            if (!skipRegistrations) {
                Sends sends = new Sends();
                long t0 = System.nanoTime();
                for (int i = 0; i < assets; i++) {
                    byte[] value = EventJson.encode(fleet.registration(i));
                    producer.send(new ProducerRecord<>(assetTopic, fleet.assetId(i), value), sends.callback(value));
                }
                producer.flush();
                sends.throwIfFailed();
                double secs = (System.nanoTime() - t0) / 1e9;
                result.put("registrationSeconds", Json.round(secs, 2));
                System.out.printf("fill: %,d registrations on %s in %.1f s%n", assets, assetTopic, secs);
            }
            if (readings > 0) {
                produceReadings(fleet, producer, new Sends(), result);
            }
        }
        if (out != null) {
            Json.write(out, result);
        }
        return 0;
    }

    private long timelineOf() {
        return timelineReadings != null ? timelineReadings : readings;
    }

    private void produceReadings(BenchFleet fleet, KafkaProducer<String, byte[]> producer, Sends sends,
            ObjectNode result) throws Exception {
        long spikes = 0;
        long overheatReadings = 0;
        long sent = 0;
        long t0 = System.nanoTime();
        long second = fromSecond;
        long nextReport = t0 + 5_000_000_000L;
        Instant first = null;
        Instant last = null;
        while (sent < readings) {
            for (int asset = 0; asset < assets && sent < readings; asset++, sent++) {
                var reading = fleet.reading(asset, second);
                if (reading.getTemperature() > 100) {
                    spikes++;
                } else if (fleet.inOverheat(asset, second)) {
                    overheatReadings++;
                }
                byte[] value = EventJson.encode(reading);
                producer.send(new ProducerRecord<>(telemetryTopic, null, reading.getTimestamp().toEpochMilli(),
                        reading.getAssetId(), value), sends.callback(value));
                if (first == null) {
                    first = reading.getTimestamp();
                }
                last = reading.getTimestamp();
            }
            second++;
            sends.throwIfFailed();
            long now = System.nanoTime();
            if (now > nextReport) {
                System.out.printf("fill: %,d of %,d readings, %,.0f/s%n", sent, readings, sent / ((now - t0) / 1e9));
                nextReport = now + 5_000_000_000L;
            }
        }
        producer.flush();
        sends.throwIfFailed();
        double secs = (System.nanoTime() - t0) / 1e9;
        long overheatAssets = 0;
        for (int asset = 0; asset < assets; asset++) {
            if (fleet.hasOverheat(asset)) {
                overheatAssets++;
            }
        }
        result.put("fromSecond", fromSecond);
        result.put("secondsOfEventTime", (second - fromSecond) * fleet.settings().periodSeconds());
        result.put("firstTimestamp", String.valueOf(first));
        result.put("lastTimestamp", String.valueOf(last));
        result.put("spikeReadings", spikes);
        result.put("overheatAssets", overheatAssets);
        result.put("overheatReadings", overheatReadings);
        result.put("bytes", sends.bytes.get());
        result.put("avgRecordBytes", Json.round((double) sends.bytes.get() / sent, 1));
        result.put("fillSeconds", Json.round(secs, 2));
        result.put("recordsPerSecond", Math.round(sent / secs));
        result.put("megabytesPerSecond", Json.round(sends.bytes.get() / secs / 1e6, 1));
        result.put("compression", "lz4");
        System.out.printf("fill: %,d readings (%,d spikes, %,d assets with a sustained overheat) on %s in %.1f s:"
                + " %,.0f records/s, %.1f MB/s of JSON%n", sent, spikes, overheatAssets, telemetryTopic, secs,
                sent / secs, sends.bytes.get() / secs / 1e6);
    }

    /** Counts what was sent and keeps the first failure, which stops the fill. */
    private static final class Sends {
        final AtomicLong bytes = new AtomicLong();
        final AtomicReference<Exception> failure = new AtomicReference<>();

        Callback callback(byte[] value) {
            int size = value.length;
            return (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                } else {
                    bytes.addAndGet(size);
                }
            };
        }

        void throwIfFailed() {
            Exception e = failure.get();
            if (e != null) {
                throw new Bench.BenchFailure("a send failed: " + e);
            }
        }
    }
}
