package dev.tessera.cpu.kernels;

/**
 * Plain-Java kernels shaped for C2's auto-vectoriser: every inner loop runs over a contiguous
 * column range and indexes all arrays with the same induction variable.
 */
final class ScalarMatMul implements MatMul {
  static final ScalarMatMul INSTANCE = new ScalarMatMul();

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private ScalarMatMul() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void ab(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
         float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
    Bounds.panel("A", a, aOff, lda, m, k);
    Bounds.panel("B", b, bOff, ldb, k, n);
    Bounds.panel("C", c, cOff, ldc, m, n);
    Scratch s = SCRATCH.get().ensure(n, k);
    for (int p = 0; p < k; p++) {
      System.arraycopy(b, bOff + p * ldb, s.rows[p], 0, n);
    }
    gemm(a, aOff, lda, s, c, cOff, ldc, m, n, k, accumulate);
  }

  @Override
  public void abt(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
          float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean accumulate) {
    Bounds.panel("A", a, aOff, lda, m, k);
    Bounds.panel("B", b, bOff, ldb, n, k);
    Bounds.panel("C", c, cOff, ldc, m, n);
    // A dot product along k is a float reduction, which C2 will not vectorise (it must keep
    // the sequential rounding order); a transposed copy of B turns abt into ab's axpy form,
    // and folding alpha into the copy makes it free.
    Scratch s = SCRATCH.get().ensure(n, k);
    for (int j = 0; j < n; j++) {
      int bj = bOff + j * ldb;
      for (int p = 0; p < k; p++) {
        s.rows[p][j] = alpha * b[bj + p];
      }
    }
    gemm(a, aOff, lda, s, c, cOff, ldc, m, n, k, accumulate);
  }

  @Override
  public boolean packs(int m) {
    return true;
  }

  /** Packed B is B as k rows of n: a copy of ab's B, the transpose of abt's. */
  @Override
  public int packedSize(int n, int k) {
    return n * k;
  }

  @Override
  public void packB(float[] b, int bOff, int ldb, int k, int n, float[] dst, int dOff) {
    Bounds.panel("B", b, bOff, ldb, k, n);
    Bounds.range("packed B", dst, dOff, n * k);
    for (int p = 0; p < k; p++) {
      System.arraycopy(b, bOff + p * ldb, dst, dOff + p * n, n);
    }
  }

  @Override
  public void packBt(float[] b, int bOff, int ldb, int n, int k, float[] dst, int dOff) {
    Bounds.panel("B", b, bOff, ldb, n, k);
    Bounds.range("packed B", dst, dOff, n * k);
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        dst[dOff + p * n + j] = b[bOff + j * ldb + p];
      }
    }
  }

  @Override
  public void gemmPacked(float[] a, int aOff, int lda, float[] bp, int bpOff,
      float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean accumulate) {
    Bounds.panel("A", a, aOff, lda, m, k);
    Bounds.range("packed B", bp, bpOff, n * k);
    Bounds.panel("C", c, cOff, ldc, m, n);
    Scratch s = SCRATCH.get().ensure(n, k);
    for (int p = 0; p < k; p++) {
      float[] row = s.rows[p];
      int src = bpOff + p * n;
      for (int j = 0; j < n; j++) {
        row[j] = alpha * bp[src + j];
      }
    }
    gemm(a, aOff, lda, s, c, cOff, ldc, m, n, k, accumulate);
  }

  @Override
  public void scaleRows(float[] c, int cOff, int ldc, int m, int n, float[] factors, int fOff) {
    Bounds.panel("C", c, cOff, ldc, m, n);
    Bounds.panel("factors", factors, fOff, 1, m, 1);
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * ldc;
      float f = factors[fOff + i];
      if (f == 1f) {
        continue;
      }
      for (int j = 0; j < n; j++) {
        c[ci + j] *= f;
      }
    }
  }

  @Override
  public void scaleRowsInto(float[] s, int sOff, int lds, float[] d, int dOff, int ldd, int m, int n, float[] factors, int fOff) {
    Bounds.panel("S", s, sOff, lds, m, n);
    Bounds.panel("D", d, dOff, ldd, m, n);
    Bounds.panel("factors", factors, fOff, 1, m, 1);
    for (int i = 0; i < m; i++) {
      int si = sOff + i * lds, di = dOff + i * ldd;
      float f = factors[fOff + i];
      for (int j = 0; j < n; j++) {
        d[di + j] = s[si + j] * f;
      }
    }
  }

  /**
   * C rows i, i+1 += A[i..i+1, p..p+3] · B[p..p+3, :], on copies where every array is indexed
   * by the bare loop variable: given c[ci + j] += a * b[bi + j], C2 (JDK 25) cannot rule out
   * that c and b are one array with overlapping offsets, and does not vectorise at all
   * (measured 6 GFLOP/s at 64³, against ~27 for this form). Four k steps per pass over the row
   * cut its loads and stores, the bottleneck of the axpy form, by four.
   */
  private static void gemm(float[] a, int aOff, int lda, Scratch s,
              float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
    float[][] rows = s.rows;
    float[] t0 = s.row0, t1 = s.row1;
    for (int i = 0; i < m; i += 2) {
      // Two C rows per pass share each B load; an odd last row pairs with itself (A row
      // i+1 := i), which computes it twice but needs no separate loop.
      int ai = aOff + i * lda, ai1 = i + 1 < m ? ai + lda : ai;
      int ci = cOff + i * ldc, ci1 = i + 1 < m ? ci + ldc : ci;
      if (accumulate) {
        System.arraycopy(c, ci, t0, 0, n);
        System.arraycopy(c, ci1, t1, 0, n);
      } else {
        java.util.Arrays.fill(t0, 0, n, 0f);
        java.util.Arrays.fill(t1, 0, n, 0f);
      }
      int p = 0;
      for (; p + 4 <= k; p += 4) {
        float a0 = a[ai + p], a1 = a[ai + p + 1], a2 = a[ai + p + 2], a3 = a[ai + p + 3];
        float e0 = a[ai1 + p], e1 = a[ai1 + p + 1], e2 = a[ai1 + p + 2], e3 = a[ai1 + p + 3];
        float[] b0 = rows[p], b1 = rows[p + 1], b2 = rows[p + 2], b3 = rows[p + 3];
        for (int j = 0; j < n; j++) {
          float x0 = b0[j], x1 = b1[j], x2 = b2[j], x3 = b3[j];
          t0[j] = Math.fma(a3, x3, Math.fma(a2, x2, Math.fma(a1, x1, Math.fma(a0, x0, t0[j]))));
          t1[j] = Math.fma(e3, x3, Math.fma(e2, x2, Math.fma(e1, x1, Math.fma(e0, x0, t1[j]))));
        }
      }
      for (; p < k; p++) {
        float a0 = a[ai + p], e0 = a[ai1 + p];
        float[] b0 = rows[p];
        for (int j = 0; j < n; j++) {
          t0[j] = Math.fma(a0, b0[j], t0[j]);
          t1[j] = Math.fma(e0, b0[j], t1[j]);
        }
      }
      System.arraycopy(t0, 0, c, ci, n);
      System.arraycopy(t1, 0, c, ci1, n);
    }
  }

  /** Per-thread copies of B's rows (one array each, so all share index j) and of one C row. */
  private static final class Scratch {
    float[][] rows = new float[0][];
    float[] row0 = new float[0];
    float[] row1 = new float[0];

    Scratch ensure(int n, int k) {
      if (rows.length < k || row0.length < n) {
        int cap = Math.max(n, row0.length);
        float[][] grown = new float[Math.max(k, rows.length)][];
        for (int p = 0; p < grown.length; p++) {
          grown[p] = p < rows.length && rows[p].length >= cap ? rows[p] : new float[cap];
        }
        rows = grown;
        row0 = new float[cap];
        row1 = new float[cap];
      }
      return this;
    }
  }
}
