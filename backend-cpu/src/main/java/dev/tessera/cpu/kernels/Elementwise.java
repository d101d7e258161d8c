package dev.tessera.cpu.kernels;

/**
 * Transcendental functions over array segments, called by generated code where a whole row of
 * values goes through the same function (the softmax's exponentials). The Vector API version is
 * used when {@code jdk.incubator.vector} is present, else a scalar loop.
 */
public final class Elementwise {
  private static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
      && Boolean.parseBoolean(System.getProperty("tessera.cpu.vector", "true"));

  private Elementwise() {}

  /** The maximum, sum or minimum of a[off .. off+len) ({@code kind}: 0 max, 1 sum, 2 min); the identity when empty. */
  public static float reduce(int kind, float[] a, int off, int len) {
    if (VECTOR) return VectorElementwise.reduce(kind, a, off, len);
    float acc = kind == 0 ? Float.NEGATIVE_INFINITY : kind == 1 ? 0f : Float.POSITIVE_INFINITY;
    for (int i = off; i < off + len; i++) acc = kind == 0 ? Math.max(acc, a[i]) : kind == 1 ? acc + a[i] : Math.min(acc, a[i]);
    return acc;
  }

  /**
   * dst[dOff + i] = exp(src[sOff + i] - shift) for i in [0, len): the softmax's weights. Returns
   * their sum. dst may be src at the same offset.
   */
  public static float expShifted(float[] src, int sOff, float shift, float[] dst, int dOff, int len) {
    if (VECTOR) return VectorElementwise.expShifted(src, sOff, shift, dst, dOff, len);
    float sum = 0;
    for (int i = 0; i < len; i++) {
      float e = (float) Math.exp(src[sOff + i] - shift);
      dst[dOff + i] = e;
      sum += e;
    }
    return sum;
  }

  /** Functions {@link #applyInPlace} knows. */
  public static final int EXP = 0;
  public static final int TANH = 1;
  public static final int SIGMOID = 2;
  public static final int LOG = 3;

  /** a[off .. off+len) = f(a[off .. off+len)) for f one of {@link #EXP}, {@link #TANH}, {@link #SIGMOID}, {@link #LOG}. */
  public static void applyInPlace(int fn, float[] a, int off, int len) {
    if (VECTOR) {
      VectorElementwise.applyInPlace(fn, a, off, len);
      return;
    }
    for (int i = off; i < off + len; i++) a[i] = scalar(fn, a[i]);
  }

  static float scalar(int fn, float x) {
    return switch (fn) {
      case EXP -> (float) Math.exp(x);
      case TANH -> (float) Math.tanh(x);
      case SIGMOID -> 1f / (1f + (float) Math.exp(-x));
      default -> (float) Math.log(x);
    };
  }

  /** a[off .. off+len) = exp(a[off .. off+len)). */
  public static void expInPlace(float[] a, int off, int len) {
    if (VECTOR) {
      VectorElementwise.expInPlace(a, off, len);
      return;
    }
    for (int i = off; i < off + len; i++) a[i] = (float) Math.exp(a[i]);
  }
}
