package dev.tessera.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API versions of {@link Elementwise}; only loaded when the incubator module is present. */
final class VectorElementwise {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private VectorElementwise() {}

  static void expInPlace(float[] a, int off, int len) {
    int i = 0;
    int bound = S.loopBound(len);
    for (; i < bound; i += S.length()) {
      FloatVector.fromArray(S, a, off + i).lanewise(VectorOperators.EXP).intoArray(a, off + i);
    }
    for (; i < len; i++) a[off + i] = (float) Math.exp(a[off + i]);
  }
}
