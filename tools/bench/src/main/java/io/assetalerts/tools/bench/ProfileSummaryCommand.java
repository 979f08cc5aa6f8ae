package io.assetalerts.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code profile-summary}: reads a profile in collapsed-stack form split by thread (async-profiler's converter,
 * {@code jfrconv -t -o collapsed}: {@code [thread];root;...;leaf count} per line) and says where the Flink task
 * threads spend their samples: per task (thread name without its subtask suffix), the frames with the most self
 * samples, and two attributions of every sample, each by the frame nearest the leaf that matches a table: the
 * <em>operator</em> (user functions and Flink operators) and the <em>kind of work</em> (RocksDB, Avro, JSON,
 * Kafka client, record serialisation between tasks, ...).
 */
@Command(name = "profile-summary", mixinStandardHelpOptions = true,
        description = "Summarise a collapsed-stack profile of a TaskManager: top self frames, by operator, by work.")
final class ProfileSummaryCommand implements Callable<Integer> {

    /** A Flink task thread: {@code <task name> (<subtask>/<parallelism>)#<attempt>}. */
    private static final Pattern TASK_THREAD = Pattern.compile("(.+) \\(\\d+/\\d+\\)#\\d+");

    /** Operators, by the frame that runs them; the first match from the leaf wins. */
    static final Map<String, Pattern> OPERATORS = table(
            "Drop duplicate eventIds", "DropDuplicateReadings\\.",
            "Order by event time, join asset registry", "OrderReadingsByEventTime\\.|RegistryJoin\\.",
            "Rule: TEMPERATURE_THRESHOLD", "ThresholdRuleFunction\\.",
            "Summarise event-time windows", "WindowSummaries\\.",
            "Rule: SUSTAINED_OVERHEAT (CEP)", "SustainedOverheatMatch|\\.cep\\.",
            "Reject invalid telemetry / registrations", "SplitDeadLetters\\.",
            "Dead letters", "CountDeadLetters\\.|DeadLetterOutput\\.",
            "Kafka source: deserialize (EventJson)", "InboundDeserializer\\.|EventJson\\.",
            "Kafka source: fetch and emit", "\\.connector\\.kafka\\.source\\.|SourceOperator\\.|\\.connector\\.base\\.source\\.",
            "Kafka sink", "\\.connector\\.kafka\\.sink\\.",
            "Bench parse (read-parse job)", "ReadParseJob",
            "Checkpointing", "SubtaskCheckpointCoordinatorImpl|\\.snapshotState|CheckpointBarrierHandler",
            "Timers (watermark advance)", "InternalTimerServiceImpl\\.advanceWatermark|InternalTimerServiceImpl\\.onProcessingTime",
            "Network input: deserialize records", "StreamTaskNetworkInput|AbstractStreamTaskNetworkInput|SpillingAdaptiveSpanningRecordDeserializer",
            "Network output: serialize records", "RecordWriterOutput|\\.io\\.network\\.api\\.writer\\.");

    /** Kinds of work, by the library the leaf-most matching frame belongs to. */
    static final Map<String, Pattern> WORK = table(
            "Kernel (system calls, I/O)", "_\\[k]$",
            "RocksDB (native, C++)", "^rocksdb::|^Java_org_rocksdb_|^librocksdbjni",
            "RocksDB (JNI)", "^org\\.rocksdb\\.",
            "Flink RocksDB state backend", "\\.state\\.rocksdb\\.|\\.contrib\\.streaming\\.state\\.",
            "Avro (de)serialisation", "^org\\.apache\\.avro\\.|\\.formats\\.avro\\.",
            "JSON (Jackson)", "^com\\.fasterxml\\.jackson\\.",
            "Kafka client", "^org\\.apache\\.kafka\\.",
            "Flink record serialisation", "\\.typeutils\\.|StreamElementSerializer|\\.core\\.memory\\.",
            "Flink network stack", "\\.runtime\\.io\\.network\\.",
            "Flink timers and key context", "InternalTimer|HeapPriorityQueue|KeyGroupRange|setCurrentKey",
            "CEP library", "^org\\.apache\\.flink\\.cep\\.",
            "Project code (io.assetalerts)", "^io\\.assetalerts\\.",
            "JDK", "^java\\.|^jdk\\.|^sun\\.",
            "Flink runtime (other)", "^org\\.apache\\.flink\\.");

    @Option(names = "--collapsed", required = true, description = "collapsed stacks with thread names")
    Path collapsed;

    @Option(names = "--top", defaultValue = "15")
    int top;

    @Option(names = "--out", required = true, description = "JSON summary")
    Path out;

    @Option(names = "--markdown", description = "also write the tables as Markdown here")
    Path markdown;

    /** One stack of one thread and its sample count. */
    record Stack(String thread, List<String> frames, long samples) {
    }

    @Override
    public Integer call() throws IOException {
        List<Stack> stacks = parse(Files.readAllLines(collapsed));
        ObjectNode summary = summarise(stacks, top);
        Json.write(out, summary);
        if (markdown != null) {
            Files.writeString(markdown, markdown(summary));
        }
        System.out.println(markdown(summary));
        return 0;
    }

    static List<Stack> parse(List<String> lines) {
        List<Stack> stacks = new ArrayList<>();
        for (String line : lines) {
            int space = line.lastIndexOf(' ');
            if (space < 0 || line.isBlank()) {
                continue;
            }
            long samples = Long.parseLong(line.substring(space + 1).trim());
            List<String> frames = new ArrayList<>(List.of(line.substring(0, space).split(";")));
            String thread = "";
            if (!frames.isEmpty() && frames.get(0).startsWith("[") && frames.get(0).endsWith("]")) {
                thread = frames.remove(0);
                // async-profiler appends the thread id: "[name tid=123]"
                thread = thread.substring(1, thread.length() - 1).replaceFirst(" tid=\\d+$", "");
            }
            frames.replaceAll(ProfileSummaryCommand::frameName);
            stacks.add(new Stack(thread, frames, samples));
        }
        return stacks;
    }

    /**
     * A readable frame name: Java frames {@code a/b/C.m_[j]} become {@code a.b.C.m}; a native library without
     * symbols (async-profiler names the frame by the library's path) becomes the library's file name, with
     * RocksDB's extracted copy ({@code .../rocksdb-lib-<hash>/librocksdbjni-linux64.so}) named as such; kernel
     * frames keep their {@code _[k]} mark.
     */
    static String frameName(String raw) {
        if (raw.endsWith("_[k]")) {
            return raw;
        }
        if (raw.startsWith("/") && raw.contains(".so")) {
            String file = raw.substring(raw.lastIndexOf('/') + 1);
            return file.startsWith("librocksdbjni") ? "librocksdbjni (RocksDB native code, no symbols)" : file;
        }
        return raw.replace('/', '.').replaceAll("_\\[[a-z0-9]+]$", "");
    }

    /** The task a thread runs, or null when it is not a task thread. */
    static String task(String thread) {
        Matcher m = TASK_THREAD.matcher(thread);
        return m.matches() && !thread.startsWith("Source Data Fetcher") ? m.group(1) : null;
    }

    static ObjectNode summarise(List<Stack> stacks, int top) {
        long total = stacks.stream().mapToLong(Stack::samples).sum();
        Map<String, Long> byTask = new LinkedHashMap<>();
        Map<String, Long> byThreadKind = new LinkedHashMap<>();
        Map<String, Long> selfAll = new LinkedHashMap<>();
        Map<String, Map<String, Long>> selfByTask = new LinkedHashMap<>();
        Map<String, Long> byOperator = new LinkedHashMap<>();
        Map<String, Long> byWork = new LinkedHashMap<>();
        Map<String, Long> inclusive = new LinkedHashMap<>();
        Map<String, Long> rocksDbCallers = new LinkedHashMap<>();
        long taskSamples = 0;
        for (Stack s : stacks) {
            String task = task(s.thread());
            byThreadKind.merge(threadKind(s.thread(), task), s.samples(), Long::sum);
            if (task == null || s.frames().isEmpty()) {
                continue;
            }
            taskSamples += s.samples();
            byTask.merge(task, s.samples(), Long::sum);
            String leaf = s.frames().get(s.frames().size() - 1);
            selfAll.merge(leaf, s.samples(), Long::sum);
            selfByTask.computeIfAbsent(task, t -> new LinkedHashMap<>()).merge(leaf, s.samples(), Long::sum);
            byOperator.merge(classify(s.frames(), OPERATORS, "Flink task loop (other)"), s.samples(), Long::sum);
            byWork.merge(classify(s.frames(), WORK, "other"), s.samples(), Long::sum);
            for (String frame : new java.util.HashSet<>(s.frames())) {
                inclusive.merge(frame, s.samples(), Long::sum);
            }
            String caller = rocksDbCaller(s.frames());
            if (caller != null) {
                rocksDbCallers.merge(caller, s.samples(), Long::sum);
            }
        }
        // frames under which (nearly) every task sample runs are the task loop, not a subtree worth naming
        long loop = Math.round(taskSamples * 0.9);
        inclusive.values().removeIf(n -> n >= loop);
        ObjectNode summary = Json.object();
        summary.put("samples", total);
        summary.put("taskThreadSamples", taskSamples);
        summary.set("byThreadKind", ranked(byThreadKind, total, Integer.MAX_VALUE));
        summary.set("byTask", ranked(byTask, taskSamples, Integer.MAX_VALUE));
        summary.set("topSelfFrames", ranked(selfAll, taskSamples, top));
        summary.set("byOperator", ranked(byOperator, taskSamples, Integer.MAX_VALUE));
        summary.set("byKindOfWork", ranked(byWork, taskSamples, Integer.MAX_VALUE));
        inclusive.keySet().removeIf(f -> !HOT_SUBTREE.matcher(f).find());
        summary.set("hottestSubtrees", ranked(inclusive, taskSamples, 25));
        summary.set("rocksDbByCaller", ranked(rocksDbCallers, taskSamples, 15));
        ObjectNode perTask = summary.putObject("topSelfFramesByTask");
        byTask.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> perTask.set(e.getKey(), ranked(selfByTask.get(e.getKey()), e.getValue(), 10)));
        return summary;
    }

    private static String threadKind(String thread, String task) {
        if (task != null) {
            return "Flink task threads";
        }
        if (thread.startsWith("Source Data Fetcher")) {
            return "Kafka source fetcher threads";
        }
        if (thread.startsWith("kafka-producer-network-thread")) {
            return "Kafka producer I/O threads";
        }
        if (thread.contains("GC") || thread.contains("G1")) {
            return "GC";
        }
        if (thread.contains("CompilerThre")) {
            return "JIT compiler";
        }
        if (thread.startsWith("rocksdb:")) {
            return "RocksDB background (flush, compaction)";
        }
        if (thread.startsWith("AsyncOperations") || thread.contains("Checkpoint")) {
            return "Checkpoints (async part)";
        }
        return "other threads";
    }

    /**
     * For a sample in RocksDB's native code or its JNI methods: {@code <state access> <- <project method>}, the
     * Flink state frame nearest RocksDB and the project frame that made the call; null otherwise.
     */
    static String rocksDbCaller(List<String> frames) {
        int rocks = -1;
        for (int i = frames.size() - 1; i >= 0; i--) {
            if (frames.get(i).startsWith("librocksdbjni") || frames.get(i).startsWith("org.rocksdb.")) {
                rocks = i;
            }
        }
        if (rocks < 0) {
            return null;
        }
        String state = null;
        String project = null;
        for (int i = rocks - 1; i >= 0 && (state == null || project == null); i--) {
            String f = frames.get(i);
            if (state == null && STATE_ACCESS.matcher(f).find()) {
                state = f;
            }
            if (project == null && f.startsWith("io.assetalerts.")) {
                project = f;
            }
        }
        return shortName(state != null ? state : frames.get(rocks)) + " <- "
                + (project != null ? shortName(project) : "Flink (no project frame)");
    }

    /** {@code org.apache.flink.state.rocksdb.RocksDBValueState.value} -> {@code RocksDBValueState.value}. */
    static String shortName(String frame) {
        int method = frame.lastIndexOf('.');
        int type = method <= 0 ? -1 : frame.lastIndexOf('.', method - 1);
        return type < 0 ? frame : frame.substring(type + 1);
    }

    /** Flink's RocksDB state and timer classes: where a call into RocksDB comes from. */
    private static final Pattern STATE_ACCESS =
            Pattern.compile("\\.state\\.rocksdb\\.|\\.contrib\\.streaming\\.state\\.|InternalTimerServiceImpl|\\.cep\\.");

    /**
     * Frames worth listing as subtrees: the project's, Flink's RocksDB state and timers, CEP, the Avro serializer,
     * record (de)serialisation between tasks, the Kafka sink, checkpoints, RocksDB's JNI methods.
     */
    private static final Pattern HOT_SUBTREE = Pattern.compile("^io\\.assetalerts\\.|^org\\.apache\\.flink\\.state\\.rocksdb\\."
            + "|^org\\.apache\\.flink\\.cep\\.operator\\.CepOperator\\.|^org\\.apache\\.flink\\.formats\\.avro\\.typeutils\\.AvroSerializer\\."
            + "|^org\\.rocksdb\\.RocksDB\\.|InternalTimerServiceImpl\\.advanceWatermark$|StreamElementSerializer\\.(serialize|deserialize)$"
            + "|\\.connector\\.kafka\\.sink\\.KafkaWriter\\.write$|SubtaskCheckpointCoordinatorImpl\\.checkpointState$");

    static String classify(List<String> frames, Map<String, Pattern> table, String fallback) {
        for (int i = frames.size() - 1; i >= 0; i--) {
            for (Map.Entry<String, Pattern> e : table.entrySet()) {
                if (e.getValue().matcher(frames.get(i)).find()) {
                    return e.getKey();
                }
            }
        }
        return fallback;
    }

    private static ArrayNode ranked(Map<String, Long> counts, long of, int limit) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .forEach(e -> array.addObject().put("name", e.getKey()).put("samples", e.getValue())
                        .put("percent", of == 0 ? 0 : Json.round(100.0 * e.getValue() / of, 1)));
        return array;
    }

    static String markdown(ObjectNode summary) {
        StringBuilder md = new StringBuilder();
        md.append("Samples: ").append(summary.path("samples").asLong()).append(" in all, ")
                .append(summary.path("taskThreadSamples").asLong()).append(" on Flink task threads.\n\n");
        table(md, "Thread kind", "% of all samples", summary.withArray("byThreadKind"));
        table(md, "Task (chain)", "% of task samples", summary.withArray("byTask"));
        table(md, "Top self frames (task threads)", "% of task samples", summary.withArray("topSelfFrames"));
        table(md, "Operator (leaf-most matching frame)", "% of task samples", summary.withArray("byOperator"));
        table(md, "Kind of work (leaf-most matching frame)", "% of task samples", summary.withArray("byKindOfWork"));
        table(md, "Hottest subtrees (samples at or under the frame)", "% of task samples",
                summary.withArray("hottestSubtrees"));
        table(md, "RocksDB time by caller (state access <- project method)", "% of task samples",
                summary.withArray("rocksDbByCaller"));
        summary.path("topSelfFramesByTask").fields().forEachRemaining(e ->
                table(md, "Top self frames in: " + e.getKey(), "% of this task", (ArrayNode) e.getValue()));
        return md.toString();
    }

    private static void table(StringBuilder md, String what, String unit, ArrayNode rows) {
        md.append("| ").append(what.replace("|", "\\|")).append(" | samples | ").append(unit).append(" |\n")
                .append("|---|---:|---:|\n");
        rows.forEach(r -> md.append("| `").append(r.path("name").asText().replace("|", "\\|")).append("` | ")
                .append(r.path("samples").asLong()).append(" | ").append(r.path("percent").asDouble()).append(" |\n"));
        md.append('\n');
    }

    private static Map<String, Pattern> table(String... nameThenRegex) {
        Map<String, Pattern> table = new LinkedHashMap<>();
        for (int i = 0; i < nameThenRegex.length; i += 2) {
            table.put(nameThenRegex[i], Pattern.compile(nameThenRegex[i + 1]));
        }
        return table;
    }
}
