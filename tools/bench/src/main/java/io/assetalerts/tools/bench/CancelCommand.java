package io.assetalerts.tools.bench;

import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cancel}: cancels a job over REST and returns once it is CANCELED (or already ended). */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job and wait until it has ended.")
final class CancelCommand implements Callable<Integer> {

    @Mixin
    FlinkJobOptions flink;

    @Option(names = "--timeout", defaultValue = "120s", converter = Durations.class)
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        FlinkRest rest = new FlinkRest(flink.restUrl);
        Deadline deadline = Deadline.in(timeout);
        if (rest.state(flink.jobId).equals("RUNNING")) {
            rest.cancel(flink.jobId);
        }
        while (true) {
            String state = rest.state(flink.jobId);
            if (state.equals("CANCELED") || state.equals("FAILED") || state.equals("FINISHED")) {
                System.out.println("cancel: job " + flink.jobId + " is " + state);
                return 0;
            }
            deadline.check(() -> "job " + flink.jobId + " is still " + state);
            deadline.pause(Duration.ofMillis(200));
        }
    }
}
