package io.assetalerts.tools.kafka;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process, listening on 127.0.0.1 only)
 * in a child JVM, for integration tests and the local stack. This class uses only the JDK: the broker's jars
 * come from the {@code broker.classpath} resource written at build time, so Kafka's Scala, Jackson and log4j
 * never share a classpath with the code under test.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final String DEFAULT_HEAP = "512m";
    private static final String CLASSPATH_RESOURCE = "broker.classpath";
    private static final String READY_LINE = "Kafka Server started";
    private static final String NO_LOGGING_LINE = "Defaulting to no-operation (NOP) logger";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final int TAIL_LINES = 30;
    /**
     * Extra JVM options for the broker's JVM, space-separated. The build's tests set {@code -XX:TieredStopAtLevel=1}
     * (a test broker lives for seconds, so C2 compilation is CPU spent for nothing); the local stack and the
     * benchmark leave it unset.
     */
    public static final String JVM_OPTIONS_PROPERTY = "kafka-broker.jvm-options";

    private final Process process;
    private final Path dataDir;
    private final int port;
    private int controllerPort;
    private int securedPort = -1;
    private final Thread shutdownHook;
    private volatile boolean stopping;

    private KafkaBroker(Process process, Path dataDir, int port) {
        this.process = process;
        this.dataDir = dataDir;
        this.port = port;
        this.shutdownHook = new Thread(this::stop, "kafka-broker-shutdown-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker on free ports; data and logs go to {@code dataDir}, which a later start reuses. */
    public static KafkaBroker start(Path dataDir) {
        return start(dataDir, 0, 0);
    }

    /** Starts a broker on the given ports (0 picks a free one). */
    public static KafkaBroker start(Path dataDir, int port, int controllerPort) {
        return start(dataDir, port, controllerPort, DEFAULT_HEAP);
    }

    /**
     * A second listener for secured clients: SASL_SSL with SCRAM-SHA-256, TLS from {@code keyStore} (PKCS12, the
     * broker's key and certificate), and one SCRAM user created when the data directory is formatted.
     */
    public record SaslSsl(Path keyStore, String keyStorePassword, String user, String password) {
    }

    /** Starts a broker with a PLAINTEXT listener and a SASL_SSL one ({@link #securedBootstrapServers()}). */
    public static KafkaBroker startSecured(Path dataDir, SaslSsl secured) {
        try {
            String classpath = brokerClasspath();
            int[] ports = choosePorts(0, 0);
            int securedPort;
            try (ServerSocket socket = bind(0)) {
                securedPort = socket.getLocalPort();
            }
            Path dir = Files.createDirectories(dataDir.toAbsolutePath().normalize());
            Path serverProperties = writeConfig(dir, ports[0], ports[1]);
            Files.writeString(serverProperties, secured(Files.readString(serverProperties), securedPort, secured));
            List<String> format = new ArrayList<>(formatArgs(serverProperties));
            format.addAll(List.of("--add-scram",
                    "SCRAM-SHA-256=[name=" + secured.user() + ",password=" + secured.password() + "]"));
            KafkaBroker broker = launch(dir, classpath, serverProperties, format, ports[0], DEFAULT_HEAP);
            broker.controllerPort = ports[1];
            broker.securedPort = securedPort;
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code bootstrap.servers} of the SASL_SSL listener of a broker started with {@link #startSecured}. */
    public String securedBootstrapServers() {
        if (securedPort < 0) {
            throw new IllegalStateException("this broker has no SASL_SSL listener (start it with startSecured)");
        }
        return HOST + ":" + securedPort;
    }

    private static String secured(String config, int port, SaslSsl secured) {
        return config
                .replace("listeners=PLAINTEXT://" + HOST + ":", "listeners=SASL_SSL://" + HOST + ":" + port
                        + ",PLAINTEXT://" + HOST + ":")
                .replace("listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL")
                + """
                sasl.enabled.mechanisms=SCRAM-SHA-256
                listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
                listener.name.sasl_ssl.ssl.keystore.location=%s
                listener.name.sasl_ssl.ssl.keystore.password=%s
                listener.name.sasl_ssl.ssl.keystore.type=PKCS12
                """.formatted(secured.keyStore().toAbsolutePath(), secured.keyStorePassword());
    }

    /**
     * Starts a broker with the given maximum heap ({@code -Xmx} syntax, e.g. {@code 1g}).
     *
     * @throws UncheckedIOException caused by a {@link BindException} if a requested port is taken
     * @throws IllegalStateException if the broker does not become ready; the message holds its last log lines
     */
    public static KafkaBroker start(Path dataDir, int port, int controllerPort, String heap) {
        try {
            String classpath = brokerClasspath();
            int[] ports = choosePorts(port, controllerPort);
            Path dir = Files.createDirectories(dataDir.toAbsolutePath().normalize());
            Path serverProperties = writeConfig(dir, ports[0], ports[1]);
            List<String> format = Files.exists(dir.resolve("data").resolve("meta.properties"))
                    ? List.of()
                    : formatArgs(serverProperties);
            KafkaBroker broker = launch(dir, classpath, serverProperties, format, ports[0], heap);
            broker.controllerPort = ports[1];
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:9092}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int controllerPort() {
        return controllerPort;
    }

    /**
     * Kills the broker process ({@code SIGKILL}: no controlled shutdown, as in a crash), for fault tests; {@link
     * #start(Path, int, int)} with the same directory and ports brings it back with its data.
     */
    public void kill() {
        stopping = true;
        process.destroyForcibly();
        try {
            process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Stops the broker with SIGTERM (a controlled shutdown), killing it if it has not exited after 30 s. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to run; stop() is idempotent
        }
    }

    private void stop() {
        stopping = true;
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String brokerClasspath() throws IOException {
        String classpath;
        try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + KafkaBroker.class.getPackageName().replace('.', '/')
                        + "/" + CLASSPATH_RESOURCE + " is missing: build tools/kafka-broker with Maven"
                        + " (its maven-dependency-plugin writes the broker's classpath there)");
            }
            classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        List<String> jars = Arrays.asList(classpath.split(File.pathSeparator));
        for (String jar : jars) {
            if (!Files.exists(Path.of(jar))) {
                throw new IllegalStateException("broker.classpath names " + jar
                        + ", which does not exist: rebuild tools/kafka-broker to resolve it again");
            }
        }
        if (jars.stream().noneMatch(jar -> Path.of(jar).getFileName().toString().startsWith("kafka-clients-"))) {
            throw new IllegalStateException("broker.classpath has no kafka-clients jar, so the broker cannot start;"
                + " in tools/kafka-broker/pom.xml kafka-clients must not be test-scoped (a direct test-scope"
                + " dependency takes it off the runtime classpath)");
        }
        return classpath + File.pathSeparator + ownLocation();
    }

    /** The jar or directory holding this class, so the child JVM can run {@link ChildMain}. */
    private static String ownLocation() {
        try {
            return Path.of(KafkaBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int[] choosePorts(int port, int controllerPort) throws IOException {
        // Both free ports are taken while the other socket is still open, so they cannot coincide.
        try (ServerSocket first = bind(port); ServerSocket second = bind(controllerPort)) {
            return new int[] {first.getLocalPort(), second.getLocalPort()};
        }
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return socket;
        } catch (BindException e) {
            socket.close();
            BindException clear = new BindException("port " + port + " on " + HOST + " is already in use");
            clear.initCause(e);
            throw clear;
        }
    }

    private static Path writeConfig(Path dir, int port, int controllerPort) throws IOException {
        Path serverProperties = dir.resolve("server.properties");
        Files.writeString(serverProperties, """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@%1$s:%3$d
                listeners=PLAINTEXT://%1$s:%2$d,CONTROLLER://%1$s:%3$d
                advertised.listeners=PLAINTEXT://%1$s:%2$d
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                inter.broker.listener.name=PLAINTEXT
                log.dirs=%4$s
                num.partitions=1
                auto.create.topics.enable=false
                group.initial.rebalance.delay.ms=0
                # one node: every internal topic has a single replica, and one partition is plenty
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                transaction.state.log.num.partitions=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                # transaction.max.timeout.ms stays at the stock 15 min, so tests meet what a real broker enforces
                """.formatted(HOST, port, controllerPort, dir.resolve("data")));
        Files.writeString(dir.resolve("log4j2.properties"), """
                appender.file.type = File
                appender.file.name = FILE
                appender.file.fileName = %s
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = [%%d] %%p %%m (%%c)%%n
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = FILE
                """.formatted(dir.resolve("server.log")));
        return serverProperties;
    }

    /**
     * Arguments for Kafka's storage tool to format a new data directory. transaction.version=1 because with
     * version 2 the Flink Kafka connector may report a spurious "producer fenced" error after recovery (FLINK-40689).
     */
    private static List<String> formatArgs(Path serverProperties) {
        return List.of("format", "-c", serverProperties.toString(), "-t", randomClusterId(),
                "--feature", "transaction.version=1");
    }

    /**
     * A cluster id as Kafka's {@code Uuid.randomUuid()} makes it: 16 random bytes, URL-safe base64 without padding,
     * never starting with '-' (the storage tool would read it as an option).
     */
    static String randomClusterId() {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[16];
        String id;
        do {
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        return id;
    }

    private static KafkaBroker launch(Path dir, String classpath, Path serverProperties, List<String> format,
            int port, String heap) throws IOException {
        Path serverLog = dir.resolve("server.log");
        Path brokerOut = dir.resolve("broker.out");
        // server.log is appended to across restarts: only what this run writes can say it is ready
        long logStart = Files.exists(serverLog) ? Files.size(serverLog) : 0;
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx" + heap, "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError"));
        String extra = System.getProperty(JVM_OPTIONS_PROPERTY, "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
                "-cp", classpath, ChildMain.class.getName(),
                Long.toString(ProcessHandle.current().pid()), serverProperties.toString()));
        command.addAll(format);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(brokerOut.toFile())
                .start();
        KafkaBroker broker = new KafkaBroker(process, dir, port);
        try {
            broker.awaitReady(serverLog, logStart, brokerOut);
            return broker;
        } catch (RuntimeException | Error e) {
            broker.close();
            throw e;
        }
    }

    private void awaitReady(Path serverLog, long logStart, Path brokerOut) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker in " + dataDir + " exited with code "
                        + process.exitValue() + " before it was ready" + logTails(serverLog, logStart, brokerOut));
            }
            if (contains(brokerOut, 0, NO_LOGGING_LINE)) {
                throw new IllegalStateException("the Kafka broker has no slf4j binding, so it writes no server.log;"
                        + " broker.classpath needs log4j-slf4j-impl (Kafka uses slf4j-api 1.7)"
                        + logTails(serverLog, logStart, brokerOut));
            }
            if (contains(serverLog, logStart, READY_LINE) && accepts(port)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the Kafka broker in " + dataDir + " was not ready within "
                        + START_TIMEOUT.toSeconds() + " s" + logTails(serverLog, logStart, brokerOut));
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean contains(Path file, long from, String text) {
        return read(file, from).contains(text);
    }

    private static String read(Path file, long from) {
        if (!Files.exists(file)) {
            return "";
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            channel.position(Math.min(from, channel.size()));
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The first error this run logged (its line and the exception's message below it), then the last lines. */
    private static String logTails(Path serverLog, long logStart, Path brokerOut) {
        StringBuilder report = new StringBuilder();
        List<String> log = read(serverLog, logStart).lines().toList();
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).matches("\\[[^]]*] (ERROR|FATAL) .*")) {
                report.append("\n--- first error in ").append(serverLog).append(" ---\n").append(log.get(i));
                if (i + 1 < log.size() && !log.get(i + 1).startsWith("[")) {
                    report.append('\n').append(log.get(i + 1));
                }
                break;
            }
        }
        appendTail(report, serverLog, log);
        appendTail(report, brokerOut, read(brokerOut, 0).lines().toList());
        return report.length() == 0 ? "; it wrote no log" : report.toString();
    }

    private static void appendTail(StringBuilder report, Path file, List<String> lines) {
        if (!lines.isEmpty()) {
            report.append("\n--- last lines of ").append(file).append(" ---\n")
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())));
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Runs a broker from the command line, for the local stack:
     * {@code --dir DIR [--port 9092] [--controller-port 9093] [--heap 512m]}. Stops it on Ctrl-C or SIGTERM.
     */
    public static void main(String[] args) {
        String dir = null;
        int port = 9092;
        int controllerPort = 9093;
        String heap = DEFAULT_HEAP;
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--dir" -> dir = value;
                    case "--port" -> port = Integer.parseInt(value);
                    case "--controller-port" -> controllerPort = Integer.parseInt(value);
                    case "--heap" -> heap = value;
                    default -> throw new IllegalArgumentException(args[i]);
                }
            }
            if (dir == null) {
                throw new IllegalArgumentException("--dir is required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("usage: kafka-broker --dir DIR [--port 9092] [--controller-port 9093] [--heap 512m]");
            System.exit(2);
        }
        KafkaBroker broker;
        try {
            broker = start(Path.of(dir), port, controllerPort, heap);
        } catch (UncheckedIOException e) {
            System.err.println("kafka-broker: " + e.getCause().getMessage());
            System.exit(e.getCause() instanceof BindException ? 2 : 1);
            return;
        } catch (IllegalStateException e) {
            System.err.println("kafka-broker: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.printf("kafka-broker: ready on %s (pid %d, data %s)%n",
                broker.bootstrapServers(), broker.pid(), broker.dataDir());
        try {
            int exit = broker.process.waitFor();
            if (broker.stopping) {
                return;
            }
            System.err.println("kafka-broker: the broker exited with code " + exit + "; see "
                    + broker.dataDir().resolve("server.log"));
            System.exit(1);
        } catch (InterruptedException e) {
            broker.close();
        }
    }

    /**
     * Main class of the broker JVM. It formats the storage first if asked to (in this JVM, which saves starting
     * one just for that), runs {@code kafka.Kafka}, and shuts the broker down when the JVM that started it is
     * gone, so a test JVM that is killed (no shutdown hooks run) still leaves no broker behind.
     * Arguments: the parent's pid, server.properties, then the storage tool's arguments if it must format.
     */
    static final class ChildMain {
        public static void main(String[] args) throws Throwable {
            Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(args[0]));
            if (parent.isEmpty()) {
                System.exit(1);
            }
            parent.get().onExit().thenRun(() -> System.exit(1));
            try {
                if (args.length > 2) {
                    int exit = (int) Class.forName("kafka.tools.StorageTool")
                            .getMethod("execute", String[].class, PrintStream.class)
                            .invoke(null, Arrays.copyOfRange(args, 2, args.length), System.out);
                    if (exit != 0) {
                        System.exit(exit);
                    }
                }
                Class.forName("kafka.Kafka")
                        .getMethod("main", String[].class)
                        .invoke(null, (Object) new String[] {args[1]});
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
