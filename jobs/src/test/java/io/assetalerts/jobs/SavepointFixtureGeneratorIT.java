package io.assetalerts.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.jobs.testing.MiniFlink;
import io.assetalerts.jobs.testing.SavepointFixture;
import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.CommonTestUtils;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes a savepoint fixture of the current alert job into {@code src/test/resources/savepoints/NAME/}: runs the
 * {@link SavepointFixture} scenario on a MiniCluster against a real broker and stops the job with a (canonical)
 * savepoint. Skipped unless asked for; see "Savepoint fixtures" in docs/operations.md:
 * {@code mvn -pl jobs verify -Dit.test=SavepointFixtureGeneratorIT -Dsavepoint.fixture=alert-job-v2}.
 */
@EnabledIfSystemProperty(named = "savepoint.fixture", matches = "[a-z0-9][a-z0-9.-]*",
        disabledReason = "writes a savepoint fixture only when run with -Dsavepoint.fixture=NAME")
class SavepointFixtureGeneratorIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniFlink FLINK = new MiniFlink();

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final long MAX_FIXTURE_BYTES = 256 * 1024;

    @Test
    void writesASavepointOfTheScenario(@InjectMiniCluster MiniCluster cluster, @TempDir Path tmp) throws Exception {
        SavepointFixture fixture = new SavepointFixture(System.getProperty("savepoint.fixture"));
        Path target = Path.of("src", "test", "resources", "savepoints", fixture.name());
        assertThat(target).as("a fixture is never overwritten: add one under a new name").doesNotExist();

        fixture.createTopics(KAFKA);
        KAFKA.produce(fixture.assets(), fixture.registrationsBefore());
        KAFKA.produce(fixture.telemetry(), fixture.readingsBefore());
        JobClient job = FLINK.track(AlertJob.start(fixture.args(KAFKA, 1)));

        List<String> alerts = KAFKA.readCommittedAlerts(fixture.alerts(), 2, TIMEOUT).stream()
                .map(r -> EventJson.decodeAlertTriggered(r.value().getBytes(StandardCharsets.UTF_8)).value())
                .map(AlertTriggered::getEventIds).map(Object::toString).toList();
        assertThat(alerts).containsExactly("[t7-1]", "[p3-1]");
        // everything was read and alerted on; two more (empty) checkpoints make sure no transaction of the sinks
        // holds records at the savepoint, which a restore on another broker could not commit
        CommonTestUtils.waitForNewCheckpoint(job.getJobID(), cluster);
        CommonTestUtils.waitForNewCheckpoint(job.getJobID(), cluster);
        String savepoint = job.stopWithSavepoint(false, tmp.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        Path source = Path.of(URI.create(savepoint));
        Files.createDirectories(target);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path copy = target.resolve(source.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
        }
        fixture.writeProperties(target, KAFKA, jobVersion(), EnvironmentInformation.getVersion());
        long bytes;
        try (Stream<Path> files = Files.walk(target)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        System.out.printf("[savepoint-fixture] wrote %s: %d bytes%n", target.toAbsolutePath(), bytes);
        assertThat(bytes).as("fixture size").isLessThan(MAX_FIXTURE_BYTES);
    }

    /** The version of the job jar this build made (target/alert-job-VERSION.jar), for the fixture's record. */
    private static String jobVersion() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.matches("alert-job-.+\\.jar"))
                    .map(f -> f.substring("alert-job-".length(), f.length() - ".jar".length()))
                    .findFirst().orElse("unknown");
        }
    }
}
