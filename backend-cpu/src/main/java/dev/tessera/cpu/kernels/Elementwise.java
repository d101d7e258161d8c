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

  /** a[off .. off+len) = exp(a[off .. off+len)). */
  public static void expInPlace(float[] a, int off, int len) {
    if (VECTOR) {
      VectorElementwise.expInPlace(a, off, len);
      return;
    }
    for (int i = off; i < off + len; i++) a[i] = (float) Math.exp(a[i]);
  }
}
