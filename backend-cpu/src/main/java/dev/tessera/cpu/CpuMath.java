package dev.tessera.cpu;

/** Scalar functions called by generated kernels; small enough for the JIT to inline. */
public final class CpuMath {
  private CpuMath() {}

  public static float exp(float x) {
    return (float) Math.exp(x);
  }

  public static float exp2(float x) {
    return (float) Math.pow(2, x);
  }

  public static float log(float x) {
    return (float) Math.log(x);
  }

  public static float tanh(float x) {
    return (float) Math.tanh(x);
  }

  /** One exponential, of a non-positive argument, so it never overflows. */
  public static float sigmoid(float x) {
    float e = (float) Math.exp(-Math.abs(x));
    return x >= 0 ? 1f / (1f + e) : e / (1f + e);
  }

  public static float relu(float x) {
    return x > 0 ? x : 0f;
  }

  public static float silu(float x) {
    return x * sigmoid(x);
  }

  public static float sqrt(float x) {
    return (float) Math.sqrt(x);
  }

  public static float rsqrt(float x) {
    return (float) (1 / Math.sqrt(x));
  }

  public static float abs(float x) {
    return Math.abs(x);
  }

  public static float floor(float x) {
    return (float) Math.floor(x);
  }

  public static float pow(float a, float b) {
    return (float) Math.pow(a, b);
  }

  public static float min(float a, float b) {
    return Math.min(a, b);
  }

  public static float max(float a, float b) {
    return Math.max(a, b);
  }

  public static int imin(int a, int b) {
    return Math.min(a, b);
  }

  public static int imax(int a, int b) {
    return Math.max(a, b);
  }

  public static int iabs(int a) {
    return Math.abs(a);
  }

  public static int idiv(int a, int b) {
    return Math.floorDiv(a, b);
  }

  public static int imod(int a, int b) {
    return Math.floorMod(a, b);
  }

  public static int cdiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }
}
