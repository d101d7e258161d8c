package dev.tessera.testsuite.cpu;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.cpu.CpuKernel;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs causal attention over one head with M = N = 32768, D = E = 16 on the CPU backend, then
 * checks sampled rows against a direct double-precision computation. Meant for a JVM with a small
 * heap: the score matrix alone would take 4 GiB. Prints "ok" and the time on success.
 */
public final class LongSequenceProbe {
  private LongSequenceProbe() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int d = 16;
    Frontend.Compiled c = Frontend.compile(new Sources(), Path.of("..", "examples", "attention", "mha_causal.attn"));
    Module m = Pipeline.run(c.module());
    Kernel k = m.kernels().get(0);
    CpuKernel kernel = CpuBackend.compile(m, k, CpuBackend.defaultSchedule());
    SplittableRandom rnd = new SplittableRandom(7);
    float[] q = random(rnd, n * d);
    float[] key = random(rnd, n * d);
    float[] v = random(rnd, n * d);
    Map<String, Long> dims = Map.of("B", 1L, "H", 1L, "M", (long) n, "N", (long) n, "D", (long) d, "E", (long) d);
    long t0 = System.nanoTime();
    float[] o = kernel.run(Map.of("Q", q, "K", key, "V", v), dims).get("O");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    for (int row : new int[] {0, 1, n / 3, n - 1}) {
      double[] want = row(q, key, v, row, d);
      for (int e = 0; e < d; e++) {
        if (Math.abs(o[row * d + e] - want[e]) > 1e-4) throw new AssertionError("row " + row + " col " + e + ": " + o[row * d + e] + " vs " + want[e]);
      }
    }
    System.out.println("ok " + ms + " ms, max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
  }

  private static float[] random(SplittableRandom rnd, int size) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) a[i] = (float) rnd.nextGaussian();
    return a;
  }

  /** softmax over keys 0..row of q·k/√d, times V, in double. */
  private static double[] row(float[] q, float[] k, float[] v, int row, int d) {
    double[] s = new double[row + 1];
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j <= row; j++) {
      double dot = 0;
      for (int x = 0; x < d; x++) dot += q[row * d + x] * k[j * d + x];
      s[j] = dot / Math.sqrt(d);
      max = Math.max(max, s[j]);
    }
    double sum = 0;
    double[] out = new double[d];
    for (int j = 0; j <= row; j++) {
      double p = Math.exp(s[j] - max);
      sum += p;
      for (int e = 0; e < d; e++) out[e] += p * v[j * d + e];
    }
    for (int e = 0; e < d; e++) out[e] /= sum;
    return out;
  }
}
