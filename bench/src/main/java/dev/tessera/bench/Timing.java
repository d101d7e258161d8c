package dev.tessera.bench;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Wall-clock timing shared by every implementation. Warm-up is measured in time rather than runs: the first run pays
 * class loading and the first JIT compilations, and a freshly generated kernel needs roughly ten fast runs before C2
 * has compiled its hot loops, so a fixed small number of runs would time the JIT. Slow runs warm up within themselves
 * (on-stack replacement), so for them the time budget ends the warm-up after the second run.
 */
final class Timing {
  private Timing() {}

  /**
   * Warm up: the first run, then runs until {@code warmupNanos} have passed since it ended (at least one more). Timed:
   * at least {@code minRuns} runs, continuing while less than {@code minTimedNanos} have passed, at most {@code maxRuns}.
   */
  record Policy(long warmupNanos, int minRuns, long minTimedNanos, int maxRuns) {
    Policy {
      if (warmupNanos < 0 || minRuns < 1 || minTimedNanos < 0 || maxRuns < minRuns) throw new IllegalArgumentException("bad timing policy");
    }
  }

  /** The full suite: 2 s of warm-up, then the median of at least 5 runs and 1 s. */
  static final Policy FULL = new Policy(2_000_000_000L, 5, 1_000_000_000L, 50);
  /** {@code --quick}: 1 s of warm-up, then the median of at least 3 runs and 0.3 s. */
  static final Policy QUICK = new Policy(1_000_000_000L, 3, 300_000_000L, 30);

  /** The median and the fastest time of the timed runs, their number, and the output of the last run. */
  record Measurement(double medianMillis, double minMillis, int runs, float[] output) {}

  /** One implementation: its warm-up, then the policy's timed runs (an interleaving of one, in one round). */
  static Measurement measure(Supplier<float[]> body, Policy p) {
    return interleaved(java.util.List.of(body), p, 1, 0).get(0);
  }

  /**
   * Several implementations timed in alternation, so that a change in the machine's load (on a shared host it comes
   * and goes over seconds) falls on all of them rather than on whichever ran at the time. Each warms up (its first
   * run, then runs until the policy's warm-up time has passed); then {@code rounds} rounds time each in turn for its
   * share of the policy's runs and time, with {@code gapMillis} of sleep before each turn, long enough for a spinning
   * thread pool of the previous one to park. Each measurement is over all its rounds' runs.
   */
  static java.util.List<Measurement> interleaved(java.util.List<Supplier<float[]>> bodies, Policy p, int rounds, long gapMillis) {
    if (rounds < 1) throw new IllegalArgumentException("rounds must be at least 1");
    int k = bodies.size();
    float[][] output = new float[k][];
    for (int b = 0; b < k; b++) {
      pause(gapMillis);
      output[b] = bodies.get(b).get();
      long warm = System.nanoTime();
      do {
        output[b] = bodies.get(b).get();
      } while (System.nanoTime() - warm < p.warmupNanos());
    }
    int minRuns = (p.minRuns() + rounds - 1) / rounds;
    int maxRuns = Math.max(minRuns, p.maxRuns() / rounds);
    long minNanos = p.minTimedNanos() / rounds;
    double[][] ms = new double[k][rounds * maxRuns];
    int[] n = new int[k];
    for (int r = 0; r < rounds; r++) {
      for (int b = 0; b < k; b++) {
        pause(gapMillis);
        Supplier<float[]> body = bodies.get(b);
        int here = 0;
        long start = System.nanoTime();
        while (here < maxRuns && (here < minRuns || System.nanoTime() - start < minNanos)) {
          long t0 = System.nanoTime();
          output[b] = body.get();
          ms[b][n[b]++] = (System.nanoTime() - t0) / 1e6;
          here++;
        }
      }
    }
    java.util.List<Measurement> out = new java.util.ArrayList<>();
    for (int b = 0; b < k; b++) {
      double[] timed = Arrays.copyOf(ms[b], n[b]);
      out.add(new Measurement(median(timed), Arrays.stream(timed).min().orElseThrow(), n[b], output[b]));
    }
    return out;
  }

  private static void pause(long millis) {
    if (millis <= 0) return;
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while timing", e);
    }
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
