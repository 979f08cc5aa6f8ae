package io.assetalerts.tools.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Curves over time in a grid of panels (two per row), drawn with plain Java2D (headless) and written as PNG with
 * ImageIO, like {@link BarChart}: each panel has its own y axis from 0, a light grid and a legend. No chart library.
 */
final class LineChart {

    /** One curve: y against x (the same length). */
    record Series(String name, double[] x, double[] y) {
    }

    /** One panel: its title, the unit of its y axis, its curves. */
    record Panel(String title, String unit, List<Series> series) {
    }

    private static final int PANEL_WIDTH = 640;
    private static final int PANEL_HEIGHT = 350;
    private static final int HEADER = 76;
    private static final int LEFT = 80;
    private static final int RIGHT = 24;
    private static final int TOP = 90;
    private static final int BOTTOM = 46;
    private static final Color[] COLORS = {
        new Color(0x4C78A8), new Color(0xF58518), new Color(0xE45756), new Color(0x72B7B2), new Color(0x54A24B),
        new Color(0xB279A2),
    };

    private LineChart() {
    }

    static void write(Path file, String title, String subtitle, String xLabel, List<Panel> panels)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        int rows = (panels.size() + 1) / 2;
        int width = 2 * PANEL_WIDTH;
        int height = HEADER + rows * PANEL_HEIGHT;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = BarChart.page(image, title, subtitle);
        try {
            for (int i = 0; i < panels.size(); i++) {
                drawPanel(g, panels.get(i), (i % 2) * PANEL_WIDTH, HEADER + (i / 2) * PANEL_HEIGHT, xLabel);
            }
        } finally {
            g.dispose();
        }
        BarChart.writePng(image, file);
    }

    private static void drawPanel(Graphics2D g, Panel panel, int x0, int y0, String xLabel) {
        int plotX = x0 + LEFT;
        int plotY = y0 + TOP;
        int plotW = PANEL_WIDTH - LEFT - RIGHT;
        int plotH = PANEL_HEIGHT - TOP - BOTTOM;
        double xMax = 1;
        double yMax = 0;
        for (Series s : panel.series()) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    xMax = Math.max(xMax, s.x()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        double yStep = BarChart.niceStep(Math.max(yMax, 1e-9) / 4);
        double yAxis = Math.max(yStep, Math.ceil(yMax / yStep) * yStep);
        double xStep = BarChart.niceStep(xMax / 6);
        double xAxis = Math.ceil(xMax / xStep) * xStep;

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(panel.title() + " (" + panel.unit() + ")", plotX, y0 + 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double v = 0; v <= yAxis + yStep / 2; v += yStep) {
            int y = plotY + plotH - (int) Math.round(v / yAxis * plotH);
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(plotX, y, plotX + plotW, y);
            g.setColor(Color.DARK_GRAY);
            String text = BarChart.compact(v);
            g.drawString(text, plotX - 8 - g.getFontMetrics().stringWidth(text), y + 4);
        }
        for (double v = 0; v <= xAxis + xStep / 2; v += xStep) {
            int x = plotX + (int) Math.round(v / xAxis * plotW);
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(x, plotY, x, plotY + plotH);
            g.setColor(Color.DARK_GRAY);
            String text = BarChart.compact(v);
            g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, plotY + plotH + 16);
        }
        g.drawString(xLabel, plotX + plotW - g.getFontMetrics().stringWidth(xLabel), plotY + plotH + 34);
        g.setColor(Color.GRAY);
        g.drawRect(plotX, plotY, plotW, plotH);

        int legendX = plotX + 8;
        int legendY = y0 + 34;
        for (int k = 0; k < panel.series().size(); k++) {
            Series s = panel.series().get(k);
            Color color = COLORS[k % COLORS.length];
            g.setColor(color);
            g.setStroke(new BasicStroke(2f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) {
                    px = -1;
                    continue;
                }
                int x = plotX + (int) Math.round(s.x()[i] / xAxis * plotW);
                int y = plotY + plotH - (int) Math.round(s.y()[i] / yAxis * plotH);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 2, y - 2, 5, 5);
                px = x;
                py = y;
            }
            g.setStroke(new BasicStroke(1f));
            int width = 18 + g.getFontMetrics().stringWidth(s.name()) + 16;
            if (legendX + width > x0 + PANEL_WIDTH - RIGHT && legendX > plotX + 8) {
                legendX = plotX + 8;   // a second legend line
                legendY += 17;
            }
            g.setColor(color);
            g.fillRect(legendX, legendY, 14, 8);
            g.setColor(Color.DARK_GRAY);
            g.drawString(s.name(), legendX + 18, legendY + 9);
            legendX += width;
        }
    }
}
