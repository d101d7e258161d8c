package dev.tessera.scheduler.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The loops behind {@link HostProbe}. The FMA loop is plain Java that C2 vectorises (a chain of
 * eight {@code Math.fma} per element of an L1-resident array, so unrolled iterations give enough
 * independent chains to cover FMA latency); it reaches the JIT's peak, which is the peak Tessera's
 * generated code can reach. The copy loop uses arrays well past L2 and most L3s.
 */
final class Microbench {
  /**
   * @param settleNanos warm-up ends once the best batch rate has not grown by 2% for this long
   *     (C2 replaces C1's code 20 to 80 ms in, and C1's rate is flat until then)
   * @param warmUpCapNanos warm-up ends at the latest after this long
   * @param measureNanos how long the peak is looked for, on one thread and then on all
   */
  record Budget(long settleNanos, long warmUpCapNanos, long measureNanos, int copyBytes, int copyPasses) {}

  // 64 MiB arrays, not more: first-touch page faults dominate beyond that on virtual machines (two
  // 256 MiB arrays took 2.6 s to allocate on a cloud VM) while the bandwidth measured was the same to 2%.
  static final Budget STANDARD = new Budget(50_000_000L, 1_000_000_000L, 40_000_000L, 64 << 20, 5);
  static final Budget QUICK = new Budget(500_000L, 2_000_000L, 1_000_000L, 1 << 20, 2);

  private static final int FMA_ELEMENTS = 4096;
  private static final int FMA_REPS = 16;
  private static final int FLOP_PER_ELEMENT = 16;
  private static final long WINDOW_NANOS = 1_000_000L;

  private static volatile double sink;

  private Microbench() {}

  static HostProbe.Measured run(int threads, Budget b) {
    warmUp(b);
    double one = fmaPeak(1, b.measureNanos());
    double all = fmaPeak(threads, b.measureNanos());
    double copy = copy(threads, b.copyBytes(), b.copyPasses());
    return new HostProbe.Measured(one, all, copy);
  }

  /** Runs the FMA loop until the JIT's best code for it is in place (its rate stops growing). */
  private static void warmUp(Budget b) {
    float[] a = fmaArray();
    double best = 0;
    long start = System.nanoTime();
    long grew = start;
    long now = start;
    while (now - grew < b.settleNanos() && now - start < b.warmUpCapNanos()) {
      long flop = fma(a, FMA_REPS);
      long t = System.nanoTime();
      double rate = flop / (double) Math.max(1, t - now);
      if (rate > best * 1.02) grew = t;
      best = Math.max(best, rate);
      now = t;
    }
    sink = a[0];
  }

  /**
   * GFLOP/s of {@code threads} threads running the FMA loop together for about {@code nanos}: the sum
   * of each thread's best rate over a window of {@link #WINDOW_NANOS}, so that a preempted window
   * (a JIT or GC thread taking the core) does not count.
   */
  private static double fmaPeak(int threads, long nanos) {
    DoubleAdder rate = new DoubleAdder();
    parallel(threads, t -> {
      float[] a = fmaArray();
      double best = 0;
      long start = System.nanoTime();
      long now = start;
      while (now - start < nanos) {
        long flop = 0;
        long t0 = now;
        do flop += fma(a, FMA_REPS); while ((now = System.nanoTime()) - t0 < WINDOW_NANOS);
        best = Math.max(best, flop / (double) (now - t0));
      }
      rate.add(best);
      sink = a[0];
    });
    return rate.sum();
  }

  private static float[] fmaArray() {
    float[] a = new float[FMA_ELEMENTS];
    Arrays.fill(a, 1f);
    return a;
  }

  /** x ↦ 0.5·x + 0.5 keeps values near 1: no overflow, no denormals. */
  private static long fma(float[] a, int reps) {
    for (int r = 0; r < reps; r++) {
      for (int i = 0; i < a.length; i++) {
        float v = a[i];
        v = Math.fma(v, 0.5f, 0.5f);
        v = Math.fma(v, 0.5f, 0.5f);
        v = Math.fma(v, 0.5f, 0.5f);
        v = Math.fma(v, 0.5f, 0.5f);
        v = Math.fma(v, 0.5f, 0.5f);
        v = Math.fma(v, 0.5f, 0.5f);
        v = Math.fma(v, 0.5f, 0.5f);
        v = Math.fma(v, 0.5f, 0.5f);
        a[i] = v;
      }
    }
    return (long) reps * a.length * FLOP_PER_ELEMENT;
  }

  /**
   * The median of {@code passes} parallel copies after a first one (which runs slower: page and TLB
   * warm-up), in GB/s of bytes read plus written. The median, not the best: a pass can find part of
   * the arrays still in a large L3.
   */
  private static double copy(int threads, int bytes, int passes) {
    long[] src = new long[bytes / Long.BYTES];
    long[] dst = new long[src.length];
    Arrays.fill(src, 1L);
    double[] rates = new double[passes];
    for (int p = -1; p < passes; p++) {
      long t0 = System.nanoTime();
      parallel(threads, t -> {
        int lo = (int) ((long) src.length * t / threads);
        int hi = (int) ((long) src.length * (t + 1) / threads);
        System.arraycopy(src, lo, dst, lo, hi - lo);
      });
      if (p >= 0) rates[p] = 2.0 * bytes / Math.max(1, System.nanoTime() - t0);
    }
    sink = dst[dst.length - 1];
    Arrays.sort(rates);
    return (rates[(passes - 1) / 2] + rates[passes / 2]) / 2;
  }

  private interface Task {
    void run(int thread);
  }

  private static void parallel(int threads, Task task) {
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> task.run(id), "tessera-host-probe-" + t);
      th.setDaemon(true);
      th.start();
      started.add(th);
    }
    try {
      for (Thread th : started) th.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring the host", e);
    }
  }
}
