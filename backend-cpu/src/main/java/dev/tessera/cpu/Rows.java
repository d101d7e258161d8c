package dev.tessera.cpu;

/** Row helpers called by generated normalizer steps. */
public final class Rows {
  private Rows() {}

  /**
   * Where the visible entries of a row are, if they form one contiguous run: {@code lo << 16 | n}
   * (n = 0 when none is visible); -1 when they do not. Causal and sliding-window masks give runs,
   * so their partly visible tiles still take the unmasked, vectorised path.
   */
  public static int visibleRun(byte[] vis, int off, int cols) {
    int lo = 0;
    while (lo < cols && vis[off + lo] == 0) lo++;
    if (lo == cols) return 0;
    int hi = lo;
    while (hi < cols && vis[off + hi] != 0) hi++;
    for (int c = hi; c < cols; c++) if (vis[off + c] != 0) return -1;
    return lo << 16 | (hi - lo);
  }
}
