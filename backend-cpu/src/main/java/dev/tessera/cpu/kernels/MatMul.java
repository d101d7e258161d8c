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

  /** C[i, :] *= factors[fOff + i] for each of the m rows of the m×n panel C. */
  void scaleRows(float[] c, int cOff, int ldc, int m, int n, float[] factors, int fOff);

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
