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

  /** Each 8-key × 32-row tile (two groups) from VectorMatMul's 8×2 micro-kernel, stored in place. */
  static void scores(float[] kp, int kpOff, int keys, float[] qp, int rows, int d, float[] st) {
    int keys8 = ColumnSoftmax.roundUp8(keys);
    for (int j = 0; j < rows; j += NR) {
      int g0 = (j / G) * G * keys8;
      int g1 = g0 + G * keys8;
      for (int q = 0; q < keys8; q += 8) {
        VectorMatMul.tile8x2(kp, kpOff + (q - q % G) * d + q % G, qp, j * d, d, st, g0 + q * G, g1 + q * G, G);
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
          VectorMatMul.tile8x2Scaled(st, a0, vp, bj, keys, acc, c0, c0 + G, e, rescale, r);
          continue;
        }
        // A last panel narrower than two vectors: rescale its columns, then add the staged tile.
        for (int i = 0; i < 8; i++) {
          for (int c = 0; c < w; c++) acc[c0 + i * e + c] *= rescale[r + i];
        }
        VectorMatMul.tile8x2(st, a0, vp, bj, keys, t, 0, G, NR);
        VectorMatMul.store(t, 8, acc, c0, e, 1f, w, true);
      }
    }
  }
}
