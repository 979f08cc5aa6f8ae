package io.assetalerts.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakTest {

    @Test
    void aRocksDbNativeMetricIsAttributedToItsOperatorAndState() {
        String id = "Order_by_event_time__join_registry__rules.pending-readings.rocksdb_estimate-num-keys";
        assertThat(SoakCommand.stateName(id)).isEqualTo("Order_by_event_time__join_registry__rules.pending-readings");
        assertThat(SoakCommand.shortName(SoakCommand.stateName(id))).isEqualTo("pending-readings (Order by)");
        assertThat(SoakCommand.shortName(SoakCommand.stateName(
                "Drop_duplicate_eventIds._timer_state/event_user-timers.rocksdb_estimate-live-data-size")))
                .isEqualTo("_timer_state/event_user-timers (Drop duplicate)");
        // two states of one operator stay apart
        assertThat(SoakCommand.stateName("Op.a.rocksdb_estimate-num-keys"))
                .isNotEqualTo(SoakCommand.stateName("Op.b.rocksdb_estimate-num-keys"));
    }

    @Test
    void theChartHasAPanelPerCurveGroupTwoToARow(@TempDir Path dir) throws Exception {
        double[] x = {1, 2, 3};
        Path png = dir.resolve("soak.png");
        LineChart.write(png, "title", "subtitle", "minutes", List.of(
                new LineChart.Panel("a", "MB", List.of(new LineChart.Series("s", x, new double[] {1, 2, 2}))),
                new LineChart.Panel("b", "MB", List.of(new LineChart.Series("s", x, new double[] {0, 0, 0}))),
                new LineChart.Panel("c", "MB", List.of(new LineChart.Series("s", x,
                        new double[] {1, Double.NaN, 3})))));
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(image.getHeight()).isEqualTo(76 + 2 * 350);
    }
}
