package dev.tessera.cpu;

/**
 * What a generated hidden class implements. Each method dispatches on an id to the static method
 * generated for one op, normalizer or attention tile; tensors are {@code float[]} slots with their
 * strides, dimensions are ints.
 */
public interface GeneratedKernel {
  /** Runs op {@code id} for outermost index values {@code [lo, hi)}; {@code step} is the scan step, if any. */
  void op(int id, float[][] t, int[][] st, int[] dv, int lo, int hi, int step);

  /** Sets the per-row state of normalizer {@code id} for {@code rows} rows to its initial values. */
  void normInit(int id, float[] state, int sld, int rows);

  /**
   * Runs the step of normalizer {@code id} on a block of scores {@code x} (rows × cols at {@code
   * xOff}, row stride {@code ld}); {@code vis} marks visible entries (null: all visible). The block's
   * weights replace the scores (0 where invisible); the rescale factor of each row goes to {@code
   * rescale}. Rows without a visible entry keep their state and get rescale 1.
   */
  void normStep(int id, float[] x, int xOff, int ld, int rows, int cols, byte[] vis, float[] state, int sld,
      float[] rescale, float[] scratch);

  /** Writes each row's finish factor. */
  void normFinish(int id, float[] state, int sld, int rows, float[] factors);

  /** Merges partial state b into a, writing the weights of a's and b's outputs; false when it has no combine. */
  boolean normCombine(int id, float[] a, float[] b, int sld, int rows, float[] wa, float[] wb);

  /**
   * Applies attention template {@code id}'s score modifiers and mask to a tile of raw scores
   * (rows × cols, row stride {@code ld}) for batch indices {@code batch}, queries from {@code m0}
   * and keys from {@code n0}; marks visible entries in {@code vis}. With {@code full} the mask is
   * known to hold everywhere and is not evaluated.
   */
  void tile(int id, float[] s, int ld, int rows, int cols, byte[] vis, float[][] t, int[][] st, int[] dv,
      int[] batch, int m0, int n0, boolean full);
}
