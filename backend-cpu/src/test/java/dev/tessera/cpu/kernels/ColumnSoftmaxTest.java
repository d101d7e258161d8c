package dev.tessera.cpu.kernels;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Two key blocks of an online softmax through ColumnSoftmax against the same steps in double
 * precision: packing, transposed scores, the step down columns (state and rescale factors), and
 * the accumulated P·V with the rescale fused in, on key counts that leave partial 16-key panels (and
 * their 8-key halves), row counts that leave partial 16-row groups, and output widths that are not
 * a multiple of two vectors.
 */
class ColumnSoftmaxTest {
  static Stream<Arguments> shapes() {
    List<Arguments> out = new ArrayList<>();
    for (int rows : new int[] {8, 16, 24, 40, 64}) {
      for (int keys : new int[] {1, 7, 33, 77, 128}) {
        for (int d : new int[] {1, 16, 64}) {
          out.add(Arguments.of(rows, keys, d, d == 1 ? 3 : d + 5));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "rows={0} keys={1} d={2} e={3}")
  @MethodSource("shapes")
  void twoBlocksMatchDoublePrecision(int rows, int keys, int d, int e) {
    assumeTrue(ColumnSoftmax.available(), "needs 16-lane float vectors");
    SplittableRandom r = new SplittableRandom(rows * 1000 + keys * 10 + d);
    int ldq = d + 2;
    int ldk = d + 3;
    float[] q = random(r, rows * ldq + 1);
    float[] k = random(r, 2 * keys * ldk + 1);
    float[] v = random(r, 2 * keys * e);
    float alpha = 0.7f;
    float[] qp = new float[ColumnSoftmax.queriesSize(rows, d)];
    ColumnSoftmax.packQueries(q, 1, ldq, rows, d, alpha, qp);
    float[] state = new float[2 * rows + 3];
    java.util.Arrays.fill(state, 0, rows, Float.NEGATIVE_INFINITY);
    float[] rescale = new float[rows];
    float[] acc = new float[rows * e];
    double[] m = new double[rows];
    double[] l = new double[rows];
    double[] o = new double[rows * e];
    java.util.Arrays.fill(m, Double.NEGATIVE_INFINITY);
    MatMul mm = MatMul.best();
    for (int block = 0; block < 2; block++) {
      int kOff = 1 + block * keys * ldk;
      float[] kp = new float[ColumnSoftmax.keysSize(keys, d) + 5];
      ColumnSoftmax.packKeys(k, kOff, ldk, keys, d, kp, 5);
      float[] vp = new float[mm.packedSize(e, keys)];
      mm.packB(v, block * keys * e, e, keys, e, vp, 0);
      float[] st = new float[ColumnSoftmax.scoresSize(keys, rows)];
      ColumnSoftmax.scores(kp, 5, keys, qp, rows, d, st);
      ColumnSoftmax.softmax(st, keys, rows, state, rows, rescale);
      ColumnSoftmax.aggregate(st, keys, rows, vp, 0, e, acc, rescale);
      for (int i = 0; i < rows; i++) {
        double[] s = new double[keys];
        double mx = m[i];
        for (int c = 0; c < keys; c++) {
          double dot = 0;
          for (int x = 0; x < d; x++) dot += (double) q[1 + i * ldq + x] * k[kOff + c * ldk + x];
          s[c] = alpha * dot;
          mx = Math.max(mx, s[c]);
        }
        double resc = Math.exp(m[i] - mx);
        assertWithMessage("rescale row %s block %s", i, block).that((double) rescale[i]).isWithin(1e-5).of(resc);
        double sum = 0;
        for (int x = 0; x < e; x++) o[i * e + x] *= resc;
        for (int c = 0; c < keys; c++) {
          double p = Math.exp(s[c] - mx);
          sum += p;
          for (int x = 0; x < e; x++) o[i * e + x] += p * v[(block * keys + c) * e + x];
        }
        l[i] = l[i] * resc + sum;
        m[i] = mx;
        assertWithMessage("m row %s", i).that((double) state[i]).isWithin(1e-4 * Math.max(1, Math.abs(mx))).of(mx);
        assertWithMessage("l row %s", i).that((double) state[rows + i]).isWithin(1e-4 * l[i]).of(l[i]);
      }
    }
    for (int i = 0; i < rows * e; i++) {
      assertWithMessage("acc[%s]", i).that((double) acc[i]).isWithin(1e-4 * Math.max(1, Math.abs(o[i]))).of(o[i]);
    }
    // Past the rows, the state array is untouched.
    assertThat(state[2 * rows]).isEqualTo(0f);
  }

  @Test
  void aggregateNeedsWholeTiles() {
    assumeTrue(ColumnSoftmax.available(), "needs 16-lane float vectors");
    assertThrows(IllegalArgumentException.class, () -> ColumnSoftmax.aggregate(new float[512], 4, 12, new float[512], 0, 4, new float[48], new float[12]));
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
    return a;
  }
}
