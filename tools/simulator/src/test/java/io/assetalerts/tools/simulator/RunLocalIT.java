package io.assetalerts.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.assetalerts.schemas.AlertTriggered;
import io.assetalerts.schemas.state.ThresholdEpisode;
import io.assetalerts.tools.simulator.TelemetryGenerator.Reading;
import io.assetalerts.udfs.rules.silence.AssetSilence;
import io.assetalerts.udfs.rules.threshold.ThresholdRule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, {@code ./run-local.sh}, run as a user would, with a seeded incident: it must
 * exit 0 after {@code --duration} and show exactly the alert the incident causes, as the job computes it
 * from the readings, and leave no process behind. Ports are free ones and the state directory is under
 * target/, so a developer's own stack on the default ports and in .local/ is never touched.
 */
@Tag("system") // mvn verify -Psystem (the root pom)
class RunLocalIT {

    private static final Path REPO = Path.of(System.getProperty("repo.root", "../..")).toAbsolutePath().normalize();
    private static final Path LOCAL_DIR =
            Path.of(System.getProperty("run-local.dir", "target/run-local-it")).toAbsolutePath().normalize();
    private static final Duration HARD_LIMIT = Duration.ofMinutes(5);
    private static final String[] SIMULATION = {"--seed", "7", "--start-time", "2026-01-10T10:15:00Z",
        "--incident", "TURBINE-101:spike:20s,TRANSFORMER-101:silent:20s", "--rate", "50", "--speedup", "10", "--assets", "48",
        "--rule-change", "type:TURBINE:10s:critical=99"};

    private Process process;

    @Test
    void showsTheAlertsOfTheSeededIncidentsAndStopsCleanlyAfterTheDuration() throws Exception {
        int kafkaPort = freePort();
        int flinkPort = freePort();
        // 80 s of alert view: the reading goes simulator -> telemetry.raw -> ingest job -> telemetry.events -> alert
        // job, two exactly-once hops that each wait for event time and a checkpoint, on a loaded 2-core machine. The
        // silence's end is due about 57 s into the view (event time 10:27:29 at 10 x); with 60 s it once came too late
        // (CI, 2026-12-02), so the view runs 20 s past it
        List<String> command = new ArrayList<>(List.of("./run-local.sh", "--no-build", "--duration", "80s",
                "--kafka-port", Integer.toString(kafkaPort), "--flink-port", Integer.toString(flinkPort)));
        command.addAll(List.of(SIMULATION));
        ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
        builder.environment().put("LOCAL_DIR", LOCAL_DIR.toString());
        builder.environment().put("KAFKA_CONTROLLER_PORT", Integer.toString(freePort()));
        builder.environment().put("FLINK_RPC_PORT", Integer.toString(freePort()));

        long start = System.nanoTime();
        process = builder.start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> readLines(process, output), "run-local-output");
        reader.start();
        boolean exited = process.waitFor(HARD_LIMIT.toSeconds(), TimeUnit.SECONDS);
        reader.join(10_000);
        System.out.printf("run-local.sh took %.1f s%n", (System.nanoTime() - start) / 1e9);

        assertThat(exited).as("run-local.sh still running after %s; output:%n%s", HARD_LIMIT,
                String.join("\n", output)).isTrue();
        assertThat(process.exitValue()).as(String.join("\n", output)).isZero();
        assertThat(output).contains("Flink Web UI: http://127.0.0.1:" + flinkPort);
        List<String> alertLines = output.stream().filter(line -> line.contains("alertId=")).toList();
        String[] expected = expectedLines();
        assertThat(alertLines).as(String.join("\n", output)).containsExactlyInAnyOrder(expected);
        // one asset's events are in one partition of alert.events, so its raise comes before its end
        assertThat(alertLines.indexOf(expected[0])).isLessThan(alertLines.indexOf(expected[1]));
        assertThat(alertLines.indexOf(expected[2])).isLessThan(alertLines.indexOf(expected[3]));
        assertThat(output).anyMatch(line -> line.startsWith("watch-alerts: first alert on screen"));
        assertThat(output).anyMatch(line -> line.contains("stopped in"));
        assertThat(livePidFiles()).as("processes left running").isEmpty();
    }

    /**
     * What the alert view must show: the threshold rule over TURBINE-101's simulated readings raises one alert, and the
     * first reading at or below the threshold after the spike ends its episode; TRANSFORMER-101 goes quiet for 12 min
     * of event time, so ASSET_SILENT is raised 10 min after its last reading and resolved by its next one (issue 13).
     */
    private static String[] expectedLines() {
        String[] threshold = thresholdLines();
        String[] silence = silenceLines();
        return new String[] {threshold[0], threshold[1], silence[0], silence[1]};
    }

    /** The simulator's settings for {@link #SIMULATION}, as run-local.sh passes it on. */
    private static SimulatorConfig simulation() {
        List<String> flags = new ArrayList<>(List.of("--bootstrap-servers", "unused"));
        flags.addAll(List.of(SIMULATION));
        return SimulatorConfig.fromArgs(flags.toArray(String[]::new));
    }

    private static String[] silenceLines() {
        TelemetryGenerator generator = new TelemetryGenerator(simulation().generator());
        long silenceAfter = io.assetalerts.udfs.config.AlertJobConfig.DEFAULT_SILENCE_AFTER.toMillis();
        var rules = new io.assetalerts.contracts.rules.RuleVersions(io.assetalerts.contracts.rules.RuleBook.of(
                io.assetalerts.contracts.rules.RuleSettings.SPEC_DEFAULTS));
        Reading last = null;
        for (int i = 0; i < 100_000; i++) {
            Reading reading = generator.next();
            if (!reading.asset().assetId().equals("TRANSFORMER-101") || reading.silenced()) {
                continue;
            }
            long at = reading.timestamp().toEpochMilli();
            if (last != null && at - last.timestamp().toEpochMilli() > silenceAfter) {
                long lastAt = last.timestamp().toEpochMilli();
                var asset = new io.assetalerts.schemas.state.KnownAsset(reading.asset().assetType(),
                        reading.asset().location(), lastAt);
                var rule = rules.silence("TRANSFORMER-101", asset.getAssetType(), lastAt + silenceAfter);
                return new String[] {
                    AlertLine.format(AssetSilence.alert("TRANSFORMER-101", asset, lastAt, false, silenceAfter, rule)),
                    AlertLine.format(AssetSilence.end("TRANSFORMER-101", asset, lastAt + silenceAfter, at,
                            rule.version(), rule.scope()))};
            }
            last = reading;
        }
        throw new AssertionError("the simulation has no silence of TRANSFORMER-101");
    }

    private static String[] thresholdLines() {
        SimulatorConfig simulation = simulation();
        TelemetryGenerator generator = new TelemetryGenerator(simulation.generator());
        // the rule change the simulator published, as the job applies it: TURBINE's threshold is 99 from 10 s on
        var rules = new io.assetalerts.contracts.rules.RuleVersions(io.assetalerts.contracts.rules.RuleBook.of(
                io.assetalerts.contracts.rules.RuleSettings.SPEC_DEFAULTS));
        simulation.ruleChanges().forEach(r -> rules.apply(r.getScope(), r));
        ThresholdEpisode episode = null;
        AlertTriggered alert = null;
        for (int i = 0; i < 10_000; i++) {
            Reading reading = generator.next();
            if (reading.asset().assetId().equals("TURBINE-101")) {
                ThresholdRule.Step step = ThresholdRule.apply(episode, reading.toEvent(),
                        reading.asset().assetType(), reading.asset().location(), rules.threshold(
                                reading.asset().assetId(), reading.asset().assetType(),
                                reading.toEvent().getTimestamp().toEpochMilli()));
                if (step.alert() != null) {
                    alert = step.alert();
                }
                if (step.resolved() != null) {
                    return new String[] {AlertLine.format(alert), AlertLine.format(step.resolved())};
                }
                episode = step.next();
            }
        }
        throw new AssertionError("the simulation raises and ends no TEMPERATURE_THRESHOLD alert for TURBINE-101");
    }

    private static void readLines(Process process, List<String> output) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                System.out.println("run-local> " + line);
                output.add(line);
            }
        } catch (IOException e) {
            output.add("(reading the output failed: " + e + ")");
        }
    }

    /** Pid files of run-local.sh (pids/) and of the Flink cluster (flink/) whose process still runs. */
    private static List<String> livePidFiles() throws IOException {
        List<String> live = new ArrayList<>();
        for (Path dir : List.of(LOCAL_DIR.resolve("pids"), LOCAL_DIR.resolve("flink"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                    long pid = Long.parseLong(Files.readString(file).strip());
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        live.add(file + " (pid " + pid + ")");
                    }
                }
            }
        }
        return live;
    }

    /** If the test failed half-way: SIGTERM makes run-local.sh stop what it started; then nothing may remain. */
    @AfterEach
    void stopEverything() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        for (String leftover : livePidFiles()) {
            long pid = Long.parseLong(leftover.replaceAll(".*\\(pid (\\d+)\\)$", "$1"));
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
