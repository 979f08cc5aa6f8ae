package io.assetalerts.tools.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bench-tools.jar}: the Java steps of {@code tools/bench/run.sh}, one subcommand each. Every
 * step that measures something writes its result as one JSON document ({@code --out FILE}); {@code report} turns
 * the documents of a run into {@code results.json}, {@code results.md} and {@code chart.png}. Exit code 0 when the
 * step did what it should, 1 when it failed (one line on stderr), 2 on a wrong flag.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark steps for tools/bench/run.sh (see its --help for the whole run).",
        subcommands = {
            TopicsCommand.class,
            FillCommand.class,
            ConsumerPerfCommand.class,
            ThroughputCommand.class,
            CheckpointCommand.class,
            AwaitRunningCommand.class,
            CancelCommand.class,
            CountAlertsCommand.class,
            RestoreCommand.class,
            LatencyCommand.class,
            SoakCommand.class,
            SoakReportCommand.class,
            ProfileSummaryCommand.class,
            ReportCommand.class,
            RegistryHeapCommand.class,
        })
public final class Bench implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Bench());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + describe(e));
            return 1;
        });
        System.exit(cli.execute(args));
    }

    /** One line: the exception's message, and its root cause's when that says more. */
    static String describe(Throwable e) {
        if (e instanceof BenchFailure) {
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

    /** A failure a step explains itself: printed as its message alone. */
    static final class BenchFailure extends RuntimeException {
        BenchFailure(String message) {
            super(message);
        }
    }
}
