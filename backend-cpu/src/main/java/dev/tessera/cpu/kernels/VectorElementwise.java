package dev.tessera.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API versions of {@link Elementwise}; only loaded when the incubator module is present. */
final class VectorElementwise {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private VectorElementwise() {}

  static float reduce(int kind, float[] a, int off, int len) {
    VectorOperators.Associative op = kind == 0 ? VectorOperators.MAX : kind == 1 ? VectorOperators.ADD : VectorOperators.MIN;
    float identity = kind == 0 ? Float.NEGATIVE_INFINITY : kind == 1 ? 0f : Float.POSITIVE_INFINITY;
    FloatVector acc = FloatVector.broadcast(S, identity);
    int i = 0;
    int bound = S.loopBound(len);
    for (; i < bound; i += S.length()) acc = acc.lanewise(op, FloatVector.fromArray(S, a, off + i));
    float r = acc.reduceLanes(op);
    for (; i < len; i++) {
      float x = a[off + i];
      r = kind == 0 ? Math.max(r, x) : kind == 1 ? r + x : Math.min(r, x);
    }
    return r;
  }

  static void expShifted(float[] src, int sOff, float shift, float[] dst, int dOff, int len) {
    FloatVector sv = FloatVector.broadcast(S, shift);
    int i = 0;
    int bound = S.loopBound(len);
    for (; i < bound; i += S.length()) {
      FloatVector.fromArray(S, src, sOff + i).sub(sv).lanewise(VectorOperators.EXP).intoArray(dst, dOff + i);
    }
    for (; i < len; i++) dst[dOff + i] = (float) Math.exp(src[sOff + i] - shift);
  }

  static void expInPlace(float[] a, int off, int len) {
    int i = 0;
    int bound = S.loopBound(len);
    for (; i < bound; i += S.length()) {
      FloatVector.fromArray(S, a, off + i).lanewise(VectorOperators.EXP).intoArray(a, off + i);
    }
    for (; i < len; i++) a[off + i] = (float) Math.exp(a[off + i]);
  }
}
