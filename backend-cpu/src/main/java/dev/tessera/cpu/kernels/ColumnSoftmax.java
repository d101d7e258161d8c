package dev.tessera.cpu.kernels;

/**
 * A fused-attention key block with the online softmax computed down columns: the scores are held
 * transposed, sixteen query rows to a vector, so the running maximum, the exponentials and the
 * row sums are plain lane-wise vector operations (no horizontal reductions, no per-row calls), and
 * the weights are already laid out as the P·V product's broadcast operand (no packing per block).
 *
 * <p>Layout of the scores {@code st}: query rows in groups of {@link #GROUP}; group g holds, for
 * each key c, the group's sixteen scores contiguously at {@code st[g·16·keys8 + c·16 ..]}, keys8
 * being the key count rounded up to 8. Only available with 512-bit vectors (see {@link #available}).
 *
 * <p>Measured on the development machine (AVX-512, one thread, mha at M = N = 512, D = 64, the
 * key blocks all fully visible): see docs/benchmarks/cpu.md.
 */
public final class ColumnSoftmax {
  /** Query rows per vector. */
  public static final int GROUP = 16;
  private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
      && Boolean.parseBoolean(System.getProperty("tessera.cpu.vector", "true")) && VectorColumnSoftmax.supported();

  private ColumnSoftmax() {}

  /** Whether this path can run here: the Vector API is present and its preferred float vector has 16 lanes. */
  public static boolean available() {
    return AVAILABLE;
  }

  /** Floats {@link #packKeys} writes for a block of {@code keys} keys of width d. */
  public static int keysSize(int keys, int d) {
    return (keys + GROUP - 1) / GROUP * GROUP * d;
  }

  /**
   * Packs K[keys × d] (row stride ld) as panels of 16 keys, step-major, zero past the last key:
   * the score micro-kernel then reads A with the same constant stride as in the P·V product.
   */
  public static void packKeys(float[] k, int off, int ld, int keys, int d, float[] dst, int dOff) {
    Bounds.panel("K", k, off, ld, keys, d);
    Bounds.range("packed K", dst, dOff, keysSize(keys, d));
    VectorColumnSoftmax.packKeys(k, off, ld, keys, d, dst, dOff);
  }

  /** Floats {@link #packQueries} writes for {@code rows} queries of width d. */
  public static int queriesSize(int rows, int d) {
    return MatMul.best().packedSize(rows, d);
  }

  /** Packs alpha · Q[rows × d] (row stride ld) as the score product's vector operand. */
  public static void packQueries(float[] q, int off, int ld, int rows, int d, float alpha, float[] dst) {
    // A last panel of fewer than 32 rows leaves lanes unwritten; zero them rather than scale stale values.
    int size = queriesSize(rows, d);
    int panel = MatMul.best().packedSize(1, 1);
    int full = rows / panel * panel * d;
    if (full < size) java.util.Arrays.fill(dst, full, size, 0f);
    MatMul.best().packBt(q, off, ld, rows, d, dst, 0);
    if (alpha != 1f) VectorColumnSoftmax.scale(dst, size, alpha);
  }

  /**
   * Floats of the transposed score block for {@code keys} keys and {@code rows} query rows: an even
   * number of groups, as the micro-kernel writes two at a time (an odd last one's partner is scratch).
   */
  public static int scoresSize(int keys, int rows) {
    return (rows + 2 * GROUP - 1) / (2 * GROUP) * 2 * GROUP * roundUp8(keys);
  }

  /** st = (packed K)·(packed Q)ᵀ in the layout above; Q was packed with the scale. */
  public static void scores(float[] kp, int kpOff, int keys, float[] qp, int rows, int d, float[] st) {
    Bounds.range("packed K", kp, kpOff, keysSize(keys, d));
    Bounds.range("packed Q", qp, 0, queriesSize(rows, d));
    Bounds.range("scores", st, 0, scoresSize(keys, rows));
    VectorColumnSoftmax.scores(kp, kpOff, keys, qp, rows, d, st);
  }

  /**
   * The online softmax's step over the block, for every row: with m = state[r] and l =
   * state[sld + r], mx = max(m, max over keys of st), rescale[r] = exp(m − mx), the scores
   * replaced by exp(st − mx), l = l·rescale + their sum, m = mx.
   */
  public static void softmax(float[] st, int keys, int rows, float[] state, int sld, float[] rescale) {
    Bounds.range("scores", st, 0, scoresSize(keys, rows));
    Bounds.range("state", state, 0, sld + rows);
    Bounds.range("rescale", rescale, 0, rows);
    VectorColumnSoftmax.softmax(st, keys, rows, state, sld, rescale);
  }

  /**
   * acc[r, :] = acc[r, :] · rescale[r] + (P · V)[r, :], P the weights in st and V packed by
   * MatMul.packB (k = keys) at vp[vpOff ..]; rows a multiple of 8. The online softmax's rescale of
   * the running output rides on the product's first load of each accumulator.
   */
  public static void aggregate(float[] st, int keys, int rows, float[] vp, int vpOff, int e, float[] acc, float[] rescale) {
    if (rows % 8 != 0) throw new IllegalArgumentException("rows must be a multiple of 8, not " + rows);
    Bounds.range("scores", st, 0, scoresSize(keys, rows));
    Bounds.range("packed V", vp, vpOff, MatMul.best().packedSize(e, keys));
    Bounds.range("acc", acc, 0, rows * e);
    Bounds.range("rescale", rescale, 0, rows);
    VectorColumnSoftmax.aggregate(st, keys, rows, vp, vpOff, e, acc, rescale);
  }

  static int roundUp8(int n) {
    return (n + 7) & ~7;
  }
}
