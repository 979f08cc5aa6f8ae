package io.assetalerts.tools.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * A horizontal bar chart drawn with plain Java2D (headless) and written as PNG with ImageIO: one bar per reader,
 * its value at the end of the bar, a light grid. No chart library.
 */
final class BarChart {

    /** One bar. */
    record Bar(String label, double value) {
    }

    private static final int WIDTH = 1000;
    private static final int BAR_HEIGHT = 46;
    private static final int GAP = 18;
    private static final int LEFT = 360;
    private static final int RIGHT = 150;
    private static final int TOP = 78;
    private static final int BOTTOM = 50;
    private static final Color[] COLORS = {
        new Color(0x4C78A8), new Color(0xF58518), new Color(0xE45756), new Color(0x72B7B2), new Color(0x54A24B),
    };

    private BarChart() {
    }

    static void write(Path file, String title, String subtitle, List<Bar> bars) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int height = TOP + BOTTOM + Math.max(1, bars.size()) * (BAR_HEIGHT + GAP);
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = page(image, title, subtitle);
        try {

            double max = bars.stream().mapToDouble(Bar::value).max().orElse(1);
            double step = niceStep(max / 5);
            double axisMax = Math.ceil(max / step) * step;
            int plotWidth = WIDTH - LEFT - RIGHT;
            int plotBottom = height - BOTTOM;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics small = g.getFontMetrics();
            for (double v = 0; v <= axisMax + step / 2; v += step) {
                int x = LEFT + (int) Math.round(v / axisMax * plotWidth);
                g.setColor(new Color(0xE0E0E0));
                g.setStroke(new BasicStroke(1));
                g.drawLine(x, TOP - 6, x, plotBottom);
                g.setColor(Color.GRAY);
                String tick = compact(v);
                g.drawString(tick, x - small.stringWidth(tick) / 2, plotBottom + 18);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < bars.size(); i++) {
                Bar bar = bars.get(i);
                int y = TOP + i * (BAR_HEIGHT + GAP);
                int w = (int) Math.round(bar.value() / axisMax * plotWidth);
                g.setColor(COLORS[i % COLORS.length]);
                g.fillRect(LEFT, y, Math.max(w, 1), BAR_HEIGHT);
                g.setColor(Color.BLACK);
                drawWrapped(g, fm, bar.label(), 20, y, LEFT - 30, BAR_HEIGHT);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
                g.drawString(String.format(Locale.ROOT, "%,.0f/s", bar.value()), LEFT + w + 8,
                        y + BAR_HEIGHT / 2 + fm.getAscent() / 2 - 2);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            }
            g.setColor(Color.GRAY);
            g.drawLine(LEFT, TOP - 6, LEFT, plotBottom);
        } finally {
            g.dispose();
        }
        writePng(image, file);
    }

    /** A white page with antialiasing on, the title and the subtitle at its top: the start of every bench chart. */
    static Graphics2D page(BufferedImage image, String title, String subtitle) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        g.drawString(title, 20, 32);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.setColor(Color.DARK_GRAY);
        g.drawString(subtitle, 20, 56);
        return g;
    }

    static void writePng(BufferedImage image, Path file) throws IOException {
        if (file.getParent() != null) {
            java.nio.file.Files.createDirectories(file.getParent());
        }
        ImageIO.write(image, "png", file.toFile());
    }

    /** The label in at most two lines that fit {@code width}, centred on the bar. */
    private static void drawWrapped(Graphics2D g, FontMetrics fm, String text, int x, int y, int width, int height) {
        String first = text;
        String second = null;
        if (fm.stringWidth(text) > width) {
            int cut = text.lastIndexOf(' ', text.length() / 2 + 8);
            while (cut > 0 && fm.stringWidth(text.substring(0, cut)) > width) {
                cut = text.lastIndexOf(' ', cut - 1);
            }
            if (cut > 0) {
                first = text.substring(0, cut);
                second = text.substring(cut + 1);
            }
        }
        int lines = second == null ? 1 : 2;
        int lineHeight = fm.getHeight();
        int top = y + (height - lines * lineHeight) / 2 + fm.getAscent();
        g.drawString(first, x, top);
        if (second != null) {
            g.drawString(second, x, top + lineHeight);
        }
    }

    static double niceStep(double raw) {
        if (raw <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double residual = raw / magnitude;
        double nice = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    static String compact(double v) {
        if (v >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (v >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
