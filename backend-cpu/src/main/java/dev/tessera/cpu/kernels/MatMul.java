package dev.tessera.cpu.kernels;

/**
 * Dense f32 matrix products on row-major panels addressed by (array, offset, leading dimension).
 *
 * <p>Element (r, c) of a panel {@code (x, xOff, ldx)} is {@code x[xOff + r * ldx + c]}. All sizes
 * are arbitrary and at least 1; a leading dimension must be at least the panel's row length.
 * Output panels must not overlap input panels. Implementations are stateless and thread-safe.
 */
public interface MatMul {

  /**
   * C[m×n] = (or +=, when {@code accumulate}) alpha · A[m×k] · B[n×k]ᵀ — the attention score
   * S = Q·Kᵀ, where both Q and K are stored with the reduction dimension contiguous.
   */
  void abt(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean accumulate);

  /** C[m×n] = (or +=, when {@code accumulate}) A[m×k] · B[k×n] — O += P·V and plain GEMM. */
  void ab(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate);

  /**
   * Whether an m-row product runs on packed panels of B. When it does, a B used by many such
   * products is better packed once ({@link #packB}, {@link #packBt}) and multiplied with
   * {@link #gemmPacked}; when it does not, {@link #ab} and {@link #abt} read B in place.
   */
  boolean packs(int m);

  /** The floats that B of n columns and k rows takes once packed (either form). */
  int packedSize(int n, int k);

  /** Packs B[k×n], as {@link #ab} reads it, into {@code dst} from {@code dOff} ({@link #packedSize} floats). */
  void packB(float[] b, int bOff, int ldb, int k, int n, float[] dst, int dOff);

  /** Packs B[n×k], as {@link #abt} reads it (B transposed), into {@code dst} from {@code dOff}. */
  void packBt(float[] b, int bOff, int ldb, int n, int k, float[] dst, int dOff);

  /**
   * C[m×n] = (or +=, when {@code accumulate}) alpha · A[m×k] · B, with B packed by {@link #packB}
   * or {@link #packBt} at {@code bp[bpOff ..]}: {@code ab} and {@code abt} without the packing.
   */
  void gemmPacked(float[] a, int aOff, int lda, float[] bp, int bpOff,
      float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean accumulate);

  /** C[i, :] *= factors[fOff + i] for each of the m rows of the m×n panel C. */
  void scaleRows(float[] c, int cOff, int ldc, int m, int n, float[] factors, int fOff);

  /**
   * D[i, :] = S[i, :] · factors[fOff + i] for each of the m rows of the m×n panels S and D, which
   * must not overlap: a fused attention's output rows, written from its accumulator with the
   * normalizer's finish applied.
   */
  void scaleRowsInto(float[] s, int sOff, int lds, float[] d, int dOff, int ldd, int m, int n, float[] factors, int fOff);

  /** A short identifier for logs and benchmarks, e.g. {@code vector-512}. */
  String name();

  /**
   * The fastest implementation available: the Vector API one when {@code jdk.incubator.vector}
   * is in the boot layer (the JVM was started with {@code --add-modules jdk.incubator.vector}),
   * otherwise the scalar one.
   */
  static MatMul best() {
    return BestHolder.BEST;
  }

  /** The portable implementation that relies only on C2 auto-vectorisation. */
  static MatMul scalar() {
    return ScalarMatMul.INSTANCE;
  }
}
