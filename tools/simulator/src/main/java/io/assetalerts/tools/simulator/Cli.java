package io.assetalerts.tools.simulator;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.assetalerts.contracts.codec.Durations;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/**
 * How the tools start and end: UTF-8 output whatever the locale, {@code --help}, exit code 0 when done, 1 when
 * something failed (one line on stderr, no stack trace), 2 on a wrong flag (the flag's one-line message).
 * Ctrl-C or SIGTERM asks the running tool to stop and waits for it to finish cleanly (flush, close).
 *
 * <p>Every tool declares its flags once, as a picocli {@code @Command}: {@link #parse} reads them and {@code --help}
 * prints them from the same declaration. Two flags are the same for every tool and read here: {@code --kafka.<property>
 * VALUE} (passed to the Kafka clients) and {@code --config FILE} (a properties file with the same keys as the flags,
 * with or without the leading {@code --}; a flag on the command line wins).
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

    /** A flag that is missing, unknown or has a bad value: one line that starts with the flag's name. */
    static final class BadFlag extends IllegalArgumentException {
        BadFlag(String flag, String problem) {
            super("--" + flag + ": " + problem);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // the message says everything
        }
    }

    /** The broker every tool but {@code rules validate} talks to: a picocli mixin. */
    static final class Broker {
        @CommandLine.Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT",
                description = "the Kafka cluster")
        String servers;
    }

    /** What {@link #parse} read: picocli's result (for subcommands) and the {@code --kafka.*} properties. */
    record Parsed(CommandLine.ParseResult result, Properties kafka) {
    }

    static final String KAFKA_PREFIX = "--kafka.";
    static final String CONFIG = "--config";
    /**
     * Reads {@code args} into {@code command}'s {@code @Option} and {@code @Parameters} fields: defaults from
     * {@code --config FILE}, {@code --kafka.*} taken aside. A wrong flag is a {@link BadFlag}.
     */
    static Parsed parse(Object command, String... given) {
        String[] args = normalize(given);
        List<String> rest = new ArrayList<>();
        Properties kafka = new Properties();
        String configFile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith(KAFKA_PREFIX) && !arg.equals(CONFIG) && !arg.startsWith(CONFIG + "=")) {
                rest.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            String value;
            if (eq > 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new BadFlag(name.substring(2), "needs a value");
            }
            if (name.equals(CONFIG)) {
                configFile = value;
            } else if (name.length() == KAFKA_PREFIX.length()) {
                throw new BadFlag("kafka.", "needs a property name, e.g. --kafka.security.protocol SSL");
            } else {
                kafka.setProperty(name.substring(KAFKA_PREFIX.length()), value);
            }
        }
        CommandLine line = commandLine(command);
        Set<String> blank = new TreeSet<>();
        List<String> remaining = withoutBlankValues(rest, blank);
        if (configFile != null) {
            String file = configFile;
            Map<String, String> config = readConfig(file);
            config.forEach((key, value) -> {
                if (value.isEmpty() && remaining.stream()
                        .noneMatch(arg -> arg.equals("--" + key) || arg.startsWith("--" + key + "="))) {
                    blank.add(key);
                }
            });
            config.values().removeIf(String::isEmpty);
            config.forEach((key, value) -> {
                if (key.startsWith("kafka.")) {
                    kafka.putIfAbsent(key.substring("kafka.".length()), value);
                } else if (findOption(line, "--" + key) == null) {
                    throw new BadFlag(key, "unknown flag (in " + file + ")");
                }
            });
            line.setDefaultValueProvider(spec -> spec instanceof OptionSpec option
                    ? config.getOrDefault(option.longestName().substring(2), option.defaultValue()) : null);
        }
        for (String name : blank) {
            OptionSpec option = findOption(line, "--" + name);
            if (option == null) {
                throw new BadFlag(name, "unknown flag");
            }
            if (option.required()) {
                throw new BadFlag(name, "is required");
            }
            if (option.defaultValue() != null) {
                throw new BadFlag(name, "must not be empty");
            }
            // an optional flag without a default, given empty: as if not given, as the jobs read it
        }
        try {
            return new Parsed(line.parseArgs(remaining.toArray(String[]::new)), kafka);
        } catch (ParameterException e) {
            throw badFlag(e);
        }
    }

    /**
     * The jobs' conventions ({@code Flags}, on Flink's ParameterTool): a flag may start with one dash
     * ({@code -seed 3}), values are trimmed. A negative number stays a value.
     */
    private static String[] normalize(String[] args) {
        String[] normalized = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.length() > 1 && arg.charAt(0) == '-' && Character.isLetter(arg.charAt(1))) {
                normalized[i] = "-" + arg;
            } else {
                normalized[i] = arg.startsWith("--") ? arg : arg.trim();
            }
        }
        return normalized;
    }

    /** {@code args} without the flags given an empty value ({@code --x ""}, {@code --x=}), which go to {@code blank}. */
    private static List<String> withoutBlankValues(List<String> args, Set<String> blank) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith("--") && arg.endsWith("=") && arg.indexOf('=') == arg.length() - 1) {
                blank.add(arg.substring(2, arg.length() - 1));
            } else if (arg.startsWith("--") && !arg.contains("=") && i + 1 < args.size()
                    && args.get(i + 1).isEmpty()) {
                blank.add(arg.substring(2));
                i++;
            } else {
                kept.add(arg);
            }
        }
        return kept;
    }

    private static OptionSpec findOption(CommandLine line, String name) {
        OptionSpec option = line.getCommandSpec().findOption(name);
        if (option != null) {
            return option;
        }
        for (CommandLine sub : line.getSubcommands().values()) {
            option = findOption(sub, name);
            if (option != null) {
                return option;
            }
        }
        return null;
    }

    /** The flags of {@code command} (and of the subcommand {@code args} name, if any), as {@code --help} shows them. */
    static String usage(Object command, String... args) {
        CommandLine line = commandLine(command);
        for (String arg : args) {
            CommandLine sub = line.getSubcommands().get(arg);
            if (sub != null) {
                line = sub;
                break;
            }
        }
        java.io.StringWriter text = new java.io.StringWriter();
        line.usage(new PrintWriter(text), CommandLine.Help.Ansi.OFF);
        return text.toString();
    }

    private static CommandLine commandLine(Object command) {
        CommandLine line = new CommandLine(command)
                .setExpandAtFiles(false)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOverwrittenOptionsAllowed(true) // a flag given twice: the last one counts, as in the jobs
                .setUnmatchedOptionsAllowedAsOptionParameters(false) // "--topic --oops": --topic needs a value
                .setUsageHelpWidth(118);
        describeCommonFlags(line);
        return line;
    }

    /** The two flags {@link #parse} reads itself, in the help of every command that takes flags. */
    private static void describeCommonFlags(CommandLine line) {
        if (!line.getSubcommands().isEmpty()) {
            line.getSubcommands().values().forEach(Cli::describeCommonFlags);
            return;
        }
        line.getCommandSpec()
                .addOption(OptionSpec.builder(KAFKA_PREFIX + "<property>").arity("1").type(String.class).paramLabel("VALUE")
                        .description("passed to the Kafka clients (e.g. security settings); repeatable").build())
                .addOption(OptionSpec.builder(CONFIG).arity("1").type(String.class).paramLabel("FILE")
                        .description("a properties file of these flags (keys with or without --); flags win").build());
    }

    private static Map<String, String> readConfig(String file) {
        Properties props = new Properties();
        try (var reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new BadFlag("config", "cannot read '" + file + "': " + e.getMessage());
        }
        Map<String, String> config = new HashMap<>();
        props.stringPropertyNames().forEach(k -> config.put(k.startsWith("--") ? k.substring(2) : k,
                props.getProperty(k).trim()));
        return config;
    }

    /** picocli's words for a flag followed by another flag instead of its value. */
    private static final java.util.regex.Pattern NO_VALUE =
            java.util.regex.Pattern.compile("Expected parameter for option '--([^']+)'");

    /** picocli's complaint as a one-line {@link BadFlag} that starts with the flag's name. */
    static BadFlag badFlag(ParameterException e) {
        java.util.regex.Matcher noValue = NO_VALUE.matcher(String.valueOf(e.getMessage()));
        if (noValue.find()) {
            return new BadFlag(noValue.group(1), "needs a value");
        }
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            return first.startsWith("-") ? new BadFlag(first.replaceFirst("^-+", "").replaceFirst("=.*", ""),
                    "unknown flag") : new BadFlag("help", "unexpected argument '" + first + "'");
        }
        if (e instanceof CommandLine.MissingParameterException missing && !missing.getMissing().isEmpty()) {
            ArgSpec spec = missing.getMissing().get(0);
            if (spec instanceof OptionSpec option) {
                return new BadFlag(option.longestName().substring(2),
                        e.getMessage().startsWith("Missing required option") ? "is required" : "needs a value");
            }
            return new BadFlag("help", "needs " + ((PositionalParamSpec) spec).paramLabel());
        }
        String message = e.getMessage();
        int reason = message.indexOf("': ");
        if (e.getArgSpec() instanceof OptionSpec option) {
            return new BadFlag(option.longestName().substring(2), reason > 0 ? message.substring(reason + 3) : message);
        }
        return new BadFlag("help", message);
    }

    /** {@code 500ms}, {@code 10s}, {@code 5 min}: Flink's notation, as the jobs read their durations. */
    static final class DurationFlag implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "expected a duration like 500ms, 10s or 5 min, got '" + value + "'");
            }
        }
    }

    /** Fails with the flag's name unless {@code duration} is more than zero. */
    static Duration positive(String flag, Duration duration) {
        if (duration != null && (duration.isZero() || duration.isNegative())) {
            throw new BadFlag(flag, "must be greater than zero");
        }
        return duration;
    }

    static void main(String name, Supplier<Object> command, String[] args, Tool tool) {
        PrintStream out = utf8(FileDescriptor.out);
        PrintStream err = utf8(FileDescriptor.err);
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                out.print(usage(command.get(), args));
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
        } catch (BadFlag e) {
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
