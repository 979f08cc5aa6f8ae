package io.assetalerts.jobs.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import io.assetalerts.jobs.AlertJob;
import io.assetalerts.jobs.JobEnvironment;
import io.assetalerts.jobs.testing.CollectingSink;
import io.assetalerts.jobs.testing.InMemorySource;
import io.assetalerts.jobs.testing.MiniFlink;
import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.schemas.RuleSet;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.schemas.state.AlertEvent;
import io.assetalerts.schemas.state.Inbound;
import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.udfs.config.AlertJobConfig;
import io.assetalerts.udfs.kafka.InboundDeserializer.Contract;
import io.assetalerts.udfs.kafka.InboundDeserializer;
import io.assetalerts.contracts.rules.RuleBook;
import io.assetalerts.contracts.codec.RuleRecords;
import io.assetalerts.contracts.rules.RuleSettings;
import io.assetalerts.udfs.rules.RuleSnapshot;
import io.assetalerts.contracts.rules.RuleVersions;
import io.assetalerts.udfs.types.AvroType;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential test (issue 3) through the job's seam (issue 11): {@link #FLEETS} random fleets, each with
 * random rule versions published before the job starts, go through the alert job's whole pipeline
 * ({@link AlertJob#buildPipeline}) on a MiniCluster with RocksDB and exactly-once checkpoints every second, and
 * through {@link ReferenceModel}; the alerts and resolves must be equal, field for field, each once. It runs at
 * parallelism 1 ({@link DifferentialPipelineP1IT}) and 3 ({@link DifferentialPipelineP3IT}), two classes so that
 * two test JVMs share the runs.
 *
 * <p>The sources are {@link InMemorySource}s holding what the Kafka sources would read: each record is encoded as
 * the JSON of SPEC 3, put in the partition Kafka's default partitioner would choose for its key, and decoded by the
 * job's own {@link InboundDeserializer} with its partition and offset. The sinks collect the job's alerts as the
 * Kafka sink would get them; the test knows it has them all when every sink subtask's watermark has passed the
 * last reading (one far-future tick per partition moves event time there, as in the Kafka runs). What only a broker
 * shows (exactly-once under kills, transactions, offsets, the rules topic read at submission) stays in the Kafka ITs.
 *
 * <p>Date independence: fleets are stamped from a fixed instant, and every IT runs in UTC+14 with a Turkish locale
 * (the failsafe {@code argLine} in {@code jobs/pom.xml}).
 */
abstract class DifferentialPipeline {

    /** Fleets per parallelism and build; the seeds are 1 to FLEETS, the same every build. */
    static final int FLEETS = 50;
    private static final int ASSETS = 150;
    private static final int MINUTES = 12;
    private static final int PARTITIONS = 6;
    private static final int ASSET_PARTITIONS = 2;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Instant TICK_TIME = RandomFleet.START.plus(Duration.ofMinutes(MINUTES + 60));

    private static final List<String> RULES_SEEN = new ArrayList<>();
    private static final java.util.concurrent.atomic.AtomicLong COMPARED = new java.util.concurrent.atomic.AtomicLong();

    private final int parallelism;

    DifferentialPipeline(int parallelism) {
        this.parallelism = parallelism;
    }

    /** The MiniCluster of the concrete class (one per class, started once for its 50 runs). */
    abstract MiniFlink flink();

    /** Seeds 1 to {@link #FLEETS}, or the comma-separated {@code -Ddifferential.seeds} to rerun some of them. */
    static Stream<Long> seeds() {
        String seeds = System.getProperty("differential.seeds", "");
        return seeds.isBlank() ? LongStream.rangeClosed(1, FLEETS).boxed()
                : Stream.of(seeds.split(",")).map(String::trim).map(Long::valueOf);
    }

    @BeforeAll
    static void noRulesSeenYet() {
        RULES_SEEN.clear();
        COMPARED.set(0);
    }

    @ParameterizedTest(name = "fleet seed {0}")
    @MethodSource("io.assetalerts.jobs.differential.DifferentialPipeline#seeds")
    void jobAndReferenceModelRaiseTheSameAlerts(long seed, @TempDir Path dir) throws Exception {
        Path rulesFile = dir.resolve("rules.yaml");
        Files.writeString(rulesFile, RandomFleet.RULES_YAML);
        RuleBook rules = RuleBook.load(rulesFile, RuleSettings.SPEC_DEFAULTS);
        RandomFleet fleet = new RandomFleet(seed, ASSETS, MINUTES, rules);

        RuleVersions versions = new RuleVersions(rules);
        List<ConsumerRecord<byte[], byte[]>> ruleRecords = new ArrayList<>();
        for (RuleSet change : fleet.ruleChanges) {
            ruleRecords.add(record("alert.rules", 0, ruleRecords.size(), change.getScope(), EventJson.encode(change)));
            versions.apply(change.getScope(), change);
        }
        ReferenceModel.Events expected = ReferenceModel.events(fleet.registrations, fleet.arrivals, versions,
                RandomFleet.SILENCE_AFTER);
        expected.alerts().forEach(a -> RULES_SEEN.add(a.getRule() + (a.getRuleVersion() > 0 ? "+version" : "")));

        AlertJobConfig config = AlertJobConfig.fromArgs("--bootstrap-servers", "in-memory:9092",
                "--rules", rulesFile.toString(), "--silence-after", RandomFleet.SILENCE_AFTER.toSeconds() + "s",
                "--checkpoint-interval", "1s", "--parallelism", Integer.toString(parallelism));
        StreamExecutionEnvironment env = JobEnvironment.create(config.job());
        CollectingSink<AlertEvent> alerts = CollectingSink.create();
        CollectingSink<DeadLetter> deadLetters = CollectingSink.create();
        List<InMemorySource<Inbound>> sources = List.of(
                source(Contract.ASSET_REGISTERED, registrations(fleet), config),
                source(Contract.ASSET_REGISTERED, registrations(fleet), config),
                source(Contract.RULE_SET, List.of(ruleRecords), config),
                source(Contract.TELEMETRY_RECEIVED, telemetry(fleet), config));
        AlertJob.buildPipeline(env, config, sources.get(0), sources.get(1), sources.get(2), snapshot(ruleRecords),
                sources.get(3), alerts, deadLetters);
        JobClient job = env.executeAsync("differential fleet " + seed + " p" + parallelism);
        flink().track(job);
        try {
            // every alert and resolve is due once event time has passed the last reading: the ticks take it there
            long lastWatermark = TICK_TIME.minus(config.job().outOfOrderness()).toEpochMilli() - 1;
            alerts.awaitWatermark(parallelism, lastWatermark, TIMEOUT);
            deadLetters.awaitWatermark(parallelism, lastWatermark, TIMEOUT);
            List<AlertTriggered> triggered = new ArrayList<>();
            List<AlertResolved> resolved = new ArrayList<>();
            for (AlertEvent event : alerts.values()) {
                // through the sink's JSON and back, as a consumer of alert.events reads them
                if (event.getTriggered() != null) {
                    triggered.add(EventJson.decodeAlertTriggered(EventJson.encode(event.getTriggered())).value());
                } else {
                    resolved.add(EventJson.decodeAlertResolved(EventJson.encode(event.getResolved())).value());
                }
            }
            assertThat(triggered).as("alerts of fleet %d at parallelism %d", seed, parallelism)
                    .containsExactlyInAnyOrderElementsOf(expected.alerts());
            assertThat(resolved).as("resolves of fleet %d at parallelism %d", seed, parallelism)
                    .containsExactlyInAnyOrderElementsOf(expected.resolved());
            COMPARED.addAndGet(triggered.size() + resolved.size());
            assertThat(deadLetters.values()).as("dead letters of fleet %d: each unregistered asset's reading once", seed)
                    .hasSize(fleet.unregisteredReadings()).allMatch(d -> d.getReason().equals("UNKNOWN_ASSET"));
        } finally {
            flink().cancelJobs(); // before its sources forget their records
            alerts.clear();
            deadLetters.clear();
            sources.forEach(InMemorySource::clear);
        }
    }

    /** Across the fleets, every kind of alert is exercised; a generator that stopped making one fails here. */
    @AfterAll
    static void theFleetsExerciseEveryRule() {
        System.out.printf("[differential] %d alerts and resolves equal to the model's, field for field%n",
                COMPARED.get());
        if (!RULES_SEEN.isEmpty()) {
            assertThat(RULES_SEEN).contains("SUSTAINED_OVERHEAT", "TEMPERATURE_THRESHOLD", "ASSET_SILENT",
                    "TEMPERATURE_THRESHOLD+version");
        }
    }

    private static List<List<ConsumerRecord<byte[], byte[]>>> registrations(RandomFleet fleet) {
        List<List<ConsumerRecord<byte[], byte[]>>> partitions = partitions(ASSET_PARTITIONS);
        for (AssetRegistered a : fleet.registrations) {
            add(partitions, "asset.events", a.getAssetId(), EventJson.encode(a));
        }
        return partitions;
    }

    private static List<List<ConsumerRecord<byte[], byte[]>>> telemetry(RandomFleet fleet) {
        List<List<ConsumerRecord<byte[], byte[]>>> partitions = partitions(PARTITIONS);
        for (TelemetryReceived r : fleet.arrivals) {
            add(partitions, "telemetry.events", r.getAssetId(), EventJson.encode(r));
        }
        String tickAsset = fleet.registrations.get(0).getAssetId();
        for (int p = 0; p < PARTITIONS; p++) {
            // one far-future cool reading per partition lets event time pass the end of every window; as the newest
            // readings the ticks stay above the watermark, so neither the job nor the model evaluates them
            TelemetryReceived tick = TelemetryReceived.newBuilder().setEventId("tick-" + p).setAssetId(tickAsset)
                    .setPower(1).setTemperature(20).setTimestamp(TICK_TIME).build();
            List<ConsumerRecord<byte[], byte[]>> partition = partitions.get(p);
            partition.add(record("telemetry.events", p, partition.size(), tickAsset, EventJson.encode(tick)));
        }
        return partitions;
    }

    private static List<List<ConsumerRecord<byte[], byte[]>>> partitions(int count) {
        List<List<ConsumerRecord<byte[], byte[]>>> partitions = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            partitions.add(new ArrayList<>());
        }
        return partitions;
    }

    /** Appends a record to the partition Kafka's default partitioner picks for its key (murmur2 of the key bytes). */
    private static void add(List<List<ConsumerRecord<byte[], byte[]>>> partitions, String topic, String key,
            byte[] value) {
        int p = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions.size();
        List<ConsumerRecord<byte[], byte[]>> partition = partitions.get(p);
        partition.add(record(topic, p, partition.size(), key, value));
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset, String key,
            byte[] value) {
        return new ConsumerRecord<>(topic, partition, offset, key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** The partitions' records as the job's Kafka source would emit them, decoded by the job's own deserializer. */
    private static InMemorySource<Inbound> source(Contract contract,
            List<List<ConsumerRecord<byte[], byte[]>>> partitions, AlertJobConfig config) {
        InboundDeserializer deserializer = new InboundDeserializer(contract, AlertJobConfig.JOB_NAME,
                config.job().maxFutureSkew());
        Function<ConsumerRecord<byte[], byte[]>, Inbound> decode = record -> {
            List<Inbound> out = new ArrayList<>();
            deserializer.deserialize(record, new ListCollector<>(out));
            return out.get(0);
        };
        return InMemorySource.of(partitions.stream().map(p -> p.stream().map(decode).toList()).toList(),
                AvroType.forRecord(Inbound.class));
    }

    /** The rules topic as the job reads it at submission: every change, and the end offset it read to. */
    private static RuleSnapshot snapshot(List<ConsumerRecord<byte[], byte[]>> ruleRecords) {
        return new RuleSnapshot(ruleRecords.stream()
                .map(r -> RuleRecords.decode(r.key(), r.value(), r.partition(), r.offset()).value()).toList(),
                java.util.Map.of(0, (long) ruleRecords.size()));
    }
}
