package io.assetalerts.jobs.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Flink standalone session cluster for a test class, started with the project's own
 * {@code tools/flink-local.sh} (JobManager and TaskManager JVMs, the project's flink-conf, Web UI and REST API on
 * free ports of 127.0.0.1), stopped after the class even when a test failed, and also by a shutdown hook if the
 * test JVM exits early. The cluster's logs are copied to {@code target/flink-local-logs/} before its directory is
 * deleted. Register it as {@code @RegisterExtension static final LocalFlinkCluster FLINK = new LocalFlinkCluster();},
 * or with {@link #withHighAvailability()} for a cluster whose JobManager keeps its jobs and checkpoints in a local
 * ZooKeeper (the script's {@code HA_ZK_PORT}), so that it can be killed and started again.
 */
public final class LocalFlinkCluster implements BeforeAllCallback, AfterAllCallback {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);
    private static final Pattern PROMETHEUS_PORT =
            Pattern.compile("Started PrometheusReporter HTTP server on port (\\d+)");

    private final boolean highAvailability;
    private Path root;
    private Path dir;
    private String testClass;
    private int restPort;
    private Duration startTime;
    private String startReport;
    private FlinkRestClient rest;
    private Thread shutdownHook;

    public LocalFlinkCluster() {
        this(false);
    }

    private LocalFlinkCluster(boolean highAvailability) {
        this.highAvailability = highAvailability;
    }

    /** A cluster with ZooKeeper high availability: ZooKeeper on a free port, the HA storage in the cluster's dir. */
    public static LocalFlinkCluster withHighAvailability() {
        return new LocalFlinkCluster(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        root = repositoryRoot();
        testClass = context.getRequiredTestClass().getSimpleName();
        dir = Files.createTempDirectory("flink-local-");
        int[] ports = freePorts(3);
        restPort = ports[0];
        shutdownHook = new Thread(this::stopQuietly, "flink-local-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        long t0 = System.nanoTime();
        Map<String, String> env = new HashMap<>(
                Map.of("REST_PORT", Integer.toString(ports[0]), "RPC_PORT", Integer.toString(ports[1])));
        if (highAvailability) {
            env.put("HA_ZK_PORT", Integer.toString(ports[2]));
        }
        List<String> output = script(START_TIMEOUT, env, "start");
        startTime = Duration.ofNanos(System.nanoTime() - t0);
        startReport = output.stream().filter(l -> l.startsWith("flink-local: JobManager pid")).findFirst().orElse("");
        rest = new FlinkRestClient("http://127.0.0.1:" + restPort);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            stop();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs anyway; stopping twice is harmless
            }
            keepLogs();
            deleteRecursively(dir);
        }
    }

    public FlinkRestClient rest() {
        return rest;
    }

    /** The cluster's directory: conf/, log/, checkpoints/, savepoints/ (see tools/flink-local.sh). */
    public Path dir() {
        return dir;
    }

    public int restPort() {
        return restPort;
    }

    /** Wall time of {@code tools/flink-local.sh start} (jars already cached), and the script's own breakdown. */
    public Duration startTime() {
        return startTime;
    }

    public String startReport() {
        return startReport;
    }

    /** Kills the TaskManager with SIGKILL, as a crash would, and returns once its process is gone. */
    public void killTaskManager() throws IOException {
        kill("taskmanager");
    }

    /** Kills the JobManager with SIGKILL, as a crash or a lost machine would, and returns once its process is gone. */
    public void killJobManager() throws IOException {
        kill("jobmanager");
    }

    /** Starts a JobManager again ({@code tools/flink-local.sh jobmanager DIR}); returns once its REST API answers. */
    public void startJobManager() throws IOException, InterruptedException {
        script(START_TIMEOUT, Map.of(), "jobmanager");
    }

    private void kill(String process) throws IOException {
        long pid = Long.parseLong(Files.readString(dir.resolve(process + ".pid")).strip());
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no " + process + " " + pid));
        handle.destroyForcibly();
        handle.onExit().orTimeout(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Starts a TaskManager again ({@code tools/flink-local.sh taskmanager DIR}). */
    public void startTaskManager() throws IOException, InterruptedException {
        script(START_TIMEOUT, Map.of(), "taskmanager");
    }

    /** The port of the TaskManager's Prometheus endpoint, from its log (the reporter takes the first free port). */
    public int taskManagerPrometheusPort() {
        try {
            Matcher m = PROMETHEUS_PORT.matcher(Files.readString(dir.resolve("log/taskmanager.log")));
            if (!m.find()) {
                throw new AssertionError("the TaskManager did not start the Prometheus reporter; see its log in "
                        + dir.resolve("log"));
            }
            return Integer.parseInt(m.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The Flink CLI against this cluster, as docs/operations.md runs it: {@code tools/flink-local.sh flink DIR ARGS}
     * (bin/flink's CliFrontend with the cluster's config). Returns its output; fails when it exits with an error.
     */
    public List<String> flink(Duration timeout, String... args) throws IOException, InterruptedException {
        return script(timeout, Map.of(), "flink", args);
    }

    /** Runs {@code tools/flink-local.sh COMMAND DIR [ARGS]} with extra environment; its output, or fails on an error. */
    private List<String> script(Duration timeout, Map<String, String> env, String scriptCommand, String... extra)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("tools/flink-local.sh").toString(),
                scriptCommand, dir.toString()));
        command.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(root.toFile());
        builder.environment().putAll(env);
        Path log = Files.createTempFile("flink-local-script-", ".log");
        try {
            Process process = builder.redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                        + ":\n" + Files.readString(log));
            }
            List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue()
                        + "):\n" + String.join("\n", output));
            }
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private void stop() throws IOException, InterruptedException {
        if (dir != null && Files.exists(dir.resolve("conf"))) {
            script(STOP_TIMEOUT, Map.of(), "stop");
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (Exception e) {
            System.err.println("could not stop the local Flink cluster in " + dir + ": " + e.getMessage());
        }
    }

    private void keepLogs() throws IOException {
        Path logs = dir.resolve("log");
        if (!Files.isDirectory(logs)) {
            return;
        }
        Path target = Path.of("target", "flink-local-logs", testClass);
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (path == null || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** The repository root: the first directory upwards from the working directory holding tools/flink-local.sh. */
    public static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("tools/flink-local.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException("no tools/flink-local.sh above " + Path.of("").toAbsolutePath());
    }

    /** Distinct free ports on 127.0.0.1 (all held open together while choosing, so they cannot coincide). */
    static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
