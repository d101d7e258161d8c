package dev.tessera.cpu.kernels;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The row functions against java.lang.Math, with lengths that leave vector tails (the tests run
 * with the Vector API, so these check its exponential and reductions, not only the scalar loops).
 */
class ElementwiseTest {
  /** 2e-7 relative (about 2 ulp): the vector exponential is documented to stay under 1.7e-7. */
  private static final double EXP_TOLERANCE = 2e-7;
  /** Below this the vector exponential may flush to zero (2^-126 · 2). */
  private static final float FLUSH = 2.4e-38f;

  @Test
  void expMatchesMathExpOverTheWholeRange() {
    SplittableRandom r = new SplittableRandom(7);
    float[] x = new float[100_003];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 200 - 100);
    float[] y = x.clone();
    Elementwise.expInPlace(y, 0, y.length);
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      float ref = (float) Math.exp(x[i]);
      if (ref < FLUSH) {
        assertWithMessage("exp(%s)", x[i]).that(y[i]).isAtMost(FLUSH);
        assertWithMessage("exp(%s)", x[i]).that(y[i]).isAtLeast(0f);
      } else if (Float.isInfinite(ref)) {
        assertWithMessage("exp(%s)", x[i]).that(y[i]).isEqualTo(Float.POSITIVE_INFINITY);
      } else {
        worst = Math.max(worst, Math.abs(y[i] - Math.exp(x[i])) / Math.exp(x[i]));
      }
    }
    assertThat(worst).isLessThan(EXP_TOLERANCE);
  }

  @Test
  void expSpecialValues() {
    float[] x = {0f, -0f, 1f, -1f, 88.72f, 88.7228f, 88.73f, 1000f, -1000f, -86.9f,
        Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 1e-8f, -1e-8f, 0.5f, -0.5f};
    // Repeated so the special values land in vector lanes as well as in the scalar tail.
    float[] in = new float[x.length * 3];
    for (int i = 0; i < in.length; i++) in[i] = x[i % x.length];
    float[] y = in.clone();
    Elementwise.expInPlace(y, 0, y.length);
    for (int i = 0; i < in.length; i++) {
      float ref = (float) Math.exp(in[i]);
      if (Float.isNaN(ref) || Float.isInfinite(ref) || ref == 0f) {
        assertWithMessage("exp(%s)", in[i]).that(y[i]).isEqualTo(ref);
      } else {
        assertWithMessage("exp(%s)", in[i]).that((double) y[i]).isWithin(EXP_TOLERANCE * ref).of(Math.exp(in[i]));
      }
    }
  }

  @Test
  void expShiftedWritesWeightsAndReturnsTheirSum() {
    SplittableRandom r = new SplittableRandom(11);
    for (int len : new int[] {0, 1, 15, 16, 17, 33, 77, 128, 256, 301}) {
      float[] src = new float[len + 5];
      for (int i = 0; i < src.length; i++) src[i] = (float) (r.nextGaussian() * 4);
      float shift = 3.5f;
      float[] dst = new float[len + 9];
      float sum = Elementwise.expShifted(src, 5, shift, dst, 9, len);
      double ref = 0;
      for (int i = 0; i < len; i++) {
        double e = Math.exp(src[5 + i] - shift);
        ref += e;
        assertWithMessage("len %s, element %s", len, i).that((double) dst[9 + i]).isWithin(1e-6 * e).of(e);
      }
      assertWithMessage("len %s", len).that((double) sum).isWithin(1e-5 * Math.max(1, ref)).of(ref);
    }
  }

  @Test
  void reductionsMatchScalarLoops() {
    SplittableRandom r = new SplittableRandom(13);
    for (int len : new int[] {0, 1, 15, 16, 17, 63, 64, 65, 77, 128, 129, 300}) {
      float[] a = new float[len + 3];
      for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
      float max = Float.NEGATIVE_INFINITY;
      float min = Float.POSITIVE_INFINITY;
      double sum = 0;
      for (int i = 3; i < len + 3; i++) {
        max = Math.max(max, a[i]);
        min = Math.min(min, a[i]);
        sum += a[i];
      }
      assertWithMessage("max, len %s", len).that(Elementwise.reduce(0, a, 3, len)).isEqualTo(max);
      assertWithMessage("min, len %s", len).that(Elementwise.reduce(2, a, 3, len)).isEqualTo(min);
      assertWithMessage("sum, len %s", len).that((double) Elementwise.reduce(1, a, 3, len)).isWithin(1e-4).of(sum);
    }
  }

  @Test
  void maxPropagatesNaN() {
    float[] a = new float[70];
    a[40] = Float.NaN;
    assertThat(Elementwise.reduce(0, a, 0, a.length)).isNaN();
  }
}
