package io.assetalerts.tools.bench;

import picocli.CommandLine.Option;

/** The job a command watches or acts on, and the cluster's REST endpoint: a picocli mixin. */
final class FlinkJobOptions {

    @Option(names = "--rest", required = true, description = "Flink REST URL, e.g. http://127.0.0.1:18081")
    String restUrl;

    @Option(names = "--job", required = true, description = "the job's id")
    String jobId;
}
