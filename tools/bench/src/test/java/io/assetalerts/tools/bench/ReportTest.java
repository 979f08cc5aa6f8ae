package io.assetalerts.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @Test
    void writesTheTablesTheJsonAndTheChart(@TempDir Path dir) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Json.write(work.resolve("consumer-perf.json"), Json.object().put("recordsPerSecond", 400_000));
        Json.write(work.resolve("read-parse.json"), Json.object().put("recordsPerSecond", 200_000));
        ObjectNode alertJob = Json.object().put("label", "before").put("recordsPerSecond", 20_000);
        ObjectNode vertex = alertJob.putObject("halfway").put("count", 10).putArray("vertices").addObject();
        vertex.put("name", "Drop duplicate eventIds");
        vertex.putObject("busyTimeMsPerSecond").put("avg", 900).put("max", 950);
        Json.write(work.resolve("alert-job.json"), alertJob);
        Json.write(work.resolve("latency-exactly-once.json"), Json.object().put("achievedRate", 2000)
                .put("spikesSent", 600).put("matched", 600).put("p50Millis", 10_500.0).put("p90Millis", 14_000.0)
                .put("p99Millis", 15_800.0).put("maxMillis", 16_100.0));

        ReportCommand report = new ReportCommand();
        report.workDir = work;
        report.outDir = dir.resolve("out");
        report.commit = "abc1234";
        report.settings = Map.of("readings", "1000");
        assertThat(report.call()).isZero();

        String md = Files.readString(dir.resolve("out/results.md"));
        assertThat(md).contains("| Kafka ConsumerPerformance (1 consumer, no parsing) | 400,000 | 1.00× | 2.00× |")
                .contains("| Alert job, p=2, exactly-once | 20,000 | 0.05× | 0.10× |")
                .contains("| Drop duplicate eventIds | 900 (950) |")
                .contains("| exactly-once | 2,000 | 600 | 600 | 10,500 ms | 14,000 ms | 15,800 ms | 16,100 ms |")
                .contains("Not in this run (skipped or failed): fill,");
        var results = Json.read(dir.resolve("out/results.json"));
        assertThat(results.path("commit").asText()).isEqualTo("abc1234");
        assertThat(results.path("machine").path("cores").asInt()).isPositive();
        assertThat(results.path("readers")).hasSize(3);
        BufferedImage chart = ImageIO.read(dir.resolve("out/chart.png").toFile());
        assertThat(chart.getWidth()).isEqualTo(1000);
    }

    @Test
    void niceAxisSteps() {
        assertThat(BarChart.niceStep(83_000)).isEqualTo(100_000);
        assertThat(BarChart.niceStep(42_000)).isEqualTo(50_000);
        assertThat(BarChart.compact(250_000)).isEqualTo("250k");
        assertThat(BarChart.compact(1_500_000)).isEqualTo("1.5M");
        assertThat(List.of(BarChart.niceStep(0))).containsExactly(1.0);
    }
}
