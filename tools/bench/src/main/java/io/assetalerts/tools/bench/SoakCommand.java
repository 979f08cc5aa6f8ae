package io.assetalerts.tools.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code soak}: the alert job under a steady live load for a long time, sampled at a fixed period. A producer sends
 * {@code --rate} readings per second over {@code --assets} registered assets (one reading per asset per
 * {@code assets / rate} seconds, stamped with the wall clock, so event time is the send time) with the bench
 * fleet's spikes and sustained overheats, plus a share of readings of {@code --unregistered} assets that are never
 * registered (they are held, then dead-lettered as UNKNOWN_ASSET: the holds' retention). Every
 * {@code --sample-every} it records records read per second and the input lag (from the offsets the job's group
 * commits on checkpoints against the topic's end offsets) and, from Flink's REST API, the latest
 * completed checkpoint's full and incremental size and duration, the TaskManagers' heap in use, and RocksDB's
 * estimated keys and live data per state (the cluster must enable
 * {@code state.backend.rocksdb.metrics.estimate-num-keys} and {@code estimate-live-data-size}; run.sh does).
 * It writes {@code soak.json}, {@code soak.md} and {@code soak.png} into {@code --out-dir}. State bounded by its
 * retentions levels off once the longest retention has passed; state that grows with time keeps climbing. The step
 * fails (exit 1) when the job stops running or its lag grows past 5 minutes of input.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Run the alert job under a steady load and record state, checkpoints, heap and records/s.")
final class SoakCommand implements Callable<Integer> {

    private static final String KEYS = "estimate-num-keys";
    private static final String LIVE = "estimate-live-data-size";

    @Option(names = "--bootstrap-servers", required = true)
    String bootstrap;

    @Option(names = "--telemetry-topic", required = true)
    String telemetryTopic;

    @Mixin
    FlinkJobOptions flink;

    @Option(names = "--group-id", required = true,
            description = "the job's consumer group: the offsets it commits on checkpoints give a second lag figure")
    String groupId;

    @Option(names = "--assets", defaultValue = "1000", description = "registered assets (default ${DEFAULT-VALUE})")
    int assets;

    @Option(names = "--unregistered", defaultValue = "20",
            description = "assets that send readings but are never registered (default ${DEFAULT-VALUE})")
    int unregistered;

    @Option(names = "--unregistered-share", defaultValue = "0.002",
            description = "share of readings from unregistered assets (default ${DEFAULT-VALUE})")
    double unregisteredShare;

    @Option(names = "--rate", defaultValue = "1000", description = "readings per second (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--duration", defaultValue = "30min", converter = Durations.class,
            description = "how long to send (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--sample-every", defaultValue = "60s", converter = Durations.class,
            description = "sampling period (default ${DEFAULT-VALUE})")
    Duration sampleEvery;

    @Option(names = "--settings", defaultValue = "",
            description = "the job's retention flags, for the report (e.g. '--dedupe-ttl 5min')")
    String settings;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--out-dir", required = true)
    Path outDir;

    @Override
    public Integer call() throws Exception {
        long seconds = Math.max(1, duration.toSeconds() * rate / assets);
        // about 1 spike per asset per 17 min and a sustained overheat (5 min) for 10% of the assets somewhere in the run
        BenchFleet fleet = new BenchFleet(new BenchFleet.Settings(assets, seed, Instant.now(), seconds, 0.001, 0.10,
                300));
        FlinkRest rest = new FlinkRest(flink.restUrl);
        SourceCounter source = SourceCounter.await(rest, flink.jobId, telemetryTopic, Deadline.in(Duration.ofMinutes(2)));
        Admin admin = BenchKafka.admin(bootstrap);
        AtomicLong sent = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> producerFailure = new AtomicReference<>();
        Thread producer = new Thread(() -> produce(fleet, sent, stop, producerFailure), "bench-soak-producer");
        long t0 = System.nanoTime();
        producer.start();
        System.out.printf(Locale.ROOT, "soak: %,d readings/s over %,d assets (+%d unregistered) for %d min, a sample"
                + " every %d s%n", rate, assets, unregistered, duration.toMinutes(), sampleEvery.toSeconds());

        ArrayNode samples = Json.MAPPER.createArrayNode();
        long lastCommitted = committed(admin);
        long lastAt = System.nanoTime();
        String failure = null;
        try {
            for (int i = 1; ; i++) {
                long due = t0 + i * sampleEvery.toNanos();
                LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
                if (producerFailure.get() != null) {
                    failure = "the producer failed: " + Bench.describe(producerFailure.get());
                    break;
                }
                long inKafka = inKafka(admin);
                long committed = committed(admin);
                long now = System.nanoTime();
                ObjectNode sample = sample(rest, (now - t0) / 60e9, sent.get(), inKafka, committed,
                        (committed - lastCommitted) / ((now - lastAt) / 1e9), source.count());
                samples.add(sample);
                lastCommitted = committed;
                lastAt = now;
                System.out.println("  " + line(sample));
                if (!"RUNNING".equals(sample.path("jobState").asText())) {
                    failure = "the job is " + sample.path("jobState").asText();
                    break;
                }
                if (sample.path("lagRecords").asLong() > 300L * rate && sample.path("minute").asDouble() > 1) {
                    failure = "the job fell more than 5 minutes of input behind";
                    break;
                }
                if (now - t0 >= duration.toNanos()) {
                    break;
                }
            }
        } finally {
            stop.set(true);
            producer.join(30_000);
            admin.close();
        }
        ObjectNode result = result(samples, failure);
        Files.createDirectories(outDir);
        Json.write(outDir.resolve("soak.json"), result);
        writeReport(result, outDir);
        System.out.printf(Locale.ROOT, "soak: %s; last third against the middle third: %s; %s%n",
                failure == null ? "the job ran throughout" : failure,
                result.path("middleToLastThirdGrowthPercent"), outDir.resolve("soak.png"));
        return failure == null ? 0 : 1;
    }

    /** Sends the readings at the fixed rate until told to stop; asset {@code k % assets} at step {@code k}. */
    private void produce(BenchFleet fleet, AtomicLong sent, AtomicBoolean stop, AtomicReference<Exception> failure) {
        long nanosPerReading = 1_000_000_000L / rate;
        long ghostEvery = unregistered == 0 || unregisteredShare <= 0 ? 0 : Math.round(1 / unregisteredShare);
        try (KafkaProducer<String, byte[]> producer = BenchKafka.liveProducer(bootstrap, "bench-soak")) {
            long t0 = System.nanoTime();
            long count = 0;
            for (long k = 0; !stop.get(); k++) {
                long due = t0 + k * nanosPerReading;
                long now = System.nanoTime();
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                }
                int asset = (int) (k % assets);
                long second = k / assets;
                Instant at = Instant.ofEpochMilli(System.currentTimeMillis());
                TelemetryReceived reading = new TelemetryReceived(fleet.eventId(asset, second), "TelemetryReceived",
                        fleet.assetId(asset), fleet.power(asset, second), fleet.temperature(asset, second), at);
                producer.send(new ProducerRecord<>(telemetryTopic, reading.getAssetId(), EventJson.encode(reading)));
                if (ghostEvery > 0 && k % ghostEvery == 0) {
                    String ghost = String.format(Locale.ROOT, "GHOST-%04d", (k / ghostEvery) % unregistered);
                    TelemetryReceived held = new TelemetryReceived(fleet.eventId(assets, -2 - k),
                            "TelemetryReceived", ghost, 10.0, 50.0, at);
                    producer.send(new ProducerRecord<>(telemetryTopic, ghost, EventJson.encode(held)));
                    count++;
                }
                sent.lazySet(++count);
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }

    /** Records in the telemetry topic: the sum of its partitions' end offsets. */
    private long inKafka(Admin admin) throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        admin.describeTopics(List.of(telemetryTopic)).allTopicNames().get().get(telemetryTopic).partitions()
                .forEach(p -> partitions.add(new TopicPartition(telemetryTopic, p.partition())));
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        long sum = 0;
        for (var info : admin.listOffsets(latest).all().get().values()) {
            sum += info.offset();
        }
        return sum;
    }

    /** The sum of the offsets the job's consumer group committed on the telemetry topic (0 before the first). */
    private long committed(Admin admin) throws Exception {
        long sum = 0;
        for (var e : admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().entrySet()) {
            if (e.getKey().topic().equals(telemetryTopic) && e.getValue() != null) {
                sum += e.getValue().offset();
            }
        }
        return sum;
    }

    /**
     * One sample. Records read and the lag come from the broker: the offsets the job commits with each checkpoint
     * (so they lag by up to a checkpoint interval), against the topic's end offsets. The source's numRecordsOut over
     * REST is kept for comparison only: in the first soaks it trailed the committed offsets by a steady 60 s.
     */
    private ObjectNode sample(FlinkRest rest, double minute, long sent, long inKafka, long committed,
            double recordsPerSecond, long sourceMetric) throws Exception {
        ObjectNode sample = Json.object();
        sample.put("minute", Json.round(minute, 2));
        JsonNode job = rest.job(flink.jobId);
        sample.put("jobState", job.path("state").asText());
        sample.put("sent", sent);
        sample.put("inKafka", inKafka);
        sample.put("committed", committed);
        // what the job has not read of what Kafka holds, as of its last checkpoint
        sample.put("lagRecords", Math.max(0, inKafka - committed));
        sample.put("sourceNumRecordsOut", sourceMetric);
        sample.put("recordsPerSecond", Math.round(recordsPerSecond));
        JsonNode checkpoints = rest.checkpoints(flink.jobId);
        JsonNode latest = checkpoints.path("latest").path("completed");
        sample.put("checkpointsCompleted", checkpoints.path("counts").path("completed").asLong());
        sample.put("checkpointsFailed", checkpoints.path("counts").path("failed").asLong());
        sample.put("checkpointId", latest.path("id").asLong());
        sample.put("checkpointFullBytes", latest.path("state_size").asLong());
        sample.put("checkpointIncrementalBytes", latest.path("checkpointed_size").asLong());
        sample.put("checkpointDurationMillis", latest.path("end_to_end_duration").asLong());
        long heap = 0;
        for (JsonNode tm : rest.get("/taskmanagers").path("taskmanagers")) {
            for (JsonNode m : rest.get("/taskmanagers/" + tm.path("id").asText()
                    + "/metrics?get=Status.JVM.Memory.Heap.Used")) {
                heap += Math.round(m.path("value").asDouble());
            }
        }
        sample.put("heapUsedBytes", heap);
        // every vertex's busy / back-pressured / idle ms per second (average and maximum over its subtasks)
        sample.set("vertices", ThroughputCommand.timeBreakdown(rest, flink.jobId, committed).path("vertices"));
        Map<String, Double> keys = new TreeMap<>();
        Map<String, Double> live = new TreeMap<>();
        for (FlinkRest.Vertex vertex : rest.vertices(job)) {
            List<String> wanted = new ArrayList<>();
            for (String id : rest.metricNames(flink.jobId, vertex.id())) {
                if (id.endsWith(KEYS) || id.endsWith(LIVE)) {
                    wanted.add(id);
                }
            }
            if (wanted.isEmpty()) {
                continue;
            }
            rest.aggregated(flink.jobId, vertex.id(), wanted, "sum").forEach((id, byAgg) -> {
                double value = byAgg.getOrDefault("sum", 0.0);
                (id.endsWith(KEYS) ? keys : live).merge(stateName(id), value, Double::sum);
            });
        }
        ObjectNode byState = sample.putObject("rocksdbKeysByState");
        keys.forEach((state, v) -> byState.put(state, Math.round(v)));
        sample.put("rocksdbKeys", Math.round(keys.values().stream().mapToDouble(Double::doubleValue).sum()));
        sample.put("rocksdbLiveBytes", Math.round(live.values().stream().mapToDouble(Double::doubleValue).sum()));
        return sample;
    }

    /**
     * The operator and state (RocksDB column family) a native metric is about: its id is
     * {@code <operator>.<state>.rocksdb_<property>}, e.g.
     * {@code Order_by_event_time__join_registry__rules.pending-readings.rocksdb_estimate-num-keys}.
     */
    static String stateName(String metricId) {
        int property = metricId.lastIndexOf(".rocksdb_");
        return property < 0 ? metricId : metricId.substring(0, property);
    }

    /** A legend's name for a state: the state, and the operator's first two words. */
    static String shortName(String state) {
        int dot = state.indexOf('.');
        if (dot < 0) {
            return state;
        }
        String[] words = state.substring(0, dot).split("_+");
        String operator = words.length >= 2 ? words[0] + " " + words[1] : words[0];
        return state.substring(dot + 1) + " (" + operator + ")";
    }

    private ObjectNode result(ArrayNode samples, String failure) {
        ObjectNode result = Json.object();
        result.put("commandLine", "tools/bench/run.sh --soak " + duration.toMinutes() + "min");
        result.put("machine", Runtime.getRuntime().availableProcessors() + " cores, "
                + Machine.memTotalBytes() / (1L << 30) + " GiB, " + Machine.cpuModel());
        result.put("rate", rate);
        result.put("assets", assets);
        result.put("unregisteredAssets", unregistered);
        result.put("durationMinutes", duration.toMinutes());
        result.put("jobSettings", settings);
        result.put("ranThroughout", failure == null);
        if (failure != null) {
            result.put("failure", failure);
        }
        result.set("samples", samples);
        summarize(result);
        return result;
    }

    private static String line(JsonNode s) {
        return String.format(Locale.ROOT, "%5.1f min: %,7d rec/s, sent %,d, in Kafka %,d, lag %,d (source metric"
                + " %,d behind); checkpoint %d: %.1f MB full, %.1f MB"
                + " incremental, %.1f s; heap %.0f MB; RocksDB %,d keys, %.1f MB live",
                s.path("minute").asDouble(), s.path("recordsPerSecond").asLong(), s.path("sent").asLong(),
                s.path("inKafka").asLong(), s.path("lagRecords").asLong(),
                s.path("inKafka").asLong() - s.path("sourceNumRecordsOut").asLong(),
                s.path("checkpointId").asLong(), mb(s.path("checkpointFullBytes")),
                mb(s.path("checkpointIncrementalBytes")), s.path("checkpointDurationMillis").asLong() / 1000.0,
                mb(s.path("heapUsedBytes")), s.path("rocksdbKeys").asLong(), mb(s.path("rocksdbLiveBytes")));
    }

    private static double mb(JsonNode bytes) {
        return bytes.asLong() / 1e6;
    }

    /**
     * How much the bounded quantities still grew once every retention had passed: the mean over the last third of
     * the samples against the mean over the middle third (the first third is the fill-up), in percent. Single
     * samples swing with compactions and GC, means over ten minutes do not.
     */
    static void summarize(ObjectNode result) {
        List<JsonNode> samples = new ArrayList<>();
        result.path("samples").forEach(samples::add);
        ObjectNode growth = result.putObject("middleToLastThirdGrowthPercent");
        int third = samples.size() / 3;
        if (third < 1) {
            return;
        }
        for (String field : List.of("rocksdbKeys", "checkpointFullBytes", "heapUsedBytes", "lagRecords")) {
            double middle = mean(samples.subList(third, 2 * third), field);
            double last = mean(samples.subList(2 * third, samples.size()), field);
            if (middle > 0) {
                growth.put(field, Json.round(100 * (last - middle) / middle, 1));
            }
        }
    }

    private static double mean(List<JsonNode> samples, String field) {
        return samples.stream().mapToDouble(s -> s.path(field).asDouble()).average().orElse(0);
    }

    /** soak.md and soak.png from a soak's result (also {@code bench soak-report}, to redraw them from soak.json). */
    static void writeReport(JsonNode result, Path outDir) throws Exception {
        Files.writeString(outDir.resolve("soak.md"), markdown(result), StandardCharsets.UTF_8);
        chart(result, outDir.resolve("soak.png"));
    }

    private static String markdown(JsonNode r) {
        StringBuilder md = new StringBuilder();
        md.append("# Soak: the alert job under a steady load\n\n");
        md.append(String.format(Locale.ROOT, "`%s` on %s: %,d readings/s over %,d registered assets (+%d never"
                + " registered), %d min; job flags `%s`. %s%n%n", r.path("commandLine").asText(),
                r.path("machine").asText(), r.path("rate").asLong(), r.path("assets").asLong(),
                r.path("unregisteredAssets").asLong(), r.path("durationMinutes").asLong(),
                r.path("jobSettings").asText(), r.path("ranThroughout").asBoolean() ? "The job ran throughout."
                        : "**Stopped early: " + r.path("failure").asText() + "**"));
        JsonNode growth = r.path("middleToLastThirdGrowthPercent");
        if (growth.size() > 0) {
            md.append(String.format(Locale.ROOT, "Once every retention had passed (mean of the last third of the"
                    + " samples against the middle third): RocksDB keys %+.1f %%, full checkpoint size %+.1f %%,"
                    + " heap %+.1f %%, lag %+.1f %%.%n%n", growth.path("rocksdbKeys").asDouble(),
                    growth.path("checkpointFullBytes").asDouble(), growth.path("heapUsedBytes").asDouble(),
                    growth.path("lagRecords").asDouble()));
        }
        md.append("Records/s and lag: from the offsets the job commits with each checkpoint, against the topic's end"
                + " offsets. RocksDB keys: RocksDB's own estimate (`estimate-num-keys`), per state.\n\n");
        md.append("| minute | records/s | lag | checkpoint full MB | incremental MB | duration s | heap MB"
                + " | RocksDB keys | live MB | keys by state |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode s : r.path("samples")) {
            StringBuilder states = new StringBuilder();
            s.path("rocksdbKeysByState").fields().forEachRemaining(f -> {
                if (f.getValue().asLong() > 0) {
                    states.append(states.isEmpty() ? "" : ", ").append(shortName(f.getKey())).append(' ')
                            .append(String.format(Locale.ROOT, "%,d", f.getValue().asLong()));
                }
            });
            md.append(String.format(Locale.ROOT, "| %.1f | %,d | %,d | %.1f | %.1f | %.1f | %.0f | %,d | %.1f | %s |%n",
                    s.path("minute").asDouble(), s.path("recordsPerSecond").asLong(), s.path("lagRecords").asLong(),
                    mb(s.path("checkpointFullBytes")), mb(s.path("checkpointIncrementalBytes")),
                    s.path("checkpointDurationMillis").asLong() / 1000.0, mb(s.path("heapUsedBytes")),
                    s.path("rocksdbKeys").asLong(), mb(s.path("rocksdbLiveBytes")), states));
        }
        return md.toString();
    }

    private static void chart(JsonNode r, Path file) throws Exception {
        List<JsonNode> samples = new ArrayList<>();
        r.path("samples").forEach(samples::add);
        double[] x = samples.stream().mapToDouble(s -> s.path("minute").asDouble()).toArray();
        Map<String, double[]> byState = new TreeMap<>();
        for (int i = 0; i < samples.size(); i++) {
            int at = i;
            samples.get(i).path("rocksdbKeysByState").fields().forEachRemaining(f -> byState
                    .computeIfAbsent(f.getKey(), k -> new double[samples.size()])[at] = f.getValue().asDouble() / 1e3);
        }
        // the largest state (the dedupe ids) beside the total; the smaller ones on a scale of their own
        List<Map.Entry<String, double[]>> bySize = byState.entrySet().stream()
                .sorted((a, b) -> Double.compare(max(b.getValue()), max(a.getValue()))).toList();
        List<LineChart.Series> largest = new ArrayList<>();
        largest.add(new LineChart.Series("all states", x, series(samples, "rocksdbKeys", 1e3)));
        bySize.stream().limit(1).forEach(e -> largest.add(new LineChart.Series(shortName(e.getKey()), x, e.getValue())));
        List<LineChart.Series> smaller = new ArrayList<>();
        bySize.stream().skip(1).limit(5).filter(e -> max(e.getValue()) > 0)
                .forEach(e -> smaller.add(new LineChart.Series(shortName(e.getKey()), x, e.getValue())));
        double rate = r.path("rate").asDouble();
        LineChart.write(file, "Soak: the alert job at " + String.format(Locale.ROOT, "%,d", r.path("rate").asLong())
                        + " readings/s for " + r.path("durationMinutes").asLong() + " min",
                r.path("machine").asText() + "; job flags " + r.path("jobSettings").asText(), "minutes",
                List.of(new LineChart.Panel("RocksDB keys, all states (estimate)", "thousands", largest),
                        new LineChart.Panel("RocksDB keys, the smaller states (estimate)", "thousands", smaller),
                        new LineChart.Panel("Latest completed checkpoint", "MB", List.of(
                                new LineChart.Series("full size", x, series(samples, "checkpointFullBytes", 1e6)),
                                new LineChart.Series("incremental", x,
                                        series(samples, "checkpointIncrementalBytes", 1e6)))),
                        new LineChart.Panel("Checkpoint duration, lag at the last checkpoint",
                                "seconds", List.of(
                                new LineChart.Series("checkpoint duration", x,
                                        series(samples, "checkpointDurationMillis", 1e3)),
                                new LineChart.Series("lag (seconds of input)", x, series(samples, "lagRecords", rate)))),
                        new LineChart.Panel("TaskManager heap in use", "MB", List.of(
                                new LineChart.Series("heap", x, series(samples, "heapUsedBytes", 1e6)))),
                        new LineChart.Panel("Records read", "per second", List.of(
                                new LineChart.Series("records/s (committed offsets)", x,
                                        series(samples, "recordsPerSecond", 1))))));
    }

    private static double[] series(List<JsonNode> samples, String field, double divisor) {
        return samples.stream().mapToDouble(s -> s.path(field).asDouble() / divisor).toArray();
    }

    private static double max(double[] values) {
        double m = 0;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
