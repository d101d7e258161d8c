package dev.tessera.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked micro-kernels on the Vector API. Only this class (with VectorFewRows, which it
 * alone calls, and VectorElementwise) touches jdk.incubator.vector, so nothing else loads the
 * incubator module when it is absent.
 */
final class VectorMatMul implements MatMul {
  static final VectorMatMul INSTANCE = new VectorMatMul();

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();
  // Packed panels are two vectors wide. The main tile is 8 rows × 2 vectors: 16 independent FMA
  // chains (2 ports × 4-cycle latency needs ≥ 8) fed by 2 loads and 8 broadcasts per k step.
  // Measured at k = 64 and 128 on AVX-512 (single core, JDK 25): 8×2 ~140 GFLOP/s, 10×2 ~148,
  // 4×2 ~133, the former 3×4 ~100, 4×4 ~110, 6×4 ~110, 12×2 ~96. 8 rows divide the
  // usual block sizes. With 16 vector registers (AVX2) 8×2 would spill, so 4×2 is the main tile there.
  static final int NR = 2 * V;
  private static final boolean WIDE_TILE = S.vectorBitSize() >= 512;
  // Below this many rows, packing B costs more than it saves: see VectorFewRows.
  private static final int PACK_MIN_ROWS = 5;

  // Attention tiles need a few hundred KiB at most; a one-off huge GEMM should not pin its
  // packed B to the thread forever.
  private static final int RETAINED_PACK_FLOATS = 1 << 20;

  static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private VectorMatMul() {}

  @Override
  public String name() {
    return "vector-" + S.vectorBitSize();
  }

  @Override
  public void ab(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
         float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
    Bounds.panel("A", a, aOff, lda, m, k);
    Bounds.panel("B", b, bOff, ldb, k, n);
    Bounds.panel("C", c, cOff, ldc, m, n);
    if (m < PACK_MIN_ROWS) {
      VectorFewRows.ab(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, accumulate);
      return;
    }
    float[] bp = scratch(n, k);
    packB(b, bOff, ldb, k, n, bp, 0);
    gemm(a, aOff, lda, bp, 0, c, cOff, ldc, m, n, k, 1f, accumulate);
  }

  @Override
  public void abt(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
          float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean accumulate) {
    Bounds.panel("A", a, aOff, lda, m, k);
    Bounds.panel("B", b, bOff, ldb, n, k);
    Bounds.panel("C", c, cOff, ldc, m, n);
    if (m < PACK_MIN_ROWS) {
      VectorFewRows.abt(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, alpha, accumulate);
      return;
    }
    float[] bp = scratch(n, k);
    packBt(b, bOff, ldb, n, k, bp, 0);
    gemm(a, aOff, lda, bp, 0, c, cOff, ldc, m, n, k, alpha, accumulate);
  }

  @Override
  public boolean packs(int m) {
    return m >= PACK_MIN_ROWS;
  }

  @Override
  public int packedSize(int n, int k) {
    return (n + NR - 1) / NR * NR * k;
  }

  @Override
  public void packB(float[] b, int bOff, int ldb, int k, int n, float[] dst, int dOff) {
    Bounds.panel("B", b, bOff, ldb, k, n);
    Bounds.range("packed B", dst, dOff, packedSize(n, k));
    for (int j = 0; j < n; j += V) {
      int src = bOff + j, at = dOff + (j / NR) * k * NR + j % NR;
      if (j + V <= n) {
        for (int p = 0; p < k; p++, src += ldb, at += NR) {
          FloatVector.fromArray(S, b, src).intoArray(dst, at);
        }
      } else {
        VectorMask<Float> mask = S.indexInRange(j, n);
        for (int p = 0; p < k; p++, src += ldb, at += NR) {
          FloatVector.fromArray(S, b, src, mask).intoArray(dst, at);
        }
      }
    }
  }

  @Override
  public void packBt(float[] b, int bOff, int ldb, int n, int k, float[] dst, int dOff) {
    Bounds.panel("B", b, bOff, ldb, n, k);
    Bounds.range("packed B", dst, dOff, packedSize(n, k));
    // Each packed vector is one gather down V rows of B. Per element of a 64×64 B: scalar copy
    // 0.60 ns, gather 0.17, 16×16 shuffle/blend transpose in registers 0.14 (not worth its 60 lines).
    int[] rowStarts = SCRATCH.get().rowStarts(ldb);
    int j = 0;
    for (; j + V <= n; j += V) {
      int src = bOff + j * ldb, at = dOff + (j / NR) * k * NR + j % NR;
      for (int p = 0; p < k; p++, at += NR) {
        FloatVector.fromArray(S, b, src + p, rowStarts, 0).intoArray(dst, at);
      }
    }
    // The masked gather range-checks even its unset lanes, which may lie past B's end.
    for (; j < n; j++) {
      int src = bOff + j * ldb, at = dOff + (j / NR) * k * NR + j % NR;
      for (int p = 0; p < k; p++, at += NR) {
        dst[at] = b[src + p];
      }
    }
  }

  @Override
  public void gemmPacked(float[] a, int aOff, int lda, float[] bp, int bpOff,
      float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean accumulate) {
    Bounds.panel("A", a, aOff, lda, m, k);
    Bounds.range("packed B", bp, bpOff, packedSize(n, k));
    Bounds.panel("C", c, cOff, ldc, m, n);
    gemm(a, aOff, lda, bp, bpOff, c, cOff, ldc, m, n, k, alpha, accumulate);
  }

  @Override
  public void scaleRows(float[] c, int cOff, int ldc, int m, int n, float[] factors, int fOff) {
    Bounds.panel("C", c, cOff, ldc, m, n);
    Bounds.panel("factors", factors, fOff, 1, m, 1);
    for (int i = 0; i < m; i++) {
      // An online softmax rescales by exactly 1 whenever a row's maximum did not change.
      if (factors[fOff + i] == 1f) {
        continue;
      }
      scaleRow(c, cOff + i * ldc, c, cOff + i * ldc, n, factors[fOff + i]);
    }
  }

  @Override
  public void scaleRowsInto(float[] s, int sOff, int lds, float[] d, int dOff, int ldd, int m, int n, float[] factors, int fOff) {
    Bounds.panel("S", s, sOff, lds, m, n);
    Bounds.panel("D", d, dOff, ldd, m, n);
    Bounds.panel("factors", factors, fOff, 1, m, 1);
    // The Vector API rather than a plain loop: C2 (JDK 25) does not vectorise a loop that reads one
    // array and writes another it cannot prove distinct (see ScalarMatMul). As such a loop, the
    // attention output's store took 3-4 % of a one-thread mha run (N = 512, D = 64).
    for (int i = 0; i < m; i++) scaleRow(s, sOff + i * lds, d, dOff + i * ldd, n, factors[fOff + i]);
  }

  /** d[di, di + n) = s[si, si + n) · f, the last vector masked. */
  private static void scaleRow(float[] s, int si, float[] d, int di, int n, float factor) {
    FloatVector f = FloatVector.broadcast(S, factor);
    int j = 0;
    for (; j + V <= n; j += V) {
      FloatVector.fromArray(S, s, si + j).mul(f).intoArray(d, di + j);
    }
    if (j < n) {
      VectorMask<Float> mask = S.indexInRange(j, n);
      FloatVector.fromArray(S, s, si + j, mask).mul(f).intoArray(d, di + j, mask);
    }
  }

  /**
   * C = alpha·A·B (+ C), with B packed as ceil(n/NR) column panels, each k rows of stride NR
   * (the last one partly filled; its unused lanes hold anything and only reach masked-off
   * lanes of C). Each tile leaves its sums in a staging array and {@link #store} moves them to C:
   * with the stores in the tile itself, C1 runs out of registers on the 8×2 tile (so the method
   * stays interpreted-speed until C2 gets to it) and C2 will not inline a store helper into it.
   */
  private static void gemm(float[] a, int aOff, int lda, float[] bp, int bpOff,
              float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean acc) {
    float[] t = SCRATCH.get().tile;
    // A is read in place: packing it into 8-row panels per product (the former packA) made the tile
    // itself faster (150 against 103 GFLOP/s at k = 256 in isolation) but the gathers cost more than that
    // saved in the blocked GEMM (up to 1.8x slower at 32 and 64 columns, no faster at 128 and 256)
    // and in attention (within noise). ColumnSoftmax packs once per head instead.
    int m8 = WIDE_TILE ? m - m % 8 : 0;
    for (int j = 0; j < n; j += NR) {
      int w = Math.min(NR, n - j);
      int bj = bpOff + (j / NR) * k * NR;
      int i = 0;
      for (; i < m8; i += 8) {
        tile8x2Rows(a, aOff + i * lda, lda, bp, bj, k, t);
        store(t, 8, c, cOff + i * ldc + j, ldc, alpha, w, acc);
      }
      for (; i + 4 <= m; i += 4) {
        tile4x2(a, aOff + i * lda, lda, bp, bj, k, t);
        store(t, 4, c, cOff + i * ldc + j, ldc, alpha, w, acc);
      }
      for (; i < m; i++) {
        tile1x2(a, aOff + i * lda, bp, bj, k, t);
        store(t, 1, c, cOff + i * ldc + j, ldc, alpha, w, acc);
      }
    }
  }

  /** C[rows × w] = (or +=, when acc) alpha · the staged tile t (rows of NR floats). */
  static void store(float[] t, int rows, float[] c, int c0, int ldc, float alpha, int w, boolean acc) {
    FloatVector al = FloatVector.broadcast(S, alpha);
    VectorMask<Float> m0 = S.indexInRange(0, w);
    VectorMask<Float> m1 = S.indexInRange(V, w);
    for (int r = 0; r < rows; r++) {
      int ci = c0 + r * ldc;
      FloatVector x0 = FloatVector.fromArray(S, t, r * NR);
      FloatVector x1 = FloatVector.fromArray(S, t, r * NR + V);
      if (acc) {
        x0 = x0.fma(al, FloatVector.fromArray(S, c, ci, m0));
        x1 = x1.fma(al, FloatVector.fromArray(S, c, ci + V, m1));
      } else {
        x0 = x0.mul(al);
        x1 = x1.mul(al);
      }
      x0.intoArray(c, ci, m0);
      x1.intoArray(c, ci + V, m1);
    }
  }

  /** The 8×2 tile on A's rows in place (lda apart), for products too narrow to repay packing A. */
  private static void tile8x2Rows(float[] a, int a0, int lda, float[] b, int bj, int k, float[] t) {
    int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    for (int p = 0; p < k; p++) {
      int bp = bj + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + V);
      FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
      c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
      x = FloatVector.broadcast(S, a[a1 + p]);
      c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
      x = FloatVector.broadcast(S, a[a2 + p]);
      c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
      x = FloatVector.broadcast(S, a[a3 + p]);
      c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
      x = FloatVector.broadcast(S, a[a4 + p]);
      c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
      x = FloatVector.broadcast(S, a[a5 + p]);
      c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
      x = FloatVector.broadcast(S, a[a6 + p]);
      c60 = b0.fma(x, c60); c61 = b1.fma(x, c61);
      x = FloatVector.broadcast(S, a[a7 + p]);
      c70 = b0.fma(x, c70); c71 = b1.fma(x, c71);
    }
    c00.intoArray(t, 0 * V);
    c01.intoArray(t, 1 * V);
    c10.intoArray(t, 2 * V);
    c11.intoArray(t, 3 * V);
    c20.intoArray(t, 4 * V);
    c21.intoArray(t, 5 * V);
    c30.intoArray(t, 6 * V);
    c31.intoArray(t, 7 * V);
    c40.intoArray(t, 8 * V);
    c41.intoArray(t, 9 * V);
    c50.intoArray(t, 10 * V);
    c51.intoArray(t, 11 * V);
    c60.intoArray(t, 12 * V);
    c61.intoArray(t, 13 * V);
    c70.intoArray(t, 14 * V);
    c71.intoArray(t, 15 * V);
  }

  /** 4 rows × 2 vectors: the main tile without AVX-512, else the rows past the last multiple of 8. */
  private static void tile4x2(float[] a, int a0, int lda, float[] b, int bj,
                int k, float[] t) {
    int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int p = 0; p < k; p++) {
      int bp = bj + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + V);
      FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
      c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
      x = FloatVector.broadcast(S, a[a1 + p]);
      c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
      x = FloatVector.broadcast(S, a[a2 + p]);
      c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
      x = FloatVector.broadcast(S, a[a3 + p]);
      c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
    }
    c00.intoArray(t, 0 * V);
    c01.intoArray(t, 1 * V);
    c10.intoArray(t, 2 * V);
    c11.intoArray(t, 3 * V);
    c20.intoArray(t, 4 * V);
    c21.intoArray(t, 5 * V);
    c30.intoArray(t, 6 * V);
    c31.intoArray(t, 7 * V);
  }

  /** One row × 2 vectors: the last m % 4 rows. Two chains per vector over alternating k halve the FMA-latency stall. */
  private static void tile1x2(float[] a, int a0, float[] b, int bj,
                int k, float[] t) {
    FloatVector r0 = FloatVector.zero(S), r1 = r0, s0 = r0, s1 = r0;
    int p = 0;
    for (; p + 2 <= k; p += 2) {
      int bp = bj + p * NR;
      FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
      r0 = FloatVector.fromArray(S, b, bp).fma(x, r0);
      r1 = FloatVector.fromArray(S, b, bp + V).fma(x, r1);
      x = FloatVector.broadcast(S, a[a0 + p + 1]);
      s0 = FloatVector.fromArray(S, b, bp + NR).fma(x, s0);
      s1 = FloatVector.fromArray(S, b, bp + NR + V).fma(x, s1);
    }
    if (p < k) {
      int bp = bj + p * NR;
      FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
      r0 = FloatVector.fromArray(S, b, bp).fma(x, r0);
      r1 = FloatVector.fromArray(S, b, bp + V).fma(x, r1);
    }
    r0.add(s0).intoArray(t, 0 * V);
    r1.add(s1).intoArray(t, 1 * V);
  }

  private static float[] scratch(int n, int k) {
    Scratch s = SCRATCH.get();
    int size = (n + NR - 1) / NR * NR * k;
    if (size > RETAINED_PACK_FLOATS) {
      return new float[size];
    }
    if (s.packed.length < size) {
      s.packed = new float[size];
    }
    return s.packed;
  }

  /** Per-thread packed-B buffer, staged tile, and the gather offsets of V consecutive rows of a matrix (B here, K in the column softmax). */
  static final class Scratch {
    float[] packed = new float[0];
    final float[] tile = new float[8 * NR];
    private final int[] rowStarts = new int[V];
    private int ldb = -1;

    int[] rowStarts(int ld) {
      if (ld != ldb) {
        for (int l = 0; l < V; l++) {
          rowStarts[l] = l * ld;
        }
        ldb = ld;
      }
      return rowStarts;
    }
  }


}
