package dev.tessera.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked micro-kernels on the Vector API. This is the only class that touches
 * jdk.incubator.vector, so nothing else loads the incubator module when it is absent.
 */
final class VectorMatMul implements MatMul {
  static final VectorMatMul INSTANCE = new VectorMatMul();

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();
  // Main tile: 3 rows × 4 vectors = 12 independent FMA chains (2 ports × 4-cycle latency needs
  // ≥ 8). A 4×4 tile has fewer loads per FMA, but C2's register allocator then spills and
  // shuffles accumulators inside the loop: measured 85-110 GFLOP/s, run to run, against a
  // steady ~112 for 3×4 (ab 64³). 8×2 measured ~80.
  private static final int NR = 4 * V;
  // Below this many rows, packing B costs more than it saves: ab runs on B in place and abt
  // falls back to dot products along k.
  private static final int PACK_MIN_ROWS = 5;

  // Attention tiles need a few hundred KiB at most; a one-off huge GEMM should not pin its
  // packed B to the thread forever.
  private static final int RETAINED_PACK_FLOATS = 1 << 20;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
      rows(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, 1f, accumulate);
      return;
    }
    float[] bp = scratch(n, k);
    int j = 0;
    for (; j + V <= n; j += V) {
      int src = bOff + j, dst = (j / NR) * k * NR + j % NR;
      for (int p = 0; p < k; p++, src += ldb, dst += NR) {
        FloatVector.fromArray(S, b, src).intoArray(bp, dst);
      }
    }
    if (j < n) {
      VectorMask<Float> mask = S.indexInRange(j, n);
      int src = bOff + j, dst = (j / NR) * k * NR + j % NR;
      for (int p = 0; p < k; p++, src += ldb, dst += NR) {
        FloatVector.fromArray(S, b, src, mask).intoArray(bp, dst, mask);
      }
    }
    gemm(a, aOff, lda, bp, c, cOff, ldc, m, n, k, 1f, accumulate);
  }

  @Override
  public void abt(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
          float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean accumulate) {
    Bounds.panel("A", a, aOff, lda, m, k);
    Bounds.panel("B", b, bOff, ldb, n, k);
    Bounds.panel("C", c, cOff, ldc, m, n);
    if (m < PACK_MIN_ROWS) {
      dots(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, alpha, accumulate);
      return;
    }
    // Transposing B turns abt into ab; each packed vector is one gather down V rows of B.
    // Per element of a 64×64 B: scalar copy 0.60 ns, gather 0.17, 16×16 shuffle/blend
    // transpose in registers 0.14 (not worth its 60 lines).
    float[] bp = scratch(n, k);
    int[] rowStarts = SCRATCH.get().rowStarts(ldb);
    int j = 0;
    for (; j + V <= n; j += V) {
      int src = bOff + j * ldb, dst = (j / NR) * k * NR + j % NR;
      for (int p = 0; p < k; p++, dst += NR) {
        FloatVector.fromArray(S, b, src + p, rowStarts, 0).intoArray(bp, dst);
      }
    }
    // The masked gather range-checks even its unset lanes, which may lie past B's end.
    for (; j < n; j++) {
      int src = bOff + j * ldb, dst = (j / NR) * k * NR + j % NR;
      for (int p = 0; p < k; p++, dst += NR) {
        bp[dst] = b[src + p];
      }
    }
    gemm(a, aOff, lda, bp, c, cOff, ldc, m, n, k, alpha, accumulate);
  }

  @Override
  public void scaleRows(float[] c, int cOff, int ldc, int m, int n, float[] factors, int fOff) {
    Bounds.panel("C", c, cOff, ldc, m, n);
    Bounds.panel("factors", factors, fOff, 1, m, 1);
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * ldc;
      FloatVector f = FloatVector.broadcast(S, factors[fOff + i]);
      int j = 0;
      for (; j + V <= n; j += V) {
        FloatVector.fromArray(S, c, ci + j).mul(f).intoArray(c, ci + j);
      }
      if (j < n) {
        VectorMask<Float> mask = S.indexInRange(j, n);
        FloatVector.fromArray(S, c, ci + j, mask).mul(f).intoArray(c, ci + j, mask);
      }
    }
  }

  /**
   * C = alpha·A·B (+ C), with B packed as ceil(n/NR) column panels, each k rows of stride NR
   * (the last one partly filled).
   */
  private static void gemm(float[] a, int aOff, int lda, float[] bp,
              float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean acc) {
    if (!acc) {
      zero(c, cOff, ldc, m, n);
    }
    int full = n / NR;
    int i = 0;
    for (; i + 3 <= m; i += 3) {
      int ai = aOff + i * lda, ci = cOff + i * ldc;
      for (int q = 0; q < full; q++) {
        tile3x4(a, ai, lda, bp, q * k * NR, c, ci + q * NR, ldc, k, alpha);
      }
      for (int j = full * NR; j < n; j += V) {
        tile3x1(a, ai, lda, bp, full * k * NR + j % NR, NR, c, ci + j, ldc, k, alpha,
            S.indexInRange(j, n));
      }
    }
    for (; i < m; i++) {
      int ai = aOff + i * lda, ci = cOff + i * ldc;
      for (int q = 0; q < full; q++) {
        tile1x4(a, ai, bp, q * k * NR, NR, c, ci + q * NR, k, alpha);
      }
      for (int j = full * NR; j < n; j += V) {
        tile1x1(a, ai, bp, full * k * NR + j % NR, NR, c, ci + j, k, alpha, S.indexInRange(j, n));
      }
    }
  }

  /** Few rows of C = alpha·A·B (+ C) straight from an unpacked B. */
  private static void rows(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean acc) {
    if (!acc) {
      zero(c, cOff, ldc, m, n);
    }
    for (int i = 0; i < m; i++) {
      int ai = aOff + i * lda, ci = cOff + i * ldc;
      int j = 0;
      for (; j + NR <= n; j += NR) {
        tile1x4(a, ai, b, bOff + j, ldb, c, ci + j, k, alpha);
      }
      for (; j < n; j += V) {
        tile1x1(a, ai, b, bOff + j, ldb, c, ci + j, k, alpha, S.indexInRange(j, n));
      }
    }
  }

  /**
   * The hot loop. B comes from a packed panel whose row stride is the constant NR, which lets
   * C2 hoist every bounds check out of the loop (with a run-time ldb it re-checks each load;
   * measured ~10% slower at 64³).
   */
  private static void tile3x4(float[] a, int a0, int lda, float[] b, int bj,
                float[] c, int c0, int ldc, int k, float alpha) {
    int a1 = a0 + lda, a2 = a1 + lda;
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
    FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    for (int p = 0; p < k; p++) {
      int bp = bj + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + V);
      FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * V);
      FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * V);
      FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
      c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02); c03 = b3.fma(x, c03);
      x = FloatVector.broadcast(S, a[a1 + p]);
      c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12); c13 = b3.fma(x, c13);
      x = FloatVector.broadcast(S, a[a2 + p]);
      c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22); c23 = b3.fma(x, c23);
    }
    FloatVector al = FloatVector.broadcast(S, alpha);
    int c1 = c0 + ldc, c2 = c1 + ldc;
    put(c, c0, c00, al); put(c, c0 + V, c01, al);
    put(c, c0 + 2 * V, c02, al); put(c, c0 + 3 * V, c03, al);
    put(c, c1, c10, al); put(c, c1 + V, c11, al);
    put(c, c1 + 2 * V, c12, al); put(c, c1 + 3 * V, c13, al);
    put(c, c2, c20, al); put(c, c2 + V, c21, al);
    put(c, c2 + 2 * V, c22, al); put(c, c2 + 3 * V, c23, al);
  }

  /** 3 rows × one (possibly partial) vector: column edges of the 3-row bands. */
  private static void tile3x1(float[] a, int a0, int lda, float[] b, int bj, int ldb,
                float[] c, int c0, int ldc, int k, float alpha,
                VectorMask<Float> mask) {
    int a1 = a0 + lda, a2 = a1 + lda;
    FloatVector r0 = FloatVector.zero(S), r1 = r0, r2 = r0;
    for (int p = 0, bp = bj; p < k; p++, bp += ldb) {
      FloatVector bv = FloatVector.fromArray(S, b, bp, mask);
      r0 = bv.fma(FloatVector.broadcast(S, a[a0 + p]), r0);
      r1 = bv.fma(FloatVector.broadcast(S, a[a1 + p]), r1);
      r2 = bv.fma(FloatVector.broadcast(S, a[a2 + p]), r2);
    }
    FloatVector al = FloatVector.broadcast(S, alpha);
    put(c, c0, r0, al, mask);
    put(c, c0 + ldc, r1, al, mask);
    put(c, c0 + 2 * ldc, r2, al, mask);
  }

  /** One row × 4 vectors: the last m % 3 rows of gemm, and every row of rows(). */
  private static void tile1x4(float[] a, int a0, float[] b, int bj, int ldb,
                float[] c, int c0, int k, float alpha) {
    FloatVector r0 = FloatVector.zero(S), r1 = r0, r2 = r0, r3 = r0;
    for (int p = 0, bp = bj; p < k; p++, bp += ldb) {
      FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
      r0 = FloatVector.fromArray(S, b, bp).fma(x, r0);
      r1 = FloatVector.fromArray(S, b, bp + V).fma(x, r1);
      r2 = FloatVector.fromArray(S, b, bp + 2 * V).fma(x, r2);
      r3 = FloatVector.fromArray(S, b, bp + 3 * V).fma(x, r3);
    }
    FloatVector al = FloatVector.broadcast(S, alpha);
    put(c, c0, r0, al); put(c, c0 + V, r1, al);
    put(c, c0 + 2 * V, r2, al); put(c, c0 + 3 * V, r3, al);
  }

  private static void tile1x1(float[] a, int a0, float[] b, int bj, int ldb,
                float[] c, int c0, int k, float alpha, VectorMask<Float> mask) {
    // Two chains over alternating p halve the FMA-latency stall of a single accumulator.
    FloatVector r0 = FloatVector.zero(S), r1 = r0;
    int p = 0, bp = bj;
    for (; p + 2 <= k; p += 2, bp += 2 * ldb) {
      r0 = FloatVector.fromArray(S, b, bp, mask).fma(FloatVector.broadcast(S, a[a0 + p]), r0);
      r1 = FloatVector.fromArray(S, b, bp + ldb, mask).fma(FloatVector.broadcast(S, a[a0 + p + 1]), r1);
    }
    if (p < k) {
      r0 = FloatVector.fromArray(S, b, bp, mask).fma(FloatVector.broadcast(S, a[a0 + p]), r0);
    }
    put(c, c0, r0.add(r1), FloatVector.broadcast(S, alpha), mask);
  }

  /** c += alpha·r; callers zero C first to overwrite (see zero). */
  private static void put(float[] c, int ci, FloatVector r, FloatVector alpha) {
    r.fma(alpha, FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
  }

  private static void put(float[] c, int ci, FloatVector r, FloatVector alpha, VectorMask<Float> mask) {
    r.fma(alpha, FloatVector.fromArray(S, c, ci, mask)).intoArray(c, ci, mask);
  }

  /**
   * Overwriting is accumulating into zeros. A branch on accumulate inside the tiles, once both
   * sides were profiled (abt overwrites, ab accumulates), made C2 compile the register tile
   * ~30% slower; a mask-selected load of C instead cost ~25% on ab. Zeroing C costs ~2%.
   */
  private static void zero(float[] c, int cOff, int ldc, int m, int n) {
    for (int i = 0; i < m; i++) {
      java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
    }
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

  /** Per-thread packed-B buffer and the gather offsets of V consecutive rows of B. */
  private static final class Scratch {
    float[] packed = new float[0];
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

  /** Few rows: per-element dot products along k, 4 B rows at a time to share each A load. */
  private static void dots(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean acc) {
    int kv = k - k % V;
    for (int i = 0; i < m; i++) {
      int ai = aOff + i * lda, ci = cOff + i * ldc;
      int j = 0;
      for (; j + 4 <= n; j += 4) {
        int b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        for (; p < kv; p += V) {
          FloatVector x = FloatVector.fromArray(S, a, ai + p);
          s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
          s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
          s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
          s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
        }
        if (p < k) {
          VectorMask<Float> mask = S.indexInRange(p, k);
          FloatVector x = FloatVector.fromArray(S, a, ai + p, mask);
          s0 = x.fma(FloatVector.fromArray(S, b, b0 + p, mask), s0);
          s1 = x.fma(FloatVector.fromArray(S, b, b1 + p, mask), s1);
          s2 = x.fma(FloatVector.fromArray(S, b, b2 + p, mask), s2);
          s3 = x.fma(FloatVector.fromArray(S, b, b3 + p, mask), s3);
        }
        store(c, ci + j, s0.reduceLanes(VectorOperators.ADD), alpha, acc);
        store(c, ci + j + 1, s1.reduceLanes(VectorOperators.ADD), alpha, acc);
        store(c, ci + j + 2, s2.reduceLanes(VectorOperators.ADD), alpha, acc);
        store(c, ci + j + 3, s3.reduceLanes(VectorOperators.ADD), alpha, acc);
      }
      for (; j < n; j++) {
        int bj = bOff + j * ldb;
        FloatVector s = FloatVector.zero(S);
        int p = 0;
        for (; p < kv; p += V) {
          s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), s);
        }
        if (p < k) {
          VectorMask<Float> mask = S.indexInRange(p, k);
          s = FloatVector.fromArray(S, a, ai + p, mask).fma(FloatVector.fromArray(S, b, bj + p, mask), s);
        }
        store(c, ci + j, s.reduceLanes(VectorOperators.ADD), alpha, acc);
      }
    }
  }

  private static void store(float[] c, int ci, float dot, float alpha, boolean acc) {
    c[ci] = acc ? Math.fma(alpha, dot, c[ci]) : alpha * dot;
  }
}
