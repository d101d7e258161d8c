package dev.tessera.mesh;

/**
 * A strided rectangle of cores: columns {@code x0, x0+xs, … ≤ x1} and rows {@code y0, y0+ys, … ≤ y1}.
 * Programs and routes are attached to core sets, so a 720×720 program is a handful of rules rather
 * than half a million objects. Text: {@code x0..x1/xs,y0..y1/ys} (the stride omitted when 1).
 */
public record CoreSet(int x0, int x1, int xs, int y0, int y1, int ys) {
  public CoreSet {
    if (x0 < 0 || y0 < 0 || x1 < x0 || y1 < y0 || xs < 1 || ys < 1) {
      throw new IllegalArgumentException("core set " + x0 + ".." + x1 + "/" + xs + "," + y0 + ".." + y1 + "/" + ys);
    }
  }

  public static CoreSet of(int x, int y) {
    return new CoreSet(x, x, 1, y, y, 1);
  }

  public static CoreSet rect(int x0, int x1, int y0, int y1) {
    return new CoreSet(x0, x1, 1, y0, y1, 1);
  }

  public boolean contains(int x, int y) {
    return x >= x0 && x <= x1 && (x - x0) % xs == 0 && y >= y0 && y <= y1 && (y - y0) % ys == 0;
  }

  @Override
  public String toString() {
    return range(x0, x1, xs) + "," + range(y0, y1, ys);
  }

  private static String range(int a, int b, int s) {
    return a + ".." + b + (s == 1 ? "" : "/" + s);
  }

  /** Reads the text form; {@link IllegalArgumentException} on bad text. */
  public static CoreSet parse(String text) {
    String[] xy = text.split(",", -1);
    if (xy.length != 2) throw new IllegalArgumentException("expected x0..x1,y0..y1, got '" + text + "'");
    int[] x = parseRange(xy[0]);
    int[] y = parseRange(xy[1]);
    return new CoreSet(x[0], x[1], x[2], y[0], y[1], y[2]);
  }

  private static int[] parseRange(String t) {
    String[] slash = t.strip().split("/", -1);
    String[] ends = slash[0].split("\\.\\.", -1);
    if (ends.length != 2 || slash.length > 2) throw new IllegalArgumentException("expected a..b or a..b/step, got '" + t + "'");
    try {
      return new int[] {Integer.parseInt(ends[0]), Integer.parseInt(ends[1]), slash.length == 2 ? Integer.parseInt(slash[1]) : 1};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected whole numbers in '" + t + "'");
    }
  }
}
