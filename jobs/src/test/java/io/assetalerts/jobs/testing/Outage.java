package io.assetalerts.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * A fault that lasts a set time: the input a test injects (a broker kept away for longer than the idleness, or than
 * the producers' {@code max.block.ms}), not a wait for a result. While it lasts, the job's state is polled, and the
 * test fails at once if the job reaches a terminal state: an outage may delay the job and restart it, never end it.
 */
public final class Outage {

    private static final Set<String> TERMINAL = Set.of("FAILED", "CANCELED", "FINISHED", "SUSPENDED");
    private static final Duration POLL = Duration.ofMillis(500);

    private Outage() {
    }

    /** Polls {@code jobState} until {@code length} has passed; returns the states seen, in the order first seen. */
    public static Set<String> last(Duration length, Callable<String> jobState) throws Exception {
        Set<String> seen = new LinkedHashSet<>();
        long end = System.nanoTime() + length.toNanos();
        for (long left = length.toNanos(); left > 0; left = end - System.nanoTime()) {
            String state = jobState.call();
            seen.add(state);
            assertThat(state).as("the job's state during the outage (states so far: %s)", seen).isNotIn(TERMINAL);
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, left / 1_000_000)));   // poll interval
        }
        return seen;
    }
}
