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

  // Four accumulators: a row of 128 scores is 8 vectors, and one accumulator would make them a
  // chain of dependent max (or add) operations, each waiting out the previous one's latency.
  private static float max(float[] a, int off, int len) {
    FloatVector a0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), a1 = a0, a2 = a0, a3 = a0;
    int v = S.length();
    int i = 0;
    for (int bound = len - 4 * v; i <= bound; i += 4 * v) {
      a0 = a0.max(FloatVector.fromArray(S, a, off + i));
      a1 = a1.max(FloatVector.fromArray(S, a, off + i + v));
      a2 = a2.max(FloatVector.fromArray(S, a, off + i + 2 * v));
      a3 = a3.max(FloatVector.fromArray(S, a, off + i + 3 * v));
    }
    for (int bound = S.loopBound(len); i < bound; i += v) a0 = a0.max(FloatVector.fromArray(S, a, off + i));
    float r = a0.max(a1).max(a2.max(a3)).reduceLanes(VectorOperators.MAX);
    for (; i < len; i++) r = Math.max(r, a[off + i]);
    return r;
  }

  private static float sum(float[] a, int off, int len) {
    FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
    int v = S.length();
    int i = 0;
    for (int bound = len - 4 * v; i <= bound; i += 4 * v) {
      a0 = a0.add(FloatVector.fromArray(S, a, off + i));
      a1 = a1.add(FloatVector.fromArray(S, a, off + i + v));
      a2 = a2.add(FloatVector.fromArray(S, a, off + i + 2 * v));
      a3 = a3.add(FloatVector.fromArray(S, a, off + i + 3 * v));
    }
    for (int bound = S.loopBound(len); i < bound; i += v) a0 = a0.add(FloatVector.fromArray(S, a, off + i));
    float r = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
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

  // exp(x) = 2^n · e^r with n = round(x·log2 e) and r = x − n·ln 2 in [−ln2/2, ln2/2] (ln 2 split in
  // two parts, Cody and Waite, so r is nearly exact). Adding 1.5·2^23 + 126 rounds x·log2 e to an
  // integer and leaves n + 126 in the sum's low mantissa bits, so shifting its bits left by 23 gives
  // 2^(n−1) directly: one below 2^n so that n = 128 (x up to 88.72) still has a finite power, the
  // missing 2 being folded into the polynomial. That polynomial is 2·e^r to degree 5, its
  // coefficients fitted for least relative error on the interval with the constant term fixed (so
  // exp(0) is exactly 1). Where n ≤ −126 (x below about −86.99, results under 1.7e-38) the result
  // is 0: the power's exponent field is then 0 (the EXP_MIN blend keeps n ≤ −127 from giving
  // garbage bits). Above 88.72 exp gives +∞, and NaN stays NaN. Against Math.exp over every float
  // in [−87, 88.72]: at most 1.7e-7 relative error (about 2 ulp; ElementwiseTest samples it).
  // Thirteen vector operations: the former Taylor polynomial of degree 6 with a separate bias add
  // took fifteen, and VectorOperators.EXP, where the softmax spent a large share of its time,
  // several times more.
  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HI = 0.693145751953125f;
  private static final float LN2_LO = 1.42860682030941723212e-6f;
  /** 1.5·2^23 + 126: see above. */
  private static final float ROUNDER = 12583038f;
  private static final float EXP_MIN = -87.33654f; // ln(2^-126): below it n ≤ −127
  private static final float EXP_MAX = 88.72283f; // ln(Float.MAX_VALUE)
  // 2·e^r ≈ 2 + r·(C1 + r·(C2 + r·(C3 + r·(C4 + r·C5)))), |r| ≤ ln2/2
  private static final float C1 = 1.9999994039535522f;
  private static final float C2 = 0.999983012676239f;
  private static final float C3 = 0.3333527445793152f;
  private static final float C4 = 0.08379587531089783f;
  private static final float C5 = 0.016580482944846153f;

  static FloatVector exp(FloatVector x) {
    return expUpTo88(x).blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_MAX));
  }

  /**
   * exp without the overflow check, for arguments known to be at most 88.72 (or NaN): the online
   * softmax's score − running maximum, which is never positive.
   */
  // The constants are broadcast in place rather than through a helper: exp is inlined into large
  // loops, and a helper call C2 declines to inline there boxes its vector (measured 3x slower).
  static FloatVector expUpTo88(FloatVector x) {
    FloatVector y = x.fma(LOG2E, ROUNDER);
    FloatVector n = y.sub(ROUNDER);
    FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
    r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
    FloatVector p = r.fma(C5, C4);
    p = p.fma(r, FloatVector.broadcast(S, C3));
    p = p.fma(r, FloatVector.broadcast(S, C2));
    p = p.fma(r, FloatVector.broadcast(S, C1));
    p = p.fma(r, FloatVector.broadcast(S, 2f));
    FloatVector half = y.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return p.mul(half).blend(0f, x.compare(VectorOperators.LT, EXP_MIN));
  }

  static float expShifted(float[] src, int sOff, float shift, float[] dst, int dOff, int len) {
    FloatVector sv = FloatVector.broadcast(S, shift);
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    for (int bound = S.loopBound(len); i < bound; i += S.length()) {
      FloatVector e = exp(FloatVector.fromArray(S, src, sOff + i).sub(sv));
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
      case Elementwise.EXP -> expInPlace(a, off, len);
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
      one.div(one.add(exp(x.neg()))).intoArray(a, off + i);
    }
    for (; i < len; i++) a[off + i] = Elementwise.scalar(Elementwise.SIGMOID, a[off + i]);
  }

  static void expInPlace(float[] a, int off, int len) {
    int i = 0;
    int bound = S.loopBound(len);
    for (; i < bound; i += S.length()) {
      exp(FloatVector.fromArray(S, a, off + i)).intoArray(a, off + i);
    }
    for (; i < len; i++) a[off + i] = (float) Math.exp(a[off + i]);
  }
}
