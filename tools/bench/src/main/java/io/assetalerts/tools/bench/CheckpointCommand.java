package io.assetalerts.tools.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code checkpoint}: waits for a checkpoint of the job that was triggered after {@code --after-millis} to complete
 * (so it holds the state of everything read before then) and reports it: id, full state size, checkpointed
 * (incremental) size, end-to-end duration, external path (what {@code flink run -s} restores from), and the
 * job's checkpoint counts and duration summary.
 */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = "Wait for a checkpoint completed after a point in time and report its size and duration.")
final class CheckpointCommand implements Callable<Integer> {

    @Mixin
    FlinkJobOptions flink;

    @Option(names = "--after-millis", required = true, description = "epoch ms the checkpoint must be triggered after")
    long afterMillis;

    @Option(names = "--timeout", defaultValue = "5min", converter = Durations.class)
    Duration timeout;

    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws Exception {
        FlinkRest rest = new FlinkRest(flink.restUrl);
        Deadline deadline = Deadline.in(timeout);
        while (true) {
            JsonNode stats = rest.checkpoints(flink.jobId);
            JsonNode completed = stats.path("latest").path("completed");
            if (completed.isObject() && completed.path("trigger_timestamp").asLong() > afterMillis) {
                ObjectNode result = Json.object();
                result.put("job", flink.jobId);
                result.put("id", completed.path("id").asLong());
                result.put("stateSizeBytes", completed.path("state_size").asLong());
                result.put("checkpointedSizeBytes", completed.path("checkpointed_size").asLong());
                result.put("durationMillis", completed.path("end_to_end_duration").asLong());
                result.put("externalPath", completed.path("external_path").asText());
                result.set("counts", stats.path("counts"));
                result.set("durationSummaryMillis", stats.path("summary").path("end_to_end_duration"));
                result.set("checkpointedSizeSummaryBytes", stats.path("summary").path("checkpointed_size"));
                Json.write(out, result);
                System.out.printf("checkpoint %d: state %.1f MB (this checkpoint wrote %.1f MB) in %.1f s, %s%n",
                        completed.path("id").asLong(), completed.path("state_size").asLong() / 1e6,
                        completed.path("checkpointed_size").asLong() / 1e6,
                        completed.path("end_to_end_duration").asLong() / 1e3, completed.path("external_path").asText());
                return 0;
            }
            String state = rest.state(flink.jobId);
            if (!state.equals("RUNNING")) {
                throw new Bench.BenchFailure("job " + flink.jobId + " is " + state + " while waiting for a checkpoint");
            }
            deadline.check(() -> "no checkpoint of job " + flink.jobId + " triggered after " + afterMillis + " completed");
            deadline.pause(Duration.ofMillis(500));
        }
    }
}
