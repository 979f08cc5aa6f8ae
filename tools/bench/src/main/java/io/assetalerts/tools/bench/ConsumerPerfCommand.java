package io.assetalerts.tools.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consumer-perf}: Kafka's own consumer benchmark, {@code org.apache.kafka.tools.ConsumerPerformance} from
 * {@code kafka-tools}, in a child JVM on the classpath given (run.sh passes the kafka-broker tool's, which resolves
 * kafka-tools at the root pom's {@code kafka.version}). It reads the records in one consumer and parses nothing: the
 * ceiling for any reader of the topic on this machine. The tool prints {@code nMsg.sec} over its whole run, group
 * join included, and {@code fetch.nMsg.sec} over the time after the join: the latter is the records/s reported.
 */
@Command(name = "consumer-perf", mixinStandardHelpOptions = true,
        description = "Run Kafka's ConsumerPerformance in a child JVM and parse its result.")
final class ConsumerPerfCommand implements Callable<Integer> {

    static final String MAIN = "org.apache.kafka.tools.ConsumerPerformance";

    @Option(names = "--bootstrap-servers", required = true)
    String bootstrap;

    @Option(names = "--topic", required = true)
    String topic;

    @Option(names = "--records", required = true)
    long records;

    @Option(names = "--classpath-file", required = true, description = "file holding the kafka-tools classpath")
    Path classpathFile;

    @Option(names = "--heap", defaultValue = "512m")
    String heap;

    @Option(names = "--log", description = "the child's output goes here")
    Path log;

    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws Exception {
        String classpath = Files.readString(classpathFile).strip();
        if (!classpath.contains("kafka-tools-")) {
            throw new Bench.BenchFailure(classpathFile + " names no kafka-tools jar");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap, "-cp", classpath,
                MAIN, "--bootstrap-server", bootstrap, "--topic", topic, "--num-records", Long.toString(records),
                "--group", "bench-consumer-perf-" + System.currentTimeMillis(), "--timeout", "60000"));
        Path logFile = log != null ? log : Files.createTempFile("consumer-perf", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new Bench.BenchFailure(MAIN + " did not finish in 10 minutes; see " + logFile);
        }
        String output = Files.readString(logFile);
        if (process.exitValue() != 0) {
            throw new Bench.BenchFailure(MAIN + " exited with " + process.exitValue() + ": " + tail(output));
        }
        Map<String, String> stats = parse(output);
        long consumed = Long.parseLong(stats.get("data.consumed.in.nMsg"));
        if (consumed < records) {
            throw new Bench.BenchFailure(MAIN + " consumed " + consumed + " of " + records + " records");
        }
        ObjectNode result = Json.object();
        result.put("label", "kafka-consumer-perf");
        result.put("tool", MAIN);
        result.put("kafkaToolsJar", kafkaToolsJar(classpath));
        result.put("records", consumed);
        result.put("recordsPerSecond", Math.round(Double.parseDouble(stats.get("fetch.nMsg.sec"))));
        result.put("recordsPerSecondIncludingGroupJoin", Math.round(Double.parseDouble(stats.get("nMsg.sec"))));
        result.put("megabytesPerSecond", Json.round(Double.parseDouble(stats.get("fetch.MB.sec")), 1));
        ObjectNode raw = result.putObject("raw");
        stats.forEach(raw::put);
        Json.write(out, result);
        System.out.printf("consumer-perf: %,d records at %,d records/s (%,d/s with the group join)%n", consumed,
                result.get("recordsPerSecond").asLong(), result.get("recordsPerSecondIncludingGroupJoin").asLong());
        return 0;
    }

    /** The header line and the data line after it, as name -> value. */
    static Map<String, String> parse(String output) {
        List<String> lines = output.lines().map(String::strip).toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("start.time")) {
                String[] names = lines.get(i).split(",\\s*");
                String[] values = lines.get(i + 1).split(",\\s*");
                if (names.length != values.length) {
                    break;
                }
                Map<String, String> stats = new LinkedHashMap<>();
                for (int j = 0; j < names.length; j++) {
                    stats.put(names[j].strip(), values[j].strip());
                }
                return stats;
            }
        }
        throw new Bench.BenchFailure("no result line in the output of " + MAIN + ": " + tail(output));
    }

    private static String kafkaToolsJar(String classpath) {
        for (String entry : classpath.split(File.pathSeparator)) {
            if (Path.of(entry).getFileName().toString().startsWith("kafka-tools-")
                    && !entry.contains("kafka-tools-api")) {
                return Path.of(entry).getFileName().toString();
            }
        }
        return "?";
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }
}
