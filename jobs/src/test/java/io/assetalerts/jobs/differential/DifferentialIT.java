package io.assetalerts.jobs.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.assetalerts.jobs.AlertJob;
import io.assetalerts.jobs.testing.KafkaBrokerExtension;
import io.assetalerts.schemas.AlertResolved;
import io.assetalerts.schemas.AlertTriggered;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.RuleSet;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.udfs.codec.EventJson;
import io.assetalerts.udfs.rules.RuleBook;
import io.assetalerts.udfs.rules.RuleSettings;
import io.assetalerts.udfs.rules.RuleVersions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The differential test of issue 3: random fleets, each with random rule versions published to the rules topic
 * before the job starts (issue 12), go through the real alert job (MiniCluster, real broker,
 * read_committed) at parallelism 1 and 3, and through {@link ReferenceModel}; the alert sets must be equal,
 * field for field.
 *
 * <p>Date independence: fleets are stamped from a fixed instant, so the outcome may not depend on the day, the
 * time zone or the locale the test runs in; the {@code time-travel-guard} execution in {@code jobs/pom.xml} runs
 * it again in UTC+14 with a Turkish locale.
 */
class DifferentialIT {

    private static final Logger LOG = LoggerFactory.getLogger(DifferentialIT.class);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final int ASSETS = 150;
    private static final int MINUTES = 12;
    private static final int PARTITIONS = 6;

    @ParameterizedTest(name = "fleet seed {0}")
    @ValueSource(longs = {11, 22, 33})
    void jobAndReferenceModelRaiseTheSameAlerts(long seed, @TempDir Path dir) throws Exception {
        Path rulesFile = dir.resolve("rules.yaml");
        Files.writeString(rulesFile, RandomFleet.RULES_YAML);
        RuleBook rules = RuleBook.load(rulesFile, RuleSettings.SPEC_DEFAULTS);
        RandomFleet fleet = new RandomFleet(seed, ASSETS, MINUTES, rules);

        String id = KAFKA.uniqueTopic("fleet" + seed);
        String assets = id + ".asset.events";
        String telemetry = id + ".telemetry.events";
        KAFKA.createTopic(assets, 2, Map.of("cleanup.policy", "compact"));
        KAFKA.createTopic(telemetry, PARTITIONS);
        KAFKA.createTopic(id + ".alert-job.dlq", 1);
        String rulesTopic = id + ".alert.rules";
        KAFKA.createTopic(rulesTopic, 1, Map.of("cleanup.policy", "compact"));
        List<ProducerRecord<String, String>> ruleRecords = new ArrayList<>();
        RuleVersions versions = new RuleVersions(rules);
        for (RuleSet change : fleet.ruleChanges) {
            ruleRecords.add(new ProducerRecord<>(rulesTopic, change.getScope(), utf8(EventJson.encode(change))));
            versions.apply(change.getScope(), change);
        }
        KAFKA.produce(rulesTopic, ruleRecords);

        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (AssetRegistered a : fleet.registrations) {
            records.add(new ProducerRecord<>(assets, a.getAssetId(), utf8(EventJson.encode(a))));
        }
        KAFKA.produce(assets, records);
        String tickAsset = fleet.registrations.get(0).getAssetId();
        Instant tickTime = RandomFleet.START.plus(Duration.ofMinutes(MINUTES + 60));
        records = new ArrayList<>();
        for (TelemetryReceived r : fleet.arrivals) {
            records.add(new ProducerRecord<>(telemetry, r.getAssetId(), utf8(EventJson.encode(r))));
        }
        for (int p = 0; p < PARTITIONS; p++) {
            // one far-future cool reading per partition lets event time pass the end of every window
            TelemetryReceived tick = TelemetryReceived.newBuilder().setEventId("tick-" + p).setAssetId(tickAsset)
                    .setPower(1).setTemperature(20).setTimestamp(tickTime).build();
            records.add(new ProducerRecord<>(telemetry, p, tickAsset, utf8(EventJson.encode(tick))));
        }
        KAFKA.produce(telemetry, records);

        // the ticks only move event time: as the newest readings they stay above the watermark, so the job never
        // evaluates them, and the model must not either (a cool tick would end an open episode)
        ReferenceModel.Events events = ReferenceModel.events(fleet.registrations, fleet.arrivals, versions,
                RandomFleet.SILENCE_AFTER);
        List<AlertTriggered> expected = events.alerts();
        LOG.info("fleet {}: {} assets, {} readings ({} duplicates), {} rule versions, {} expected alerts ({} sustained,"
                + " {} by a published version, {} FLAPPING, {} ASSET_SILENT), {} expected resolves ({} ASSET_SILENT)", seed,
                fleet.registrations.size(), fleet.arrivals.size(), fleet.duplicates, fleet.ruleChanges.size(),
                expected.size(), expected.stream().filter(a -> a.getRule().equals("SUSTAINED_OVERHEAT")).count(),
                expected.stream().filter(a -> a.getRuleVersion() > 0).count(),
                expected.stream().filter(a -> a.getRule().equals("FLAPPING")).count(),
                expected.stream().filter(a -> a.getRule().equals("ASSET_SILENT")).count(), events.resolved().size(),
                events.resolved().stream().filter(r -> r.getRule().equals("ASSET_SILENT")).count());
        assertThat(expected).as("the fleet exercises both rules")
                .anyMatch(a -> a.getRule().equals("SUSTAINED_OVERHEAT"))
                .anyMatch(a -> a.getRule().equals("TEMPERATURE_THRESHOLD"))
                .anyMatch(a -> a.getRuleVersion() > 0)
                .anyMatch(a -> a.getRule().equals("ASSET_SILENT") && a.getReason().contains("no reading since"));
        assertThat(events.resolved()).as("some silences end with a reading")
                .anyMatch(r -> r.getRule().equals("ASSET_SILENT"));

        for (int parallelism : new int[] {1, 3}) {
            String alerts = id + ".p" + parallelism + ".alert.events";
            KAFKA.createTopic(alerts, 3);
            JobClient job = AlertJob.start("--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--asset-topic", assets, "--telemetry-topic", telemetry, "--alert-topic", alerts,
                    "--dlq-topic", id + ".alert-job.dlq", "--rules-topic", rulesTopic, "--group-id", id + "-p" + parallelism,
                    "--transactional-id-prefix", id + "-p" + parallelism, "--rules", rulesFile.toString(),
                    "--silence-after", RandomFleet.SILENCE_AFTER.toSeconds() + "s",
                    "--starting-offsets", "earliest", "--checkpoint-interval", "1s",
                    "--parallelism", Integer.toString(parallelism));
            try {
                List<ConsumerRecord<String, String>> written = KAFKA.readCommittedEvents(alerts, expected.size(),
                        events.resolved().size(), Duration.ofMinutes(3));
                List<AlertTriggered> actual = written.stream().filter(KafkaBrokerExtension::isAlert)
                        .map(r -> EventJson.decodeAlertTriggered(r.value().getBytes(StandardCharsets.UTF_8)).value())
                        .toList();
                List<AlertResolved> resolved = written.stream().filter(r -> !KafkaBrokerExtension.isAlert(r))
                        .map(r -> EventJson.decodeAlertResolved(r.value().getBytes(StandardCharsets.UTF_8)).value())
                        .toList();
                assertThat(actual).as("alerts at parallelism %d", parallelism).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(resolved).as("resolves at parallelism %d", parallelism)
                        .containsExactlyInAnyOrderElementsOf(events.resolved());
            } finally {
                job.cancel().get();
            }
        }
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
