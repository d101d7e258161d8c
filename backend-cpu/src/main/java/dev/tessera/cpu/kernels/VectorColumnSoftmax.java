package dev.tessera.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API side of {@link ColumnSoftmax}; only loaded when the incubator module is present. */
final class VectorColumnSoftmax {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int G = ColumnSoftmax.GROUP;
  private static final int NR = VectorMatMul.NR;

  private VectorColumnSoftmax() {}

  static boolean supported() {
    return S.length() == G;
  }

  static void packKeys(float[] k, int off, int ld, int keys, int d, float[] dst, int dOff) {
    int k16 = keys - keys % G;
    int[] rows = VectorMatMul.SCRATCH.get().rowStarts(ld);
    for (int q = 0; q < k16; q += G) {
      int src = off + q * ld;
      int at = dOff + q * d;
      for (int p = 0; p < d; p++) FloatVector.fromArray(S, k, src + p, rows, 0).intoArray(dst, at + p * G);
    }
    if (k16 == keys) return;
    int at = dOff + k16 * d;
    for (int p = 0; p < d; p++) {
      for (int r = 0; r < G; r++) dst[at + p * G + r] = k16 + r < keys ? k[off + (k16 + r) * ld + p] : 0f;
    }
  }

  /** Each 8-key × 32-row tile (two groups) from the 8×2 micro-kernel below, stored in place. */
  static void scores(float[] kp, int kpOff, int keys, float[] qp, int rows, int d, float[] st) {
    int keys8 = ColumnSoftmax.roundUp8(keys);
    for (int j = 0; j < rows; j += NR) {
      int g0 = (j / G) * G * keys8;
      int g1 = g0 + G * keys8;
      for (int q = 0; q < keys8; q += 8) {
        tile8x2(kp, kpOff + (q - q % G) * d + q % G, qp, j * d, d, st, g0 + q * G, g1 + q * G, G);
      }
    }
  }

  /** dst[0, n) *= alpha. */
  static void scale(float[] dst, int n, float alpha) {
    FloatVector al = FloatVector.broadcast(S, alpha);
    int i = 0;
    for (; i + G <= n; i += G) FloatVector.fromArray(S, dst, i).mul(al).intoArray(dst, i);
    for (; i < n; i++) dst[i] *= alpha;
  }

  static void softmax(float[] st, int keys, int rows, float[] state, int sld, float[] rescale) {
    int keys8 = ColumnSoftmax.roundUp8(keys);
    for (int r0 = 0; r0 < rows; r0 += G) {
      VectorMask<Float> valid = S.indexInRange(r0, rows);
      int base = r0 * keys8;
      FloatVector m = FloatVector.fromArray(S, state, r0, valid);
      FloatVector l = FloatVector.fromArray(S, state, sld + r0, valid);
      FloatVector x0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), x1 = x0, x2 = x0, x3 = x0;
      int c = 0;
      // Compare and blend rather than max(): Java's max orders -0 below +0 and propagates NaN,
      // which costs C2 about six instructions a vector. A NaN score is skipped here and reaches
      // the output through its exponential instead.
      for (; c + 4 <= keys; c += 4) {
        int at = base + c * G;
        FloatVector v0 = FloatVector.fromArray(S, st, at);
        FloatVector v1 = FloatVector.fromArray(S, st, at + G);
        FloatVector v2 = FloatVector.fromArray(S, st, at + 2 * G);
        FloatVector v3 = FloatVector.fromArray(S, st, at + 3 * G);
        x0 = x0.blend(v0, v0.compare(VectorOperators.GT, x0));
        x1 = x1.blend(v1, v1.compare(VectorOperators.GT, x1));
        x2 = x2.blend(v2, v2.compare(VectorOperators.GT, x2));
        x3 = x3.blend(v3, v3.compare(VectorOperators.GT, x3));
      }
      for (; c < keys; c++) {
        FloatVector v = FloatVector.fromArray(S, st, base + c * G);
        x0 = x0.blend(v, v.compare(VectorOperators.GT, x0));
      }
      FloatVector mx = m.max(x0.max(x1).max(x2.max(x3)));
      FloatVector resc = VectorElementwise.expUpTo88(m.sub(mx));
      FloatVector sum = FloatVector.zero(S);
      for (c = 0; c < keys; c++) {
        int at = base + c * G;
        FloatVector p = VectorElementwise.expUpTo88(FloatVector.fromArray(S, st, at).sub(mx));
        p.intoArray(st, at);
        sum = sum.add(p);
      }
      mx.intoArray(state, r0, valid);
      l.mul(resc).add(sum).intoArray(state, sld + r0, valid);
      resc.intoArray(rescale, r0, valid);
    }
  }

  static void aggregate(float[] st, int keys, int rows, float[] vp, int vpOff, int e, float[] acc, float[] rescale) {
    int keys8 = ColumnSoftmax.roundUp8(keys);
    float[] t = VectorMatMul.SCRATCH.get().tile;
    for (int j = 0; j < e; j += NR) {
      int w = Math.min(NR, e - j);
      int bj = vpOff + (j / NR) * keys * NR;
      for (int r = 0; r < rows; r += 8) {
        int a0 = (r / G) * G * keys8 + r % G;
        int c0 = r * e + j;
        if (w == NR) {
          tile8x2Scaled(st, a0, vp, bj, keys, acc, c0, c0 + G, e, rescale, r);
          continue;
        }
        // A last panel narrower than two vectors: rescale its columns, then add the staged tile.
        for (int i = 0; i < 8; i++) {
          for (int c = 0; c < w; c++) acc[c0 + i * e + c] *= rescale[r + i];
        }
        tile8x2(st, a0, vp, bj, keys, t, 0, G, NR);
        VectorMatMul.store(t, 8, acc, c0, e, 1f, w, true);
      }
    }
  }

  /**
   * The hot loop, VectorMatMul's 8×2 tile on this class's layouts: A[8 rows] · B panel, where A's
   * eight values of step p are contiguous at a[a0 + p·G] (the packed keys and the scores both hold
   * G = 16 rows per step) and B is a panel of NR = 2G columns. Row i's two vectors go to
   * t[t0 + i·ts] and t[t1 + i·ts]: a staging tile (0, G, NR) or the scores in place. A and B
   * advance by constants, which lets C2 hoist every bounds check out of the loop: with B's stride as
   * an argument it re-checked each load (~10% slower, measured at 64³), and with A's it re-checked
   * two A indices each step (five more instructions beside the sixteen FMAs; within noise on its own).
   */
  private static void tile8x2(float[] a, int a0, float[] b, int bj, int k, float[] t, int t0, int t1, int ts) {
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    for (int p = 0; p < k; p++) {
      int bp = bj + p * NR;
      int ap = a0 + p * G;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + G);
      FloatVector x = FloatVector.broadcast(S, a[ap]);
      c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
      x = FloatVector.broadcast(S, a[ap + 1]);
      c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
      x = FloatVector.broadcast(S, a[ap + 2]);
      c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
      x = FloatVector.broadcast(S, a[ap + 3]);
      c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
      x = FloatVector.broadcast(S, a[ap + 4]);
      c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
      x = FloatVector.broadcast(S, a[ap + 5]);
      c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
      x = FloatVector.broadcast(S, a[ap + 6]);
      c60 = b0.fma(x, c60); c61 = b1.fma(x, c61);
      x = FloatVector.broadcast(S, a[ap + 7]);
      c70 = b0.fma(x, c70); c71 = b1.fma(x, c71);
    }
    c00.intoArray(t, t0);
    c01.intoArray(t, t1);
    c10.intoArray(t, t0 + ts);
    c11.intoArray(t, t1 + ts);
    c20.intoArray(t, t0 + 2 * ts);
    c21.intoArray(t, t1 + 2 * ts);
    c30.intoArray(t, t0 + 3 * ts);
    c31.intoArray(t, t1 + 3 * ts);
    c40.intoArray(t, t0 + 4 * ts);
    c41.intoArray(t, t1 + 4 * ts);
    c50.intoArray(t, t0 + 5 * ts);
    c51.intoArray(t, t1 + 5 * ts);
    c60.intoArray(t, t0 + 6 * ts);
    c61.intoArray(t, t1 + 6 * ts);
    c70.intoArray(t, t0 + 7 * ts);
    c71.intoArray(t, t1 + 7 * ts);
  }

  /**
   * {@link #tile8x2} accumulating into t: row i starts from its two vectors in t times
   * scale[s0 + i] (the online softmax's rescale of the running output, fused into the P·V product).
   * A copy of the loop rather than a flag on tile8x2: with the branch in its prologue the score
   * product (k = d = 64) measured 6% slower, the register allocation of the shared loop being worse.
   */
  private static void tile8x2Scaled(float[] a, int a0, float[] b, int bj, int k, float[] t, int t0, int t1, int ts, float[] scale, int s0) {
    FloatVector c00 = FloatVector.fromArray(S, t, t0).mul(scale[s0]);
    FloatVector c01 = FloatVector.fromArray(S, t, t1).mul(scale[s0]);
    FloatVector c10 = FloatVector.fromArray(S, t, t0 + ts).mul(scale[s0 + 1]);
    FloatVector c11 = FloatVector.fromArray(S, t, t1 + ts).mul(scale[s0 + 1]);
    FloatVector c20 = FloatVector.fromArray(S, t, t0 + 2 * ts).mul(scale[s0 + 2]);
    FloatVector c21 = FloatVector.fromArray(S, t, t1 + 2 * ts).mul(scale[s0 + 2]);
    FloatVector c30 = FloatVector.fromArray(S, t, t0 + 3 * ts).mul(scale[s0 + 3]);
    FloatVector c31 = FloatVector.fromArray(S, t, t1 + 3 * ts).mul(scale[s0 + 3]);
    FloatVector c40 = FloatVector.fromArray(S, t, t0 + 4 * ts).mul(scale[s0 + 4]);
    FloatVector c41 = FloatVector.fromArray(S, t, t1 + 4 * ts).mul(scale[s0 + 4]);
    FloatVector c50 = FloatVector.fromArray(S, t, t0 + 5 * ts).mul(scale[s0 + 5]);
    FloatVector c51 = FloatVector.fromArray(S, t, t1 + 5 * ts).mul(scale[s0 + 5]);
    FloatVector c60 = FloatVector.fromArray(S, t, t0 + 6 * ts).mul(scale[s0 + 6]);
    FloatVector c61 = FloatVector.fromArray(S, t, t1 + 6 * ts).mul(scale[s0 + 6]);
    FloatVector c70 = FloatVector.fromArray(S, t, t0 + 7 * ts).mul(scale[s0 + 7]);
    FloatVector c71 = FloatVector.fromArray(S, t, t1 + 7 * ts).mul(scale[s0 + 7]);
    for (int p = 0; p < k; p++) {
      int bp = bj + p * NR;
      int ap = a0 + p * G;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + G);
      FloatVector x = FloatVector.broadcast(S, a[ap]);
      c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
      x = FloatVector.broadcast(S, a[ap + 1]);
      c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
      x = FloatVector.broadcast(S, a[ap + 2]);
      c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
      x = FloatVector.broadcast(S, a[ap + 3]);
      c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
      x = FloatVector.broadcast(S, a[ap + 4]);
      c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
      x = FloatVector.broadcast(S, a[ap + 5]);
      c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
      x = FloatVector.broadcast(S, a[ap + 6]);
      c60 = b0.fma(x, c60); c61 = b1.fma(x, c61);
      x = FloatVector.broadcast(S, a[ap + 7]);
      c70 = b0.fma(x, c70); c71 = b1.fma(x, c71);
    }
    c00.intoArray(t, t0);
    c01.intoArray(t, t1);
    c10.intoArray(t, t0 + ts);
    c11.intoArray(t, t1 + ts);
    c20.intoArray(t, t0 + 2 * ts);
    c21.intoArray(t, t1 + 2 * ts);
    c30.intoArray(t, t0 + 3 * ts);
    c31.intoArray(t, t1 + 3 * ts);
    c40.intoArray(t, t0 + 4 * ts);
    c41.intoArray(t, t1 + 4 * ts);
    c50.intoArray(t, t0 + 5 * ts);
    c51.intoArray(t, t1 + 5 * ts);
    c60.intoArray(t, t0 + 6 * ts);
    c61.intoArray(t, t1 + 6 * ts);
    c70.intoArray(t, t0 + 7 * ts);
    c71.intoArray(t, t1 + 7 * ts);
  }
}
