package dev.tessera.runtime.mesh;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws a simulation as two panels: each core's busy share of the run (dark cores wait) and the
 * words each link carried (both directions together), with a colour scale under each. Written as
 * SVG text or as a PNG through javax.imageio, from the same list of shapes.
 */
public final class Heatmap {
  private sealed interface Shape {}

  private record Rect(double x, double y, double w, double h, Color c) implements Shape {}

  private record Text(double x, double y, String s, int size) implements Shape {}

  private static final int PANEL = 480;
  private static final int MARGIN = 40;

  private Heatmap() {}

  /** Writes {@code path} as SVG when it ends in .svg, else as PNG. */
  public static void write(Path path, SimResult r, String title) throws IOException {
    List<Shape> shapes = shapes(r, title);
    int width = 2 * PANEL + 3 * MARGIN;
    int height = PANEL + 4 * MARGIN + 20;
    if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg")) {
      Files.writeString(path, svg(shapes, width, height), StandardCharsets.UTF_8);
    } else {
      BufferedImage img = png(shapes, width, height);
      if (!javax.imageio.ImageIO.write(img, "png", path.toFile())) throw new IOException("no PNG writer");
    }
  }

  static List<Shape> shapes(SimResult r, String title) {
    List<Shape> out = new ArrayList<>();
    int w = r.width();
    int h = r.height();
    double cell = (double) PANEL / Math.max(w, h);
    out.add(new Text(MARGIN, 24, title, 16));
    double maxBusy = 0;
    for (double b : r.busy()) maxBusy = Math.max(maxBusy, b);
    out.add(new Text(MARGIN, MARGIN + 12, String.format(Locale.ROOT, "core busy, %% of %.0f cycles (dark: waiting)", r.cycles()), 12));
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double f = r.cycles() > 0 ? r.busy()[y * w + x] / r.cycles() : 0;
        out.add(new Rect(MARGIN + x * cell, 2 * MARGIN + y * cell, cell * 0.92, cell * 0.92, ramp(f)));
      }
    }
    scale(out, MARGIN, 2 * MARGIN + PANEL + 10, "0%", "100%");
    long maxWords = 1;
    long[] links = new long[2 * w * h];
    for (int c = 0; c < w * h; c++) {
      int x = c % w;
      int y = c / w;
      if (x + 1 < w) links[2 * c] = r.linkWords()[4 * c + 1] + r.linkWords()[4 * (c + 1) + 3];
      if (y + 1 < h) links[2 * c + 1] = r.linkWords()[4 * c + 2] + r.linkWords()[4 * (c + w)];
      maxWords = Math.max(maxWords, Math.max(links[2 * c], links[2 * c + 1]));
    }
    double ox = 2 * MARGIN + PANEL;
    out.add(new Text(ox, MARGIN + 12, "words per link, both directions (max " + maxWords + "; pale: unused)", 12));
    for (int c = 0; c < w * h; c++) {
      double cx = ox + (c % w) * cell;
      double cy = 2 * MARGIN + (c / w) * cell;
      out.add(new Rect(cx + cell * 0.2, cy + cell * 0.2, cell * 0.5, cell * 0.5, new Color(220, 220, 220)));
      if (c % w + 1 < w) out.add(new Rect(cx + cell * 0.7, cy + cell * 0.3, cell * 0.5, cell * 0.3, traffic(links[2 * c], maxWords)));
      if (c / w + 1 < h) out.add(new Rect(cx + cell * 0.3, cy + cell * 0.7, cell * 0.3, cell * 0.5, traffic(links[2 * c + 1], maxWords)));
    }
    scale(out, ox, 2 * MARGIN + PANEL + 10, "0", Long.toString(maxWords));
    return out;
  }

  private static void scale(List<Shape> out, double x, double y, String lo, String hi) {
    for (int i = 0; i < 100; i++) out.add(new Rect(x + i * 2.4, y, 2.4, 12, ramp(i / 99.0)));
    out.add(new Text(x, y + 28, lo, 11));
    out.add(new Text(x + 230, y + 28, hi, 11));
  }

  /** An idle link is drawn pale, so that it is not read as a lightly used one. */
  private static Color traffic(long words, long max) {
    return words == 0 ? new Color(240, 240, 240) : ramp((double) words / max);
  }

  /** A dark-blue → teal → yellow ramp (close to viridis), readable in grey too. */
  static Color ramp(double f) {
    double t = Math.max(0, Math.min(1, f));
    double[][] stops = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    double p = t * (stops.length - 1);
    int i = Math.min(stops.length - 2, (int) p);
    double u = p - i;
    int[] c = new int[3];
    for (int k = 0; k < 3; k++) c[k] = (int) Math.round(stops[i][k] + u * (stops[i + 1][k] - stops[i][k]));
    return new Color(c[0], c[1], c[2]);
  }

  private static String svg(List<Shape> shapes, int width, int height) {
    StringBuilder sb = new StringBuilder();
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height).append("\">\n");
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    for (Shape s : shapes) {
      switch (s) {
        case Rect r -> sb.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#%02x%02x%02x\"/>%n",
            r.x(), r.y(), r.w(), r.h(), r.c().getRed(), r.c().getGreen(), r.c().getBlue()));
        case Text t -> sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-family=\"sans-serif\" font-size=\"%d\">%s</text>%n",
            t.x(), t.y(), t.size(), t.s().replace("&", "&amp;").replace("<", "&lt;")));
      }
    }
    return sb.append("</svg>\n").toString();
  }

  private static BufferedImage png(List<Shape> shapes, int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    for (Shape s : shapes) {
      switch (s) {
        case Rect r -> {
          g.setColor(r.c());
          g.fillRect((int) Math.round(r.x()), (int) Math.round(r.y()), Math.max(1, (int) Math.round(r.w())), Math.max(1, (int) Math.round(r.h())));
        }
        case Text t -> {
          g.setColor(Color.BLACK);
          g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, t.size()));
          g.drawString(t.s(), (float) t.x(), (float) t.y());
        }
      }
    }
    g.dispose();
    return img;
  }

  /** The per-core and per-link sums of several simulations on the same grid, their cycles added. */
  public static SimResult sum(List<SimResult> runs) {
    SimResult first = runs.get(0);
    double[] busy = new double[first.busy().length];
    long[] links = new long[first.linkWords().length];
    double cycles = 0;
    for (SimResult r : runs) {
      cycles += r.cycles();
      for (int i = 0; i < busy.length; i++) busy[i] += r.busy()[i];
      for (int i = 0; i < links.length; i++) links[i] += r.linkWords()[i];
    }
    return new SimResult(cycles, first.width(), first.height(), busy, links);
  }
}
