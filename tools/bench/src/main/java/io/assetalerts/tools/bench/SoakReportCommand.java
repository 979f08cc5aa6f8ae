package io.assetalerts.tools.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code soak-report}: a soak's summary, soak.md and soak.png computed again from its soak.json (e.g. after a change
 * of the chart); soak.json is rewritten in place when {@code --out-dir} is its folder.
 */
@Command(name = "soak-report", mixinStandardHelpOptions = true,
        description = "Redraw soak.md and soak.png from a soak's soak.json.")
final class SoakReportCommand implements Callable<Integer> {

    @Option(names = "--in", required = true, description = "soak.json of a soak")
    Path in;

    @Option(names = "--out-dir", required = true)
    Path outDir;

    @Override
    public Integer call() throws Exception {
        var result = (com.fasterxml.jackson.databind.node.ObjectNode) Json.read(in);
        result.remove(List.of("secondHalfKeyGrowthPercent", "secondHalfCheckpointGrowthPercent"));
        SoakCommand.summarize(result);
        Json.write(outDir.resolve("soak.json"), result);
        SoakCommand.writeReport(result, outDir);
        System.out.println("soak-report: " + outDir.resolve("soak.md") + ", " + outDir.resolve("soak.png"));
        return 0;
    }
}
