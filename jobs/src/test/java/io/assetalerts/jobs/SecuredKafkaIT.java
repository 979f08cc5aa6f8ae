package io.assetalerts.jobs;

import static io.assetalerts.jobs.testing.Events.reading;
import static io.assetalerts.jobs.testing.Events.registration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.assetalerts.contracts.codec.EventJson;
import io.assetalerts.jobs.testing.AlertJobTopics;
import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.jobs.testing.MiniFlink;
import io.assetalerts.tools.kafka.KafkaBroker;
import io.assetalerts.udfs.ordering.OrderingMetrics;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, secured Kafka: the alert job against a real broker's SASL_SSL listener (SCRAM-SHA-256 over TLS, with a
 * key pair and certificate made for this test), its secrets given only as Kafka config-provider references
 * ({@code ${file:...}}), never as values on the command line. It must alert, and neither secret may appear in a log
 * file, a REST response of the JobManager (job config, plan, exceptions, the JobManager's config) or the exception of
 * a submission with a wrong password. The listeners are bound to 127.0.0.1.
 */
class SecuredKafkaIT {

    private static final Tls TLS = Tls.create();
    private static final String USER = "alert-job";
    private static final String PASSWORD = "scram-" + UUID.randomUUID();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(
            new KafkaBroker.SaslSsl(TLS.keyStore(), TLS.keyStorePassword(), USER, PASSWORD));

    @RegisterExtension
    static final MiniFlink FLINK = new MiniFlink(2);

    private static final Instant T0 = Instant.parse("2026-01-10T10:16:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @Test
    void theJobAlertsOverSaslSslAndItsSecretsAppearNowhere(@InjectMiniCluster MiniCluster cluster) throws Exception {
        AlertJobTopics t = AlertJobTopics.create(KAFKA, 1, 1);
        Path secrets = secrets(PASSWORD);
        KAFKA.produce(t.assets(), List.of(registration(t.assets(), "TURBINE-101", "TURBINE", "AP-Plant-7")));

        String[] args = args(t, "secured", secrets);
        assertThat(String.join(" ", args)).as("the command line").doesNotContain(PASSWORD, TLS.password());
        JobClient job = AlertJob.start(args);
        FLINK.track(job);
        // the readings only once the job knows the asset ("tick", the last reading, would release a held one)
        FLINK.awaitGauge(job, AlertJob.EVALUATOR, OrderingMetrics.METRIC_ASSETS_KNOWN, 1, TIMEOUT);
        KAFKA.produce(t.telemetry(), List.of(reading(t.telemetry(), "TURBINE-101", "hot", T0, 104.7),
                reading(t.telemetry(), "TURBINE-101", "tick", T0.plusSeconds(30), 70.0)));
        var alerts = KAFKA.readCommittedAlerts(t.alerts(), 1, TIMEOUT);
        assertThat(alerts).singleElement().satisfies(r -> assertThat(
                EventJson.decodeAlertTriggered(r.value().getBytes(StandardCharsets.UTF_8)).value().getEventIds())
                .containsExactly("hot"));

        URI rest = cluster.getRestAddress().get();
        String id = job.getJobID().toString();
        for (String path : List.of("/jobs/" + id + "/config", "/jobs/" + id + "/plan", "/jobs/" + id,
                "/jobs/" + id + "/exceptions", "/jobmanager/config", "/jobmanager/environment")) {
            String body = get(rest, path);
            assertThat(body).as("GET %s", path).isNotEmpty().doesNotContain(PASSWORD, TLS.password());
        }
        FLINK.cancelJobs();

        String wrong = "wrong-" + UUID.randomUUID();
        Throwable refused = catchThrowable(() -> AlertJob.start(args(t, "wrong", secrets(wrong))).cancel().get());
        assertThat(refused).as("a wrong password stops the submission").isNotNull();
        for (Throwable e = refused; e != null; e = e.getCause()) {
            assertThat(String.valueOf(e.getMessage())).doesNotContain(wrong, PASSWORD, TLS.password());
        }
        System.out.println("[secured-kafka] wrong password: " + refused.getMessage());

        for (Path log : logs()) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            assertThat(text).as("%s", log).doesNotContain(PASSWORD, TLS.password(), wrong);
        }
    }

    /** The job's flags: its secrets only as references to {@code secrets}, resolved by Kafka's FileConfigProvider. */
    private static String[] args(AlertJobTopics t, String run, Path secrets) {
        List<String> args = new ArrayList<>(List.of(t.args(KAFKA, run)));
        args.set(args.indexOf("--bootstrap-servers") + 1, KAFKA.securedBootstrapServers());
        args.addAll(List.of(
                "--kafka.security.protocol", "SASL_SSL",
                "--kafka.sasl.mechanism", "SCRAM-SHA-256",
                "--kafka.ssl.truststore.type", "PKCS12",
                "--kafka.ssl.truststore.location", TLS.trustStore().toString(),
                "--kafka.config.providers", "file",
                "--kafka.config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
                "--kafka.ssl.truststore.password", "${file:" + secrets + ":truststore.password}",
                "--kafka.sasl.jaas.config", "${file:" + secrets + ":jaas}"));
        return args.toArray(String[]::new);
    }

    /** A properties file only its owner can read, holding the JAAS line with {@code password} and the truststore's. */
    private static Path secrets(String password) throws IOException {
        Path file = Files.createTempFile(TLS.dir(), "kafka-secrets-", ".properties",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "jaas=org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + USER + "\" password=\"" + password + "\";\ntruststore.password=" + TLS.password() + "\n");
        return file;
    }

    /** The test JVM's log (the MiniCluster, the job, its Kafka clients) and the broker's. */
    private static List<Path> logs() throws IOException {
        List<Path> logs = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            files.filter(f -> f.getFileName().toString().endsWith(".log")).forEach(logs::add);
        }
        try (Stream<Path> files = Files.list(KAFKA.dataDir())) {
            files.filter(f -> f.getFileName().toString().endsWith(".log")).forEach(logs::add);
        }
        assertThat(logs).as("log files to search").isNotEmpty();
        return logs;
    }

    private static String get(URI rest, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(rest.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A key pair and self-signed certificate for 127.0.0.1 (JDK keytool), and a truststore with the certificate. */
    private record Tls(Path dir, Path keyStore, String keyStorePassword, Path trustStore, String password) {

        static Tls create() {
            try {
                Path dir = Files.createTempDirectory("kafka-tls-");
                dir.toFile().deleteOnExit();
                String password = "truststore-" + UUID.randomUUID(); // the client's secret
                String keyStorePassword = "keystore-" + UUID.randomUUID(); // the broker's
                Path keyStore = dir.resolve("broker.p12");
                Path cert = dir.resolve("broker.crt");
                Path trustStore = dir.resolve("truststore.p12");
                keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                        "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1", "-storetype", "PKCS12",
                        "-keystore", keyStore.toString(), "-storepass", keyStorePassword, "-keypass", keyStorePassword);
                keytool("-exportcert", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass",
                        keyStorePassword, "-rfc", "-file", cert.toString());
                keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-storetype",
                        "PKCS12", "-keystore", trustStore.toString(), "-storepass", password);
                return new Tls(dir, keyStore, keyStorePassword, trustStore, password);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void keytool(String... args) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IOException("keytool " + args[0] + " failed: " + output);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }
}
