package io.assetalerts.jobs.perf;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.assetalerts.jobs.AlertJob;
import io.assetalerts.jobs.JobEnvironment;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.Inbound;
import io.assetalerts.schemas.state.Reading;
import io.assetalerts.udfs.config.AlertJobConfig;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * A profiling aid, not a test: the alert job's pipeline ({@link AlertJob#buildPipeline}) on a local environment
 * with generated in-memory sources and discarding sinks, RocksDB and checkpoints on, so the operators' cost can be
 * measured without Kafka. {@code java -cp ... InMemoryThroughput READINGS ASSETS PARALLELISM [KEY=VALUE ...]}: each
 * KEY=VALUE is one more Flink option for the run (an A/B of a RocksDB option, say).
 */
public final class InMemoryThroughput {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    public static void main(String[] args) throws Exception {
        long readings = Long.parseLong(args[0]);
        int assets = Integer.parseInt(args[1]);
        int parallelism = Integer.parseInt(args[2]);
        AlertJobConfig config = AlertJobConfig.fromArgs("--bootstrap-servers", "unused:9092",
                "--parallelism", Integer.toString(parallelism), "--checkpoint-interval", "10s",
                "--out-of-orderness", System.getProperty("outOfOrderness", "5s"));
        StreamExecutionEnvironment env = JobEnvironment.create(config.job());
        Map<String, String> extra = new LinkedHashMap<>();
        for (String option : Arrays.asList(args).subList(3, args.length)) {
            String[] kv = option.split("=", 2);
            extra.put(kv[0], kv[1]);
        }
        // checkpoints in files: past about 1,000,000 readings dedupe's state outgrows the JobManager's 5 MB default
        extra.putIfAbsent("execution.checkpointing.storage", "filesystem");
        extra.putIfAbsent("execution.checkpointing.dir",
                java.nio.file.Files.createTempDirectory("in-memory-throughput").toUri().toString());
        env.configure(Configuration.fromMap(extra));
        DataGeneratorSource<Inbound> registrations = new DataGeneratorSource<>(i -> Inbound.newBuilder()
                .setAsset(AssetRegistered.newBuilder().setEventId("reg-" + i).setAssetId("A-" + i)
                        .setAssetType(i % 3 == 0 ? "PUMP" : "TURBINE").setLocation("Plant-" + (i % 7))
                        .setTimestamp(Instant.ofEpochMilli(T0)).build()).build(),
                assets, AvroType.forRecord(Inbound.class));
        long perSplit = (readings + parallelism - 1) / parallelism;
        DataGeneratorSource<Inbound> telemetry = new DataGeneratorSource<>(
                i -> reading(i, perSplit, assets, parallelism), readings, AvroType.forRecord(Inbound.class));
        Sink<io.assetalerts.schemas.state.AlertEvent> alerts = new DiscardingSink<>();
        Sink<io.assetalerts.schemas.DeadLetter> dlq = new DiscardingSink<>();
        DataGeneratorSource<Inbound> noRuleChanges = new DataGeneratorSource<>(
                i -> Inbound.newBuilder().build(), 0, AvroType.forRecord(Inbound.class));
        AlertJob.buildPipeline(env, config, registrations, registrations, noRuleChanges, io.assetalerts.udfs.rules.RuleSnapshot.EMPTY,
                telemetry, alerts, dlq);
        long start = System.nanoTime();
        env.execute("in-memory throughput");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("[throughput] %d readings, %d assets, p=%d %s: %.1f s, %.0f readings/s%n", readings, assets,
                parallelism, extra, seconds, readings / seconds);
    }

    /**
     * Reading i. The generator gives each parallel split a contiguous range of i; each split gets its own share of
     * the assets, all starting at the same event time, one reading per asset per second; some spikes and hot
     * stretches.
     */
    static Inbound reading(long i, long perSplit, int assets, int splits) {
        long split = i / perSplit;
        long j = i % perSplit;
        long assetsPerSplit = Math.max(1, assets / splits);
        long asset = (j % assetsPerSplit) * splits + split;
        long second = j / assetsPerSplit;
        double temperature = 70 + (i * 7919 % 13);
        if ((second + asset) % 600 < 240 && asset % 10 == 0) {
            temperature = 95;
        }
        if ((i * 31 + asset) % 997 == 0) {
            temperature = 105;
        }
        TelemetryReceived event = TelemetryReceived.newBuilder()
                .setEventId(new UUID(asset, second).toString()).setAssetId("A-" + asset)
                .setPower(80).setTemperature(temperature).setTimestamp(Instant.ofEpochMilli(T0 + second * 1000))
                .build();
        return Inbound.newBuilder().setReading(new Reading(event, (int) (asset % 12), i, false, null, null, null)).build();
    }
}
