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
 * {@code restore}: times a job resubmitted from a retained checkpoint, from {@code --since-millis} (when run.sh
 * started {@code flink run -s}): until all its tasks are RUNNING (state restored, RocksDB and broadcast state
 * included), and until its source has read records again (run.sh put a top-up of readings in the topic before the
 * resubmission, so there is something to read at once).
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Time a job restored from a checkpoint until it runs and its source reads again.")
final class RestoreCommand implements Callable<Integer> {

    @Mixin
    FlinkJobOptions flink;

    @Option(names = "--topic", required = true)
    String topic;

    @Option(names = "--since-millis", required = true, description = "epoch ms the resubmission started")
    long sinceMillis;

    @Option(names = "--from", description = "the checkpoint path restored from (reported)")
    String from;

    @Option(names = "--timeout", defaultValue = "10min", converter = Durations.class)
    Duration timeout;

    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws Exception {
        FlinkRest rest = new FlinkRest(flink.restUrl);
        Deadline deadline = Deadline.in(timeout);
        while (true) {
            JsonNode job = rest.job(flink.jobId);
            if (rest.allTasksRunning(job)) {
                break;
            }
            String state = job.path("state").asText();
            if (state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED")) {
                throw new Bench.BenchFailure("the restored job " + flink.jobId + " is " + state);
            }
            deadline.check(() -> "the restored job " + flink.jobId + " is not running (" + state + ")");
            deadline.pause(Duration.ofMillis(100));
        }
        long runningAt = System.currentTimeMillis();
        SourceCounter source = SourceCounter.await(rest, flink.jobId, topic, deadline);
        long count;
        while ((count = source.count()) == 0) {
            deadline.check(() -> "the restored job's source has read nothing");
            deadline.pause(Duration.ofMillis(100));
        }
        long consumingAt = System.currentTimeMillis();
        ObjectNode result = Json.object();
        result.put("job", flink.jobId);
        result.put("restoredFrom", from);
        result.put("secondsToRunning", Json.round((runningAt - sinceMillis) / 1e3, 2));
        result.put("secondsToConsuming", Json.round((consumingAt - sinceMillis) / 1e3, 2));
        result.put("firstCount", count);
        result.set("restoredCheckpoint", rest.checkpoints(flink.jobId).path("latest").path("restored"));
        Json.write(out, result);
        System.out.printf("restore: running %.1f s, reading again %.1f s after flink run -s%n",
                (runningAt - sinceMillis) / 1e3, (consumingAt - sinceMillis) / 1e3);
        return 0;
    }
}
