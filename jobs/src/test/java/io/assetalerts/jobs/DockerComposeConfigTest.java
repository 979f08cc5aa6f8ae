package io.assetalerts.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.assetalerts.jobs.testing.LocalFlinkCluster;
import io.assetalerts.udfs.config.AlertJobConfig;
import io.assetalerts.udfs.config.IngestJobConfig;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is checked: {@code docker-compose config} must
 * accept it, and what it says must match what the build and the tests use: the job's default topics
 * ({@link AlertJobConfig}), flink-conf/ mounted as the Flink configuration with its REST port published, the Flink
 * and Kafka versions of the build, the shaded jar's name, the broker's transaction timeout ceiling.
 */
class DockerComposeConfigTest {

    private static final Pattern CREATE_TOPIC =
            Pattern.compile("^create --topic (\\S+) --partitions (\\d+)((?: --config \\S+)*)$", Pattern.MULTILINE);

    private static Path root;
    private static JsonNode services;
    private static JsonNode flinkConf;
    private static AlertJobConfig defaults;

    @BeforeAll
    static void readFiles() throws IOException {
        root = LocalFlinkCluster.repositoryRoot();
        // SnakeYAML (under jackson-dataformat-yaml) resolves the file's anchors and merge keys; Jackson's parser does not
        Object compose = new Yaml().load(Files.readString(root.resolve("docker-compose.yml")));
        services = new YAMLMapper().valueToTree(compose).path("services");
        flinkConf = new YAMLMapper().readTree(root.resolve("flink-conf/config.yaml").toFile());
        defaults = AlertJobConfig.fromArgs("--bootstrap-servers", "kafka:9092");
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        assumeTrue(onPath("docker-compose"), "docker-compose is not installed, so `docker-compose config` was not"
                + " run; install it with `apt-get install -y docker-compose` (.ci/run does)");
        Process process = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config", "--quiet")
                .directory(root.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(Duration.ofMinutes(1).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("docker-compose config says:\n%s", output).isZero();
    }

    @Test
    void createsTheJobsDefaultTopicsAsSpecified() {
        Map<String, String> topics = new LinkedHashMap<>();
        Matcher m = CREATE_TOPIC.matcher(services.path("kafka-init").path("command").get(0).asText());
        while (m.find()) {
            topics.put(m.group(1), m.group(2) + m.group(3).replace(" --config ", " "));
        }
        IngestJobConfig ingest = IngestJobConfig.fromArgs("--bootstrap-servers", "kafka:9092");
        assertThat(topics).containsKeys(defaults.assetTopic(), defaults.telemetryTopic(), defaults.alertTopic(),
                defaults.dlqTopic(), defaults.rulesTopic(), ingest.rawTopic(), ingest.dlqTopic());
        assertThat(topics.get(defaults.assetTopic())).contains(" cleanup.policy=compact");
        assertThat(topics.get(defaults.rulesTopic())).isEqualTo("1 cleanup.policy=compact min.compaction.lag.ms=604800000");
        assertThat(topics.get(defaults.telemetryTopic())).isEqualTo("12");
        assertThat(topics.get(ingest.rawTopic())).isEqualTo("12");
    }

    @Test
    void flinkRunsOnFlinkConfWithItsRestPortPublished() {
        String restPort = flinkConf.path("rest").path("port").asText();
        assertThat(restPort).isEqualTo("8081");
        for (String service : List.of("jobmanager", "taskmanager", "submit-alert-job", "submit-ingest-job")) {
            assertThat(texts(services.path(service).path("volumes"))).as(service)
                    .contains("./flink-conf:/opt/flink/conf:ro");
        }
        assertThat(texts(services.path("jobmanager").path("ports"))).contains(restPort + ":" + restPort);
        assertThat(root.resolve("flink-conf/config.yaml")).exists();
        // checkpoints and savepoints (flink-conf) live on the volume the JobManager and the TaskManager share
        JsonNode checkpointing = flinkConf.path("execution").path("checkpointing");
        for (String dir : List.of(checkpointing.path("dir").asText(), checkpointing.path("savepoint-dir").asText())) {
            assertThat(dir).startsWith("file:///tmp/asset-alerts/");
        }
        for (String service : List.of("jobmanager", "taskmanager")) {
            assertThat(texts(services.path(service).path("volumes"))).as(service)
                    .contains("flink-state:/tmp/asset-alerts");
            assertThat(services.path(service).path("command").asText()).as(service)
                    .contains("-D jobmanager.rpc.address=jobmanager");
        }
    }

    @Test
    void imagesAndPluginMatchTheBuildsVersions() {
        String flink = EnvironmentInformation.getVersion();
        for (String service : List.of("jobmanager", "taskmanager", "submit-alert-job", "submit-ingest-job", "flink-state-init")) {
            assertThat(services.path(service).path("image").asText()).as(service)
                    .isEqualTo("flink:" + flink + "-java17");
        }
        assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
        assertThat(services.path("kafka-init").path("image").asText()).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
        for (String service : List.of("jobmanager", "taskmanager")) {
            assertThat(services.path(service).path("environment").path("ENABLE_BUILT_IN_PLUGINS").asText())
                    .isEqualTo("flink-metrics-prometheus-" + flink + ".jar");
        }
        assertThat(flinkConf.path("metrics").path("reporter").path("prom").path("factory").path("class").asText())
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    }

    @Test
    void submitsTheShadedJarTheBuildMakesToTheBroker() throws IOException {
        JsonNode submit = services.path("submit-alert-job");
        assertThat(texts(submit.path("volumes"))).contains("./jobs/target:/opt/jobs:ro");
        assertThat(submit.path("command").asText())
                .startsWith("flink run -d -m jobmanager:8081 /opt/jobs/alert-job-" + projectVersion() + ".jar ")
                .endsWith("--bootstrap-servers kafka:9092");
        assertThat(services.path("submit-ingest-job").path("command").asText())
                .startsWith("flink run -d -m jobmanager:8081 /opt/jobs/telemetry-ingest-job-" + projectVersion() + ".jar ");
        assertThat(services.path("simulator").path("command").asText()).contains("--format raw");
        assertThat(services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText())
                .contains("PLAINTEXT://kafka:9092");
        assertThat(services.path("simulator").path("command").asText())
                .startsWith("java -jar /opt/sim/fleet-simulator.jar --bootstrap-servers kafka:9092");
        assertThat(texts(services.path("simulator").path("volumes"))).contains("./tools/simulator/target:/opt/sim:ro");
    }

    @Test
    void jobManagerAndTaskManagerRunWithTheSameZooKeeperHighAvailability() throws IOException {
        Pattern haFlag = Pattern.compile("-D (high-availability\\.\\S+)=(\\S+)");
        Map<String, Map<String, String>> ha = new TreeMap<>();
        for (String service : List.of("jobmanager", "taskmanager")) {
            Matcher m = haFlag.matcher(services.path(service).path("command").asText());
            Map<String, String> flags = new TreeMap<>();
            while (m.find()) {
                flags.put(m.group(1), m.group(2));
            }
            ha.put(service, flags);
            assertThat(services.path(service).path("restart").asText()).as(service).isEqualTo("on-failure");
        }
        assertThat(ha.get("jobmanager")).isEqualTo(ha.get("taskmanager")).containsOnlyKeys(
                "high-availability.type", "high-availability.zookeeper.quorum", "high-availability.storageDir",
                "high-availability.cluster-id");
        assertThat(ha.get("jobmanager")).containsEntry("high-availability.type", "zookeeper")
                .containsEntry("high-availability.zookeeper.quorum", "zookeeper:2181");
        // the HA storage is on the volume every JobManager (the restarted one too) and TaskManager mounts
        assertThat(ha.get("jobmanager").get("high-availability.storageDir")).startsWith("file:///tmp/asset-alerts/");
        assertThat(services.path("jobmanager").path("depends_on").path("zookeeper").path("condition").asText())
                .isEqualTo("service_healthy");
        // the same ZooKeeper release as the local cluster's (tools/flink-local/zookeeper/pom.xml), which the
        // JobManager failover test runs against
        Matcher version = Pattern.compile("<zookeeper.version>([^<]+)</zookeeper.version>")
                .matcher(Files.readString(root.resolve("tools/flink-local/zookeeper/pom.xml")));
        assertThat(version.find()).isTrue();
        assertThat(services.path("zookeeper").path("image").asText()).isEqualTo("zookeeper:" + version.group(1));
    }

    @Test
    void theBrokerAcceptsTheJobsTransactionTimeout() {
        long ceiling = services.path("kafka").path("environment").path("KAFKA_TRANSACTION_MAX_TIMEOUT_MS").asLong();
        assertThat(Duration.ofMillis(ceiling)).isGreaterThanOrEqualTo(defaults.job().transactionTimeout());
    }

    /** The build's version, from the root pom (the shaded jar is named after it). */
    private static String projectVersion() throws IOException {
        String pom = Files.readString(root.resolve("pom.xml"));
        Matcher m = Pattern.compile("<artifactId>asset-alerts-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertThat(m.find()).as("the root pom's version").isTrue();
        return m.group(1);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
