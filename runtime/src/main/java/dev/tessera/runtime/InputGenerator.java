package dev.tessera.runtime;

import dev.tessera.ir.ElemType;
import dev.tessera.ir.TensorDecl;
import java.util.SplittableRandom;

/**
 * Generates a missing input from a seed: unit-scale normal values, or uniform values within the
 * input's declared range (integers for i8; a fair coin for bool). Each input has its own stream,
 * derived from the seed and its name, so adding an input does not change the others.
 */
public final class InputGenerator {
  private InputGenerator() {}

  public static DenseTensor generate(TensorDecl t, int[] shape, long seed) {
    DenseTensor out = DenseTensor.zeros(shape);
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ fnv1a(t.name()));
    double[] d = out.data();
    for (int i = 0; i < d.length; i++) d[i] = StorageTypes.round(t.type(), draw(t, rnd));
    return out;
  }

  /** A 64-bit FNV-1a hash of the name, so distinct names practically never share a stream. */
  private static long fnv1a(String name) {
    long h = 0xcbf29ce484222325L;
    for (byte b : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static double draw(TensorDecl t, SplittableRandom rnd) {
    if (t.type() == ElemType.BOOL) return rnd.nextBoolean() ? 1 : 0;
    if (t.type() == ElemType.I8) {
      long lo = t.range().map(r -> (long) Math.ceil(Math.max(r.low(), -128))).orElse(-3L);
      long hi = t.range().map(r -> (long) Math.floor(Math.min(r.high(), 127))).orElse(3L);
      return lo + rnd.nextLong(hi - lo + 1);
    }
    if (t.range().isEmpty()) return rnd.nextGaussian();
    double lo = t.range().get().low();
    double hi = t.range().get().high();
    if (Double.isInfinite(lo) && Double.isInfinite(hi)) return rnd.nextGaussian();
    if (Double.isInfinite(lo)) return hi - Math.abs(rnd.nextGaussian());
    if (Double.isInfinite(hi)) return lo + Math.abs(rnd.nextGaussian());
    if (lo == hi) return lo;
    return lo + (hi - lo) * rnd.nextDouble();
  }
}
