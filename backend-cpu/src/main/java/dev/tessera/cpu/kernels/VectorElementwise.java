package dev.tessera.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API versions of {@link Elementwise}; only loaded when the incubator module is present. */
final class VectorElementwise {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private VectorElementwise() {}

  /** The operator must be a constant at each call site for C2 to intrinsify it, hence one method per kind. */
  static float reduce(int kind, float[] a, int off, int len) {
    return switch (kind) {
      case 0 -> max(a, off, len);
      case 1 -> sum(a, off, len);
      default -> min(a, off, len);
    };
  }

  private static float max(float[] a, int off, int len) {
    FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) acc = acc.max(FloatVector.fromArray(S, a, off + i));
    float r = acc.reduceLanes(VectorOperators.MAX);
    for (; i < len; i++) r = Math.max(r, a[off + i]);
    return r;
  }

  private static float sum(float[] a, int off, int len) {
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) acc = acc.add(FloatVector.fromArray(S, a, off + i));
    float r = acc.reduceLanes(VectorOperators.ADD);
    for (; i < len; i++) r += a[off + i];
    return r;
  }

  private static float min(float[] a, int off, int len) {
    FloatVector acc = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) acc = acc.min(FloatVector.fromArray(S, a, off + i));
    float r = acc.reduceLanes(VectorOperators.MIN);
    for (; i < len; i++) r = Math.min(r, a[off + i]);
    return r;
  }

  static float expShifted(float[] src, int sOff, float shift, float[] dst, int dOff, int len) {
    FloatVector sv = FloatVector.broadcast(S, shift);
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    int bound = S.loopBound(len);
    for (; i < bound; i += S.length()) {
      FloatVector e = FloatVector.fromArray(S, src, sOff + i).sub(sv).lanewise(VectorOperators.EXP);
      e.intoArray(dst, dOff + i);
      acc = acc.add(e);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < len; i++) {
      float e = (float) Math.exp(src[sOff + i] - shift);
      dst[dOff + i] = e;
      sum += e;
    }
    return sum;
  }

  /** One loop per function, so each operator is a constant C2 can intrinsify. */
  static void applyInPlace(int fn, float[] a, int off, int len) {
    switch (fn) {
      case Elementwise.EXP -> unary(VectorOperators.EXP, a, off, len, fn);
      case Elementwise.TANH -> unary(VectorOperators.TANH, a, off, len, fn);
      case Elementwise.LOG -> unary(VectorOperators.LOG, a, off, len, fn);
      default -> sigmoid(a, off, len);
    }
  }

  private static void unary(VectorOperators.Unary op, float[] a, int off, int len, int fn) {
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) FloatVector.fromArray(S, a, off + i).lanewise(op).intoArray(a, off + i);
    for (; i < len; i++) a[off + i] = Elementwise.scalar(fn, a[off + i]);
  }

  private static void sigmoid(float[] a, int off, int len) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      FloatVector x = FloatVector.fromArray(S, a, off + i);
      one.div(one.add(x.neg().lanewise(VectorOperators.EXP))).intoArray(a, off + i);
    }
    for (; i < len; i++) a[off + i] = Elementwise.scalar(Elementwise.SIGMOID, a[off + i]);
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
