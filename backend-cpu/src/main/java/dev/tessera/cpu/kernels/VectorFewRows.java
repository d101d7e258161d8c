package dev.tessera.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Products with fewer rows than packing B pays for (decode's single query row): ab runs on B in
 * place, four vectors at a time; abt takes dot products along k. Arguments are checked by the caller.
 */
final class VectorFewRows {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();
  private static final int ROW_NR = 4 * V;

  private VectorFewRows() {}

  /** C = A·B (+ C) straight from an unpacked B. */
  static void ab(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc, int m, int n, int k, boolean acc) {
    if (!acc) {
      zero(c, cOff, ldc, m, n);
    }
    for (int i = 0; i < m; i++) {
      int ai = aOff + i * lda, ci = cOff + i * ldc;
      int j = 0;
      for (; j + ROW_NR <= n; j += ROW_NR) {
        tile1x4(a, ai, b, bOff + j, ldb, c, ci + j, k, 1f);
      }
      for (; j < n; j += V) {
        tile1x1(a, ai, b, bOff + j, ldb, c, ci + j, k, 1f, S.indexInRange(j, n));
      }
    }
  }

  /** One row × 4 vectors of an unpacked B. */
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

  /** c += alpha·r; ab zeroes C first to overwrite. */
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

  /**
   * C = alpha·A·Bᵀ (+ C): per-element dot products along k, 4 B rows at a time to share each A load.
   * The dot products are separate small methods: as one 600-byte method, C1's linear-scan register
   * allocator gave up on it ("out of virtual registers"), which left it at tier 2, where Vector
   * API calls are not intrinsified, for seconds (decode measured 8x slower until C2 took over).
   */
  static void abt(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean acc) {
    for (int i = 0; i < m; i++) {
      int ai = aOff + i * lda, ci = cOff + i * ldc;
      int j = 0;
      for (; j + 4 <= n; j += 4) dots4(a, ai, b, bOff + j * ldb, ldb, k, c, ci + j, alpha, acc);
      for (; j < n; j++) dot1(a, ai, b, bOff + j * ldb, k, c, ci + j, alpha, acc);
    }
  }

  /** c[ci .. ci+4) = (or +=) alpha · A row · the four B rows from b0. */
  private static void dots4(float[] a, int ai, float[] b, int b0, int ldb, int k, float[] c, int ci, float alpha, boolean acc) {
    int b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
    int kv = k - k % V;
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
    store(c, ci, s0.reduceLanes(VectorOperators.ADD), alpha, acc);
    store(c, ci + 1, s1.reduceLanes(VectorOperators.ADD), alpha, acc);
    store(c, ci + 2, s2.reduceLanes(VectorOperators.ADD), alpha, acc);
    store(c, ci + 3, s3.reduceLanes(VectorOperators.ADD), alpha, acc);
  }

  private static void dot1(float[] a, int ai, float[] b, int bj, int k, float[] c, int ci, float alpha, boolean acc) {
    int kv = k - k % V;
    FloatVector s = FloatVector.zero(S);
    int p = 0;
    for (; p < kv; p += V) {
      s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), s);
    }
    if (p < k) {
      VectorMask<Float> mask = S.indexInRange(p, k);
      s = FloatVector.fromArray(S, a, ai + p, mask).fma(FloatVector.fromArray(S, b, bj + p, mask), s);
    }
    store(c, ci, s.reduceLanes(VectorOperators.ADD), alpha, acc);
  }

  private static void store(float[] c, int ci, float dot, float alpha, boolean acc) {
    c[ci] = acc ? Math.fma(alpha, dot, c[ci]) : alpha * dot;
  }
}
