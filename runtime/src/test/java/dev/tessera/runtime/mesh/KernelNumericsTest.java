package dev.tessera.runtime.mesh;

import static com.google.common.truth.Truth.assertThat;

import dev.tessera.mesh.GemmKernels;
import dev.tessera.mesh.GemvKernels;
import dev.tessera.mesh.MeshKernel;
import dev.tessera.runtime.mesh.MeshExec.Matrix;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KernelNumericsTest {
  static final SimParams WSE2 = params();

  static SimParams params() {
    try {
      return SimParams.of(MeshProfiles.get("wse2"));
    } catch (dev.tessera.scheduler.profile.ProfileException e) {
      throw new AssertionError(e);
    }
  }

  static Matrix random(int r, int c, long seed) {
    Random rnd = new Random(seed);
    float[] d = new float[r * c];
    for (int i = 0; i < d.length; i++) d[i] = (float) (rnd.nextGaussian());
    return new Matrix(r, c, d);
  }

  static double gemmError(String alg, int p, int m, int k, int n, boolean transposed) {
    Matrix a = random(m, k, 1);
    Matrix b = transposed ? random(n, k, 2) : random(k, n, 2);
    MeshKernel kern = GemmKernels.build(alg, p, m, k, n, transposed);
    MeshExec.Run run = MeshExec.run(kern, WSE2, Map.of("A", a, "B", b), Map.of("C", new int[] {m, n}), null);
    assertThat(run.sim().cycles()).isGreaterThan(0.0);
    double err = 0;
    double max = 1;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double ref = 0;
        for (int q = 0; q < k; q++) ref += (double) a.data()[i * k + q] * (transposed ? b.data()[j * k + q] : b.data()[q * n + j]);
        err = Math.max(err, Math.abs(ref - run.outputs().get("C").data()[i * n + j]));
        max = Math.max(max, Math.abs(ref));
      }
    }
    return err / max;
  }

  @Test
  void gemmAlgorithmsMatchOnAwkwardShapes() {
    for (String alg : new String[] {"meshgemm", "cannon", "summa"}) {
      for (int p : new int[] {1, 2, 3, 4, 5}) {
        assertThat(gemmError(alg, p, 33, 77, 20, false)).isLessThan(1e-4);
        assertThat(gemmError(alg, p, 7, 9, 13, true)).isLessThan(1e-4);
      }
    }
  }

  @Test
  void gemvTreeAndPipelineMatch() {
    for (String alg : new String[] {"meshgemv", "pipegemv"}) {
      for (int p : new int[] {1, 2, 4, 7, 10}) {
        int n = 33;
        int k = 77;
        Matrix w = random(n, k, 3);
        Matrix x = random(1, k, 4);
        MeshExec.Run run = MeshExec.run(GemvKernels.build(alg, p, n, k), WSE2, Map.of("W", w, "x", x), Map.of("y", new int[] {1, n}), null);
        for (int i = 0; i < n; i++) {
          double ref = 0;
          for (int q = 0; q < k; q++) ref += (double) w.data()[i * k + q] * x.data()[q];
          assertThat(Math.abs(ref - run.outputs().get("y").data()[i])).isLessThan(1e-4 * Math.max(1, Math.abs(ref)) * 10);
        }
      }
    }
  }
}
