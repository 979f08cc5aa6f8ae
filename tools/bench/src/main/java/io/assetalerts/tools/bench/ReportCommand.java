package io.assetalerts.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code report}: gathers the JSON documents a run wrote into its work directory and writes
 * {@code results.json} (all of them, with the machine and the commit), {@code results.md} (tables) and
 * {@code chart.png} (records/s of the readers, {@link BarChart}). Steps that were skipped or failed are absent
 * from the report, and the report says so.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write results.json, results.md and chart.png from a run's JSON documents.")
final class ReportCommand implements Callable<Integer> {

    /** The readers of the same topic, in the order of the table and the chart. */
    private static final List<String[]> READERS = List.of(
            new String[] {"consumer-perf.json", "Kafka ConsumerPerformance (1 consumer, no parsing)"},
            new String[] {"read-parse.json", "Flink read + parse (EventJson), p=%p"},
            new String[] {"alert-job.json", "Alert job, p=%p, exactly-once"},
            new String[] {"scale.json", "Alert job, p=%p, exactly-once, scale assets"});

    @Option(names = "--work-dir", required = true, description = "where the steps wrote their JSON")
    Path workDir;

    @Option(names = "--out", required = true, description = "output directory, e.g. docs/benchmarks")
    Path outDir;

    @Option(names = "--commit", required = true)
    String commit;

    @Option(names = "--setting", description = "KEY=VALUE recorded with the run (repeatable)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--note", description = "a line for the top of results.md")
    String note;

    @Override
    public Integer call() throws IOException {
        ObjectNode results = Json.object();
        ObjectNode machine = results.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memoryBytes", Machine.memTotalBytes());
        machine.put("cpu", Machine.cpuModel());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        results.put("commit", commit);
        results.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (note != null) {
            results.put("note", note);
        }
        ObjectNode settingsNode = results.putObject("settings");
        settings.forEach(settingsNode::put);
        ObjectNode steps = results.putObject("steps");
        try (var files = Files.list(workDir)) {
            files.filter(f -> f.toString().endsWith(".json")).sorted()
                    .forEach(f -> steps.set(f.getFileName().toString().replace(".json", ""), Json.read(f)));
        }
        ArrayNode readers = results.putArray("readers");
        for (String[] reader : READERS) {
            JsonNode step = steps.path(reader[0].replace(".json", ""));
            if (step.has("recordsPerSecond")) {
                String name = reader[1].replace("%p", settings.getOrDefault("parallelism", "2")).replace("scale assets",
                        String.format(Locale.ROOT, "%,d assets", steps.path("scale-fill").path("assets").asLong()));
                readers.addObject().put("step", reader[0].replace(".json", "")).put("reader", name)
                        .put("recordsPerSecond", step.path("recordsPerSecond").asLong());
            }
        }
        Files.createDirectories(outDir);
        Json.write(outDir.resolve("results.json"), results);
        Files.writeString(outDir.resolve("results.md"), markdown(results));
        List<BarChart.Bar> bars = new ArrayList<>();
        readers.forEach(r -> bars.add(new BarChart.Bar(r.path("reader").asText(), r.path("recordsPerSecond").asLong())));
        BarChart.write(outDir.resolve("chart.png"), "Readers of telemetry.events: records/s (higher is better)",
                String.format(Locale.ROOT, "%s, %d cores, %.0f GiB, commit %s, %s", settings.getOrDefault("readings", "?")
                        + " readings", machine.path("cores").asInt(), machine.path("memoryBytes").asDouble() / (1 << 30),
                        commit, results.path("date").asText().substring(0, 10)), bars);
        System.out.println("report: " + outDir.resolve("results.md") + ", results.json, chart.png");
        return 0;
    }

    static String markdown(ObjectNode results) {
        JsonNode steps = results.path("steps");
        JsonNode machine = results.path("machine");
        StringBuilder md = new StringBuilder("# Benchmark results\n\n");
        md.append(String.format(Locale.ROOT, "%s, commit `%s`, %d cores (%s), %.1f GiB, %s. Written by `tools/bench/run.sh`.%n%n",
                results.path("date").asText(), results.path("commit").asText(), machine.path("cores").asInt(),
                machine.path("cpu").asText(), machine.path("memoryBytes").asDouble() / (1 << 30),
                machine.path("java").asText()));
        if (results.has("note")) {
            md.append("> ").append(results.path("note").asText()).append("\n\n");
        }
        md.append("Settings: ");
        List<String> settings = new ArrayList<>();
        results.path("settings").fields().forEachRemaining(e -> settings.add("`" + e.getKey() + "=" + e.getValue().asText() + "`"));
        md.append(String.join(", ", settings)).append("\n\n");

        JsonNode fill = steps.path("fill");
        if (fill.has("recordsPerSecond")) {
            md.append(String.format(Locale.ROOT, "## Fill%n%n%,d readings of %,d assets (%,d s of event time from %s; %,d spikes"
                    + " above 100 °C, %,d assets with a %s sustained overheat) produced to `%s` (12 partitions, lz4) in %.1f s:"
                    + " **%,d records/s**, %.1f MB/s of JSON (%.0f bytes a record).%n%n",
                    fill.path("readings").asLong(), fill.path("assets").asLong(), fill.path("secondsOfEventTime").asLong(),
                    fill.path("firstTimestamp").asText(), fill.path("spikeReadings").asLong(),
                    fill.path("overheatAssets").asLong(), "5-minute", fill.path("telemetryTopic").asText(),
                    fill.path("fillSeconds").asDouble(), fill.path("recordsPerSecond").asLong(),
                    fill.path("megabytesPerSecond").asDouble(), fill.path("avgRecordBytes").asDouble()));
        }

        JsonNode alerts = steps.path("alert-job-alerts").path("byRule");
        if (alerts.isObject() && fill.has("spikeReadings")) {
            md.append(String.format(Locale.ROOT, "Alerts the alert job committed while reading the fill:"
                    + " %,d TEMPERATURE_THRESHOLD (the fill has %,d spikes) and %,d SUSTAINED_OVERHEAT (%,d assets with"
                    + " a sustained overheat); readings in the last seconds of event time stay behind the watermark.%n%n",
                    alerts.path("TEMPERATURE_THRESHOLD").asLong(), fill.path("spikeReadings").asLong(),
                    alerts.path("SUSTAINED_OVERHEAT").asLong(), fill.path("overheatAssets").asLong()));
        }

        md.append("## Readers of the same topic\n\n");
        md.append("Records/s = N / (time from the first record read to the last). Kafka's tool: its `fetch.nMsg.sec`"
                + " (after the group join). Flink jobs: the source operator's `numRecordsOut` summed over subtasks,"
                + " polled every second over REST (± half a poll at each end).\n\n");
        md.append("| reader | records/s | vs Kafka consumer | vs Flink read + parse |\n|---|---:|---:|---:|\n");
        double kafka = steps.path("consumer-perf").path("recordsPerSecond").asDouble(Double.NaN);
        double readParse = steps.path("read-parse").path("recordsPerSecond").asDouble(Double.NaN);
        for (JsonNode r : results.path("readers")) {
            double rps = r.path("recordsPerSecond").asDouble();
            md.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %s |%n", r.path("reader").asText(), rps,
                    ratio(rps, kafka), ratio(rps, readParse)));
        }
        md.append("\n![records/s](chart.png)\n\n");

        for (String step : List.of("read-parse", "alert-job", "scale")) {
            JsonNode halfway = steps.path(step).path("halfway");
            if (!halfway.has("vertices")) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "### Where the time goes: %s (halfway, at %,d records)%n%n"
                    + "ms per second, average (max) over subtasks. The busiest vertex that is not back-pressured is"
                    + " the wall; the ones before it are back-pressured.%n%n| vertex | busy | back-pressured | idle |%n"
                    + "|---|---:|---:|---:|%n", steps.path(step).path("label").asText(step), halfway.path("count").asLong()));
            for (JsonNode v : halfway.path("vertices")) {
                md.append("| ").append(v.path("name").asText().replace("|", "\\|")).append(" | ")
                        .append(cell(v.path("busyTimeMsPerSecond"))).append(" | ")
                        .append(cell(v.path("backPressuredTimeMsPerSecond"))).append(" | ")
                        .append(cell(v.path("idleTimeMsPerSecond"))).append(" |\n");
            }
            md.append('\n');
        }

        List<String> latencySteps = new ArrayList<>();
        steps.fieldNames().forEachRemaining(n -> {
            if (n.startsWith("latency-")) {
                latencySteps.add(n);
            }
        });
        if (!latencySteps.isEmpty()) {
            md.append("## Alert latency at a fixed input rate\n\nReading sent → TEMPERATURE_THRESHOLD alert seen by a"
                    + " `read_committed` consumer of the alert topic. The alert job's defaults apply: bounded"
                    + " out-of-orderness 5 s (an alert cannot come sooner: the reading waits for the watermark),"
                    + " checkpoints every 10 s (exactly-once alerts become visible when the checkpoint after them"
                    + " completes).\n\n| delivery guarantee | readings/s | spikes | alerted | p50 | p90 | p99 | max |\n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (String n : latencySteps) {
                JsonNode l = steps.path(n);
                md.append(String.format(Locale.ROOT, "| %s | %,d | %d | %d | %s | %s | %s | %s |%n",
                        n.substring("latency-".length()), l.path("achievedRate").asLong(), l.path("spikesSent").asLong(),
                        l.path("matched").asLong(), ms(l.path("p50Millis")), ms(l.path("p90Millis")),
                        ms(l.path("p99Millis")), ms(l.path("maxMillis"))));
            }
            md.append("\nWarm-up before the measured window (until the job's source was less than a second behind the"
                    + " input); p50 per 10 s of send time (a latency that grows through the window means the job fell"
                    + " behind the input rate):\n\n");
            for (String n : latencySteps) {
                List<String> windows = new ArrayList<>();
                steps.path(n).path("bySendTime").forEach(w -> windows.add(String.format(Locale.ROOT, "%d s: %.1f s",
                        w.path("fromSecond").asLong(), w.path("p50Millis").asDouble() / 1e3)));
                JsonNode l = steps.path(n);
                md.append("- ").append(n.substring("latency-".length())).append(": warm-up ")
                        .append(l.path("warmupSeconds").asText()).append(" s")
                        .append(l.path("warmupCaughtUp").asBoolean(true) ? "" : " (the job had NOT caught up)")
                        .append("; ").append(String.join(", ", windows));
                JsonNode chk = l.path("atWindowEnd").path("checkpointDurationMillis");
                if (chk.has("avg")) {
                    md.append(String.format(Locale.ROOT, "; checkpoints took %.1f s on average (max %.1f s)",
                            chk.path("avg").asDouble() / 1e3, chk.path("max").asDouble() / 1e3));
                }
                JsonNode busiest = null;
                for (JsonNode v : l.path("atWindowEnd").path("vertices")) {
                    if (busiest == null || v.path("busyTimeMsPerSecond").path("max").asLong()
                            > busiest.path("busyTimeMsPerSecond").path("max").asLong()) {
                        busiest = v;
                    }
                }
                if (busiest != null) {
                    md.append("; busiest vertex at the window's end: ").append(busiest.path("name").asText()
                            .replaceAll(" -> .*", " -> ...")).append(' ')
                            .append(cell(busiest.path("busyTimeMsPerSecond"))).append(" ms/s busy");
                }
                md.append('\n');
            }
            md.append('\n');
        }

        JsonNode scale = steps.path("scale");
        if (scale.has("recordsPerSecond")) {
            JsonNode chk = steps.path("scale-checkpoint");
            JsonNode restore = steps.path("restore");
            md.append(String.format(Locale.ROOT, "## State scale: %,d registered assets%n%n"
                    + "The throughput run again with %,d assets (%,d readings, at most %,d per asset), then the last"
                    + " checkpoint after all readings were read, then a cancel and a resubmission from that retained"
                    + " checkpoint (`flink run -s`).%n%n| records/s | checkpoint state | checkpoint written | checkpoint"
                    + " duration | restore: tasks running | restore: reading again |%n|---:|---:|---:|---:|---:|---:|%n"
                    + "| %,d | %s | %s | %s | %s | %s |%n%n",
                    steps.path("scale-fill").path("assets").asLong(), steps.path("scale-fill").path("assets").asLong(),
                    steps.path("scale-fill").path("readings").asLong(),
                    steps.path("scale-fill").path("secondsOfEventTime").asLong(), scale.path("recordsPerSecond").asLong(),
                    mb(chk.path("stateSizeBytes")), mb(chk.path("checkpointedSizeBytes")),
                    seconds(chk.path("durationMillis"), 1e3), seconds(restore.path("secondsToRunning"), 1),
                    seconds(restore.path("secondsToConsuming"), 1)));
            md.append("Restore times count from the start of `flink run -s` (the CLI's own JVM start included) and"
                    + " are seen through the metrics, refreshed every second.\n\n");
        }

        JsonNode profile = steps.path("profile");
        if (profile.has("topSelfFrames")) {
            JsonNode files = steps.path("profile-files");
            md.append("## Profile of the alert job (").append(files.path("label").asText()).append(", TaskManager CPU"
                    + " samples, ").append(files.path("profiler").asText("JFR")).append(")\n\n");
            md.append("Flame graph: [").append(steps.path("profile-files").path("flamegraph").asText("flamegraph.html"))
                    .append("](").append(steps.path("profile-files").path("flamegraph").asText("flamegraph.html"))
                    .append(").\n\n");
            md.append(ProfileSummaryCommand.markdown((ObjectNode) profile));
        }

        List<String> missing = new ArrayList<>();
        for (String step : List.of("fill", "consumer-perf", "read-parse", "alert-job", "latency-exactly-once",
                "latency-at-least-once", "scale", "scale-checkpoint", "restore")) {
            if (!steps.has(step)) {
                missing.add(step);
            }
        }
        if (!missing.isEmpty()) {
            md.append("Not in this run (skipped or failed): ").append(String.join(", ", missing)).append(".\n");
        }
        return md.toString();
    }

    private static String ratio(double value, double of) {
        return Double.isNaN(of) || of == 0 ? "" : String.format(Locale.ROOT, "%.2f×", value / of);
    }

    private static String cell(JsonNode metric) {
        return metric.has("avg") ? metric.path("avg").asLong() + " (" + metric.path("max").asLong() + ")" : "";
    }

    private static String ms(JsonNode value) {
        return value.isNumber() && !Double.isNaN(value.asDouble())
                ? String.format(Locale.ROOT, "%,.0f ms", value.asDouble()) : "";
    }

    private static String mb(JsonNode bytes) {
        return bytes.isNumber() ? String.format(Locale.ROOT, "%.1f MB", bytes.asDouble() / 1e6) : "";
    }

    private static String seconds(JsonNode value, double divisor) {
        return value.isNumber() ? String.format(Locale.ROOT, "%.1f s", value.asDouble() / divisor) : "";
    }
}
