package io.assetalerts.tools.bench;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Polling with a deadline: every wait in the bench is "check a condition, pause a little, check again, give up
 * with a message at the deadline", never a sleep that hopes something happened meanwhile.
 */
final class Deadline {

    private final long deadlineNanos;
    private final Duration timeout;

    private Deadline(Duration timeout) {
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    static Deadline in(Duration timeout) {
        return new Deadline(timeout);
    }

    boolean passed() {
        return System.nanoTime() - deadlineNanos > 0;
    }

    /** Throws a {@link Bench.BenchFailure} saying what did not happen in time, once the deadline has passed. */
    void check(Supplier<String> whatIsMissing) {
        if (passed()) {
            throw new Bench.BenchFailure(whatIsMissing.get() + " after " + timeout.toSeconds() + " s");
        }
    }

    /** The pause between two polls (shortened to the deadline). */
    void pause(Duration interval) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        long nanos = Math.max(0, Math.min(interval.toNanos(), left));
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    }
}
