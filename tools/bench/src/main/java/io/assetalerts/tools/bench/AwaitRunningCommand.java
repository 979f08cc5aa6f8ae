package io.assetalerts.tools.bench;

import java.time.Duration;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code await-running}: returns once a job and all its tasks are RUNNING; fails if it ends or the deadline passes. */
@Command(name = "await-running", mixinStandardHelpOptions = true,
        description = "Wait until a job and every one of its tasks is RUNNING.")
final class AwaitRunningCommand implements Callable<Integer> {

    @Mixin
    FlinkJobOptions flink;

    @Option(names = "--timeout", defaultValue = "180s", converter = Durations.class)
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        FlinkRest rest = new FlinkRest(flink.restUrl);
        Deadline deadline = Deadline.in(timeout);
        long t0 = System.nanoTime();
        while (true) {
            JsonNode job = rest.job(flink.jobId);
            if (rest.allTasksRunning(job)) {
                System.out.printf("await-running: job %s runs all its tasks (%.1f s)%n", flink.jobId,
                        (System.nanoTime() - t0) / 1e9);
                return 0;
            }
            String state = job.path("state").asText();
            if (state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED")) {
                throw new Bench.BenchFailure("job " + flink.jobId + " is " + state);
            }
            deadline.check(() -> "job " + flink.jobId + " does not run all its tasks (" + state + ")");
            deadline.pause(Duration.ofMillis(200));
        }
    }
}
