package dev.tessera.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
    int k8 = keys - keys % 8;
    if (k8 > 0) VectorMatMul.packA(k, off, ld, k8, d, dst, dOff, VectorMatMul.SCRATCH.get());
    if (k8 == keys) return;
    int base = dOff + k8 * d;
    for (int p = 0; p < d; p++) {
      for (int r = 0; r < 8; r++) dst[base + p * 8 + r] = k8 + r < keys ? k[off + (k8 + r) * ld + p] : 0f;
    }
  }

  /** Each 8-key × 32-row tile (two groups) from VectorMatMul's 8×2 micro-kernel, scaled into place. */
  static void scores(float[] kp, int kpOff, int keys, float[] qp, int rows, int d, float alpha, float[] st) {
    int keys8 = ColumnSoftmax.roundUp8(keys);
    int groups = (rows + G - 1) / G;
    float[] t = VectorMatMul.SCRATCH.get().tile;
    FloatVector al = FloatVector.broadcast(S, alpha);
    for (int j = 0; j < rows; j += NR) {
      for (int q = 0; q < keys8; q += 8) {
        VectorMatMul.tile8x2(kp, kpOff + q * d, 8, qp, j * d, d, t);
        for (int h = 0; h < 2; h++) {
          int g = j / G + h;
          if (g >= groups) break;
          int base = g * G * keys8 + q * G;
          for (int i = 0; i < 8; i++) FloatVector.fromArray(S, t, i * NR + h * G).mul(al).intoArray(st, base + i * G);
        }
      }
    }
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
      for (; c + 4 <= keys; c += 4) {
        int at = base + c * G;
        x0 = x0.max(FloatVector.fromArray(S, st, at));
        x1 = x1.max(FloatVector.fromArray(S, st, at + G));
        x2 = x2.max(FloatVector.fromArray(S, st, at + 2 * G));
        x3 = x3.max(FloatVector.fromArray(S, st, at + 3 * G));
      }
      for (; c < keys; c++) x0 = x0.max(FloatVector.fromArray(S, st, base + c * G));
      FloatVector mx = m.max(x0.max(x1).max(x2.max(x3)));
      FloatVector resc = VectorElementwise.exp(m.sub(mx));
      FloatVector sum = FloatVector.zero(S);
      for (c = 0; c < keys; c++) {
        int at = base + c * G;
        FloatVector p = VectorElementwise.exp(FloatVector.fromArray(S, st, at).sub(mx));
        p.intoArray(st, at);
        sum = sum.add(p);
      }
      mx.intoArray(state, r0, valid);
      l.mul(resc).add(sum).intoArray(state, sld + r0, valid);
      resc.intoArray(rescale, r0, valid);
    }
  }

  static void aggregate(float[] st, int keys, int rows, float[] vp, int vpOff, int e, float[] acc) {
    int keys8 = ColumnSoftmax.roundUp8(keys);
    float[] t = VectorMatMul.SCRATCH.get().tile;
    for (int j = 0; j < e; j += NR) {
      int w = Math.min(NR, e - j);
      int bj = vpOff + (j / NR) * keys * NR;
      for (int r = 0; r < rows; r += 8) {
        VectorMatMul.tile8x2(st, (r / G) * G * keys8 + r % G, G, vp, bj, keys, t);
        VectorMatMul.store(t, 8, acc, r * e + j, e, 1f, w, true);
      }
    }
  }
}
