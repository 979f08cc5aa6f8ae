package io.assetalerts.jobs;

import static io.assetalerts.jobs.testing.Events.reading;
import static io.assetalerts.jobs.testing.Events.registration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.jobs.testing.AlertJobTopics;
import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.jobs.testing.MiniFlink;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.DeadLetter;
import io.assetalerts.udfs.config.AlertJobConfig;
import io.assetalerts.udfs.config.InvalidFlagException;
import io.assetalerts.udfs.ordering.OrderingMetrics;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 on a MiniCluster with a real broker: rules changed live from the rules topic, and savepoints under any rules. */
class LiveRulesIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniFlink FLINK = new MiniFlink();

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Instant T0 = Instant.parse("2026-01-10T10:16:00Z");

    private static List<AlertTriggered> alerts(List<ConsumerRecord<String, String>> records) {
        return records.stream()
                .map(r -> EventJson.decodeAlertTriggered(r.value().getBytes(StandardCharsets.UTF_8)).value()).toList();
    }

    private static String rule(String scope, long version, Instant effectiveFrom, String parameters) {
        return "{\"scope\":\"" + scope + "\",\"version\":" + version + ",\"effectiveFrom\":\"" + effectiveFrom + "\","
                + parameters + "}";
    }

    @Test
    void aRuleVersionPublishedWhileTheJobRunsTakesEffectExactlyAtItsEffectiveFrom() throws Exception {
        AlertJobTopics t = AlertJobTopics.create(KAFKA, 1, 1);
        KAFKA.produce(t.assets(), List.of(registration(t.assets(), "TURBINE-1", "TURBINE", "AP-Plant-7")));
        JobClient job = FLINK.track(AlertJob.start(t.args(KAFKA, "live")));
        // the readings once the job knows the asset: a held reading would wait for a tick after "progress"
        FLINK.awaitGauge(job, AlertJob.EVALUATOR, OrderingMetrics.METRIC_ASSETS_KNOWN, 1, TIMEOUT);
        KAFKA.produce(t.telemetry(), List.of(
                reading(t.telemetry(), "TURBINE-1", "hot-under-v0", T0.plusSeconds(1), 104.0),
                reading(t.telemetry(), "TURBINE-1", "cool", T0.plusSeconds(2), 80.0),
                reading(t.telemetry(), "TURBINE-1", "progress", T0.plusSeconds(10), 80.0)));
        assertThat(alerts(KAFKA.readCommittedAlerts(t.alerts(), 1, TIMEOUT))).extracting(AlertTriggered::getRuleVersion)
                .containsExactly(0L);

        // published ahead of event time (the watermark is at about T0+5s), with a bad record behind it
        KAFKA.produce(t.rules(), List.of(
                new ProducerRecord<>(t.rules(), "default", rule("default", 1, T0.plusSeconds(30),
                        "\"temperatureThreshold\":{\"critical\":90}")),
                new ProducerRecord<>(t.rules(), "type:TURBINE", rule("type:TURBINE", 1, T0,
                        "\"temperatureThreshold\":{\"critical\":80},\"sustainedOverheat\":{\"warn\":85}"))));
        // the job commits the rules topic's offsets on a checkpoint, so by then the evaluator holds version 1
        KAFKA.awaitCommitted(t.id() + "-live", t.rules(), 2, TIMEOUT);
        KAFKA.produce(t.telemetry(), List.of(
                reading(t.telemetry(), "TURBINE-1", "95-before", T0.plusSeconds(29), 95.0),
                reading(t.telemetry(), "TURBINE-1", "95-at", T0.plusSeconds(30), 95.0),
                reading(t.telemetry(), "TURBINE-1", "cool-again", T0.plusSeconds(31), 85.0),
                reading(t.telemetry(), "TURBINE-1", "tick", T0.plusSeconds(60), 20.0)));

        List<AlertTriggered> alerts = alerts(KAFKA.readCommittedAlerts(t.alerts(), 2, TIMEOUT));
        assertThat(alerts).extracting(a -> a.getEventIds().get(0), AlertTriggered::getThreshold,
                        AlertTriggered::getRuleVersion, AlertTriggered::getRuleScope)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("hot-under-v0", 100.0, 0L, "default"),
                        org.assertj.core.groups.Tuple.tuple("95-at", 90.0, 1L, "default"));
        List<DeadLetter> dlq = KAFKA.readCommitted(t.dlq(), 1, TIMEOUT).stream()
                .map(r -> EventJson.decodeDeadLetter(r.value().getBytes(StandardCharsets.UTF_8)).value()).toList();
        assertThat(dlq).singleElement().satisfies(d -> {
            assertThat(d.getReason()).isEqualTo("INVALID_RULE");
            assertThat(d.getMessage()).contains("'sustainedOverheat.warn'");
            assertThat(d.getSourceTopic()).isEqualTo(t.rules());
        });
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void aRulesTopicThatDoesNotExistStopsTheJobAtStartNamingTheFlag() {
        AlertJobTopics t = AlertJobTopics.create(KAFKA, 1, 1);
        assertThatThrownBy(() -> AlertJob.prepare(t.args(KAFKA, "missing", "--rules-topic", "no.such.rules")))
                .isInstanceOf(InvalidFlagException.class)
                .hasMessageStartingWith("--rules-topic: topic 'no.such.rules' does not exist")
                .hasMessageNotContaining("\n");
    }

    /**
     * A savepoint taken under rules with three window counts restores under rules with one, and that one's under the
     * three again, with unclaimed state refused; TURBINE-1's streak (its type kept its count) survives both.
     */
    @Test
    void aSavepointRestoresUnderRulesWithOtherWindowCountsAndKeepsOpenStreaks(@TempDir Path dir) throws Exception {
        Path threeCounts = dir.resolve("three-counts.yaml");
        Files.writeString(threeCounts, """
                assetTypes:
                  PUMP: {windows: 2}
                  COMPRESSOR: {windows: 5}
                """);
        AlertJobTopics t = AlertJobTopics.create(KAFKA, 1, 1);
        KAFKA.produce(t.assets(), List.of(registration(t.assets(), "TURBINE-1", "TURBINE", "AP-Plant-7"),
                registration(t.assets(), "PROBE-1", "TURBINE", "AP-Plant-7")));

        // minute 0 hot for TURBINE-1; PROBE-1's spike after it tells when the job has evaluated that far; written
        // once the job knows both assets (a held reading would wait for a tick of its asset after "progress-1")
        JobClient three = FLINK.track(AlertJob.start(t.args(KAFKA, "three", "--rules", threeCounts.toString())));
        FLINK.awaitGauge(three, AlertJob.EVALUATOR, OrderingMetrics.METRIC_ASSETS_KNOWN, 2, TIMEOUT);
        KAFKA.produce(t.telemetry(), List.of(
                reading(t.telemetry(), "TURBINE-1", "m0a", T0.plusSeconds(10), 94.0),
                reading(t.telemetry(), "TURBINE-1", "m0b", T0.plusSeconds(40), 96.0),
                reading(t.telemetry(), "PROBE-1", "probe-1", T0.plusSeconds(65), 120.0),
                reading(t.telemetry(), "TURBINE-1", "m1a", T0.plusSeconds(70), 95.0),
                reading(t.telemetry(), "PROBE-1", "progress-1", T0.plusSeconds(80), 20.0)));
        String first = savepointAfterAlerts(three, t, "three", 1, dir);

        KAFKA.produce(t.telemetry(), List.of(
                reading(t.telemetry(), "TURBINE-1", "m1b", T0.plusSeconds(100), 95.0),
                reading(t.telemetry(), "PROBE-1", "probe-2", T0.plusSeconds(125), 120.0),
                reading(t.telemetry(), "TURBINE-1", "m2a", T0.plusSeconds(130), 95.0),
                reading(t.telemetry(), "PROBE-1", "progress-2", T0.plusSeconds(140), 20.0)));
        String second = restoreAndSavepointAfterAlerts(t, "one", first, 2, dir, "--window-count", "3");

        KAFKA.produce(t.telemetry(), List.of(
                reading(t.telemetry(), "TURBINE-1", "m2b", T0.plusSeconds(160), 95.0),
                reading(t.telemetry(), "TURBINE-1", "tick", T0.plusSeconds(300), 20.0)));
        JobClient last = FLINK.track(restore(t, "three-again", second, "--rules", threeCounts.toString()));
        List<AlertTriggered> alerts = alerts(KAFKA.readCommittedAlerts(t.alerts(), 3, TIMEOUT));
        assertThat(alerts).filteredOn(a -> a.getRule().equals("SUSTAINED_OVERHEAT")).singleElement().satisfies(a -> {
            assertThat(a.getAssetId()).isEqualTo("TURBINE-1");
            assertThat(a.getEventIds()).containsExactly("m0a", "m0b", "m1a", "m1b", "m2a", "m2b");
        });
        last.cancel().get();
    }

    private String savepointAfterAlerts(JobClient job, AlertJobTopics t, String run, int alerts, Path dir)
            throws Exception {
        KAFKA.readCommittedAlerts(t.alerts(), alerts, TIMEOUT);
        return job.stopWithSavepoint(false, dir.resolve(run).toUri().toString(), SavepointFormatType.CANONICAL).get();
    }

    private String restoreAndSavepointAfterAlerts(AlertJobTopics t, String run, String savepoint, int alerts, Path dir,
            String... flags) throws Exception {
        JobClient job = FLINK.track(restore(t, run, savepoint, flags));
        KAFKA.readCommittedAlerts(t.alerts(), alerts, TIMEOUT);
        return job.stopWithSavepoint(false, dir.resolve(run).toUri().toString(), SavepointFormatType.CANONICAL).get();
    }

    /** The job from a savepoint, every piece of its state claimed (allowNonRestoredState off). */
    private static JobClient restore(AlertJobTopics t, String run, String savepoint, String... flags) throws Exception {
        StreamExecutionEnvironment env = AlertJob.prepare(t.args(KAFKA, run, flags));
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        restore.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        env.configure(restore);
        return env.executeAsync(AlertJobConfig.JOB_NAME);
    }
}
