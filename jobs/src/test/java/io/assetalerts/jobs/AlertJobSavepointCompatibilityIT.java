package io.assetalerts.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.Properties;
import java.util.stream.Stream;

import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.jobs.testing.MiniFlink;
import io.assetalerts.jobs.testing.SavepointFixture;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.udfs.config.AlertJobConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The savepoint promise of SPEC 7 against committed history: every fixture under
 * {@code src/test/resources/savepoints/} (a savepoint written by an earlier version of the alert job, see
 * {@link SavepointFixtureGeneratorIT}) must restore into the current job, through the job's own
 * {@link AlertJob#prepare} path, at another parallelism (fixtures are taken at 1, restored at 2), and the restored
 * state must behave: an open breach episode does not alert again, a seen eventId is still dropped, a re-armed asset
 * alerts, the asset registry is known without any registration being read again.
 *
 * <p>Date independence: the fixtures were written on fixed days and their readings are stamped in January 2026;
 * nothing the job decides may depend on how long ago that was. Dedupe is kept in event time (the v1 fixture's
 * processing-time TTL entries are migrated and honoured), and the only wall-clock check on the data path,
 * {@code --max-future-skew}, only rejects readings ahead of the clock. The jobs module runs this test a second
 * time with another default time zone and locale (the {@code time-travel-guard} execution in {@code jobs/pom.xml}).
 */
class AlertJobSavepointCompatibilityIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniFlink FLINK = new MiniFlink();

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    static Stream<String> fixtures() throws Exception {
        try (Stream<Path> dirs = Files.list(fixturesRoot())) {
            List<String> names = dirs.filter(d -> Files.exists(d.resolve(SavepointFixture.PROPERTIES)))
                    .map(d -> d.getFileName().toString()).sorted().toList();
            assertThat(names).as("savepoint fixtures in src/test/resources/savepoints").isNotEmpty();
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void restoresEpisodesDedupeAndRegistryFromTheFixture(String name) throws Exception {
        Path dir = fixturesRoot().resolve(name);
        Properties recorded = SavepointFixture.readProperties(dir);
        SavepointFixture fixture = new SavepointFixture(name);
        fixture.createTopics(KAFKA);
        fixture.padTelemetryToRestoredOffsets(KAFKA, recorded);
        // The asset topic is left empty below the restored offset: the registration lands at an offset before it,
        // the restored position is then past the partition's end, and the consumer resets to earliest (the
        // source's reset strategy for --starting-offsets earliest and committed) and reads it.
        assertThat(fixture.restoredAssetOffset(recorded)).isGreaterThan(fixture.registrationsAfter().size());
        KAFKA.produce(fixture.assets(), fixture.registrationsAfter());
        KAFKA.produce(fixture.telemetry(), fixture.readingsAfter());

        StreamExecutionEnvironment env = AlertJob.prepare(fixture.args(KAFKA, 2));
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, dir.toUri().toString());
        restore.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        env.configure(restore);
        JobClient job = env.executeAsync(AlertJobConfig.JOB_NAME);
        FLINK.track(job);
        // in any order: at parallelism 2 the alerts of different assets come from different subtasks
        var written = KAFKA.readCommittedEvents(fixture.alerts(), 3, 1, TIMEOUT);
        List<AlertTriggered> alerts = written.stream().filter(KafkaBrokerExtension::isAlert)
                .map(r -> EventJson.decodeAlertTriggered(r.value().getBytes(StandardCharsets.UTF_8)).value())
                .toList();
        // the episode open in the savepoint (TURBINE-7 since t7-1) ends at t7-4 with the id of its alert
        assertThat(written.stream().filter(r -> !KafkaBrokerExtension.isAlert(r))
                .map(r -> EventJson.decodeAlertResolved(r.value().getBytes(StandardCharsets.UTF_8)).value()))
                .singleElement().satisfies(r -> {
                    assertThat(r.getAlertId()).isEqualTo(io.assetalerts.contracts.codec.AlertIds.of("TURBINE-7",
                            "TEMPERATURE_THRESHOLD", SavepointFixture.T0.plusSeconds(1).toEpochMilli()));
                    assertThat(r.getTimestamp()).isEqualTo(SavepointFixture.T0.plusSeconds(90));
                    if (Set.of("alert-job-v1", "alert-job-v2").contains(name)) {
                        assertThat(r.getPeakTemperature()).as("the state of those releases has no peak").isNull();
                    } else {
                        assertThat(r.getPeakTemperature()).as("t7-1, t7-2, t7-3").isEqualTo(113.0);
                    }
                });
        assertThat(alerts).extracting(a -> a.getAssetId() + " " + a.getEventIds() + " " + a.getAssetType()
                        + "@" + a.getLocation())
                .containsExactlyInAnyOrder("PUMP-3 [p3-3] PUMP@Plant-B", "TURBINE-7 [t7-5] TURBINE@Plant-A",
                        "NEW-1 [n1-1] TURBINE@Plant-9");
        assertThat(alerts).allSatisfy(a -> assertThat(a.getRule()).isEqualTo("TEMPERATURE_THRESHOLD"));
        // no filler was read (the restored offsets held) and no reading was late
        assertThat(KAFKA.readCommitted(fixture.dlq(), 0, Duration.ofSeconds(1))).isEmpty();
    }

    private static Path fixturesRoot() throws URISyntaxException {
        URL root = AlertJobSavepointCompatibilityIT.class.getClassLoader().getResource("savepoints");
        assertThat(root).as("src/test/resources/savepoints on the test classpath").isNotNull();
        return Path.of(root.toURI());
    }
}
