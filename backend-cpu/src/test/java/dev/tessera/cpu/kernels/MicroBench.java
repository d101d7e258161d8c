package dev.tessera.cpu.kernels;

import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-threaded GFLOP/s of ab and abt against the core's measured FMA peak. Not a test; run
 * after {@code mvn test-compile} with
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes
 * dev.tessera.cpu.kernels.MicroBench}. Other processes on the machine show up as a gap between
 * the median and best columns.
 */
public final class MicroBench {
  private static final int RUNS = 20;
  private static final long RUN_NANOS = 20_000_000L;
  private static final int[][] SHAPES = {{64, 64, 64}, {128, 64, 64}, {64, 128, 64}};

  private MicroBench() {}

  @FunctionalInterface
  private interface Op {
    void run();
  }

  public static void main(String[] args) {
    double peakBefore = peakGflops();
    double[][] results = new double[2 * SHAPES.length * 2][];
    int r = 0;
    MatMul[] impls = {MatMul.best(), MatMul.scalar()};
    for (MatMul impl : impls) {
      for (int[] shape : SHAPES) {
        for (String op : new String[] {"ab", "abt"}) {
          results[r++] = measure(impl, op, shape[0], shape[1], shape[2]);
        }
      }
    }
    // Interference from other tenants can only lower the peak, so take the better of the
    // measurements before and after the kernels.
    double peakAfter = peakGflops();
    double peak = Math.max(peakBefore, peakAfter);
    VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
    System.out.printf("single-core FMA peak (%d-bit vectors, 12 independent chains): %.1f GFLOP/s"
        + " (before %.1f, after %.1f)%n%n", s.vectorBitSize(), peak, peakBefore, peakAfter);
    System.out.printf("%-11s %-4s %-13s %8s %8s %8s %8s%n", "impl", "op", "m x n x k", "median", "% peak",
        "best", "% peak");
    r = 0;
    for (MatMul impl : impls) {
      for (int[] shape : SHAPES) {
        for (String op : new String[] {"ab", "abt"}) {
          double[] g = results[r++];
          System.out.printf("%-11s %-4s %-13s %8.1f %7.1f%% %8.1f %7.1f%%%n", impl.name(), op,
              shape[0] + "x" + shape[1] + "x" + shape[2], g[0], 100 * g[0] / peak, g[1],
              100 * g[1] / peak);
        }
      }
    }
  }

  /**
   * {median, best} GFLOP/s. ab accumulates (O += P·V); abt overwrites with a softmax scale
   * (S = alpha·Q·Kᵀ).
   */
  private static double[] measure(MatMul mm, String op, int m, int n, int k) {
    SplittableRandom rnd = new SplittableRandom(42);
    float[] a = random(rnd, m * k);
    float[] b = random(rnd, n * k);
    float[] c = new float[m * n];
    Op body = op.equals("ab")
        ? () -> mm.ab(a, 0, k, b, 0, n, c, 0, n, m, n, k, true)
        : () -> mm.abt(a, 0, k, b, 0, k, c, 0, n, m, n, k, 0.125f, false);
    double flops = 2.0 * m * n * k;
    double[] secs = time(body);
    return new double[] {flops / secs[RUNS / 2] / 1e9, flops / secs[0] / 1e9};
  }

  /** Sorted seconds per call of RUNS timed runs, each of enough calls to last ~RUN_NANOS. */
  private static double[] time(Op body) {
    long warmEnd = System.nanoTime() + 1_000_000_000L;
    int reps = 0;
    while (System.nanoTime() < warmEnd) {
      body.run();
      reps++;
    }
    int perRun = Math.max(1, (int) (reps * (RUN_NANOS / 1e9)));
    double[] secs = new double[RUNS];
    for (int r = 0; r < RUNS; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < perRun; i++) {
        body.run();
      }
      secs[r] = (System.nanoTime() - t0) / 1e9 / perRun;
    }
    Arrays.sort(secs);
    return secs;
  }

  /** Best of RUNS runs: a ceiling, which interference can only hide. */
  private static double peakGflops() {
    int iters = 2_000_000;
    float sink = 0;
    double[] g = new double[RUNS];
    for (int w = 0; w < 10; w++) {
      sink += fmaChains(iters);
    }
    for (int r = 0; r < RUNS; r++) {
      long t0 = System.nanoTime();
      sink += fmaChains(iters);
      g[r] = 2.0 * 12 * FloatVector.SPECIES_PREFERRED.length() * iters / (System.nanoTime() - t0);
    }
    if (sink == 42) {
      System.out.println();
    }
    Arrays.sort(g);
    return g[RUNS - 1];
  }

  /** 12 independent FMA chains: more than FMA latency × ports, so throughput-bound. */
  private static float fmaChains(int iters) {
    VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
    FloatVector x = FloatVector.broadcast(s, 0.999999f), y = FloatVector.broadcast(s, 1e-6f);
    FloatVector a0 = FloatVector.broadcast(s, 0.1f), a1 = a0.add(a0), a2 = a1.add(a0), a3 = a2.add(a0);
    FloatVector a4 = a3.add(a0), a5 = a4.add(a0), a6 = a5.add(a0), a7 = a6.add(a0);
    FloatVector a8 = a7.add(a0), a9 = a8.add(a0), a10 = a9.add(a0), a11 = a10.add(a0);
    for (int i = 0; i < iters; i++) {
      a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
      a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
      a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10)
        .add(a11).reduceLanes(VectorOperators.ADD);
  }

  private static float[] random(SplittableRandom rnd, int len) {
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = (float) rnd.nextDouble(-1, 1);
    }
    return x;
  }
}
