package dev.tessera.cpu.kernels;

/** Up-front argument checks, so the kernels' inner loops can trust their indices. */
final class Bounds {
  private Bounds() {}

  static void panel(String what, float[] x, int off, int ld, int rows, int cols) {
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException(what + ": sizes must be >= 1, got " + rows + "x" + cols);
    }
    if (off < 0 || ld < cols) {
      throw new IllegalArgumentException(what + ": bad offset " + off + " or leading dimension "
          + ld + " for " + cols + " columns");
    }
    long end = off + (long) (rows - 1) * ld + cols;
    if (end > x.length) {
      throw new IndexOutOfBoundsException(what + ": panel ends at " + end + " but array length is "
          + x.length);
    }
  }

  static void range(String what, float[] x, int off, int len) {
    if (off < 0 || len < 0 || (long) off + len > x.length) {
      throw new IndexOutOfBoundsException(what + ": [" + off + ", " + ((long) off + len) + ") is outside an array of length " + x.length);
    }
  }
}
