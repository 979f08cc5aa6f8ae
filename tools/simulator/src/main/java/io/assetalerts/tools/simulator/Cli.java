package io.assetalerts.tools.simulator;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.assetalerts.udfs.config.InvalidFlagException;

/**
 * How the tools start and end: UTF-8 output whatever the locale, {@code --help}, exit code 0 when done, 1 when
 * something failed (one line on stderr, no stack trace), 2 on a wrong flag (the flag's one-line message).
 * Ctrl-C or SIGTERM asks the running tool to stop and waits for it to finish cleanly (flush, close).
 */
final class Cli {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final long STOP_WAIT_SECONDS = 15;

    /** The body of a tool; it polls {@code stop} and returns its exit code. */
    @FunctionalInterface
    interface Tool {
        int run(String[] args, PrintStream out, PrintStream err, Stop stop) throws Exception;
    }

    /** Set when the JVM is asked to shut down; a tool may register what interrupts its blocking calls. */
    static final class Stop {
        private volatile boolean requested;
        private volatile Runnable onRequest = () -> { };

        boolean requested() {
            return requested;
        }

        void onRequest(Runnable action) {
            onRequest = action;
            if (requested) {
                action.run();
            }
        }

        void request() {
            requested = true;
            onRequest.run();
        }
    }

    /** A failure the tool explains itself: printed as its message alone. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }

        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Cli() {
    }

    static void main(String name, String usage, String[] args, Tool tool) {
        PrintStream out = utf8(FileDescriptor.out);
        PrintStream err = utf8(FileDescriptor.err);
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                out.print(usage);
                out.flush();
                System.exit(OK);
            }
        }
        Stop stop = new Stop();
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.request();
            try {
                finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-stop"));
        int code = run(name, args, tool, out, err, stop);
        out.flush();
        err.flush();
        finished.countDown();
        System.exit(code);
    }

    static int run(String name, String[] args, Tool tool, PrintStream out, PrintStream err, Stop stop) {
        try {
            return tool.run(args, out, err, stop);
        } catch (InvalidFlagException e) {
            err.println(name + ": " + e.getMessage() + " (--help lists the flags)");
            return USAGE;
        } catch (Exception e) {
            err.println(name + ": " + describe(e));
            return FAILED;
        }
    }

    /** One line: the exception's type and message, and its root cause's when that says more. */
    static String describe(Throwable e) {
        if (e instanceof Failure) {
            return e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (root != e && root.getMessage() != null
                && (e.getMessage() == null || !e.getMessage().contains(root.getMessage()))) {
            text += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return text.replace('\n', ' ');
    }

    private static PrintStream utf8(FileDescriptor fd) {
        return new PrintStream(new FileOutputStream(fd), true, StandardCharsets.UTF_8);
    }
}
