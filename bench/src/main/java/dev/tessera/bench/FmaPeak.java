package dev.tessera.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures this machine's f32 FMA throughput with the Vector API: {@value #CHAINS} independent chains of
 * {@code FloatVector.fma} on the preferred species, enough to cover FMA latency times the FMA ports of current x86 and
 * Arm cores. Each chain converges to a fixed point near 1, so no denormals or overflow slow it down. The figure is a
 * practical ceiling for a JVM kernel, not the vendor's datasheet peak.
 */
final class FmaPeak {
  private FmaPeak() {}

  static final int CHAINS = 12;
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  /** Single-thread and all-threads GFLOP/s (2 FLOPs per lane per FMA). */
  record Peak(int threads, int lanes, double singleThread, double allThreads) {
    /** The better of two measurements: a peak is a maximum, and other load on the machine only lowers a trial. */
    Peak best(Peak other) {
      return new Peak(threads, lanes, Math.max(singleThread, other.singleThread), Math.max(allThreads, other.allThreads));
    }
  }

  /** Best of five trials of about {@code trialNanos} each, on one thread and then on {@code threads} threads. */
  static Peak measure(int threads, long trialNanos) {
    for (int i = 0; i < 20; i++) chains(20_000, i);
    long t0 = System.nanoTime();
    chains(1_000_000, 1);
    double nanosPerIter = Math.max(1e-3, (System.nanoTime() - t0) / 1e6);
    long iters = Math.max(1000, (long) (trialNanos / nanosPerIter));
    double one = 0;
    double all = 0;
    for (int trial = 0; trial < 5; trial++) one = Math.max(one, gflops(1, iters));
    for (int trial = 0; trial < 5; trial++) all = Math.max(all, gflops(threads, iters));
    return new Peak(threads, SPECIES.length(), one, all);
  }

  private static double gflops(int threads, long iters) {
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(threads);
    // Each worker stores its lane sum where other threads can see it, so the JIT cannot drop the chains.
    float[] sink = new float[threads];
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int id = i;
      workers.add(Thread.ofPlatform().daemon().start(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        sink[id] = chains(iters, id);
        done.countDown();
      }));
    }
    long t0 = System.nanoTime();
    start.countDown();
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring the FMA peak", e);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    for (Thread w : workers) w.interrupt();
    double flops = 2.0 * CHAINS * SPECIES.length() * iters * threads;
    return flops / seconds / 1e9;
  }

  /** {@code iters} rounds of {@value #CHAINS} independent a = a·m + c chains; returns a lane sum so none is dropped. */
  static float chains(long iters, float seed) {
    FloatVector m = FloatVector.broadcast(SPECIES, 0.999f);
    FloatVector c = FloatVector.broadcast(SPECIES, 0.001f + seed * 1e-9f);
    FloatVector a0 = FloatVector.broadcast(SPECIES, 0.01f);
    FloatVector a1 = FloatVector.broadcast(SPECIES, 0.02f);
    FloatVector a2 = FloatVector.broadcast(SPECIES, 0.03f);
    FloatVector a3 = FloatVector.broadcast(SPECIES, 0.04f);
    FloatVector a4 = FloatVector.broadcast(SPECIES, 0.05f);
    FloatVector a5 = FloatVector.broadcast(SPECIES, 0.06f);
    FloatVector a6 = FloatVector.broadcast(SPECIES, 0.07f);
    FloatVector a7 = FloatVector.broadcast(SPECIES, 0.08f);
    FloatVector a8 = FloatVector.broadcast(SPECIES, 0.09f);
    FloatVector a9 = FloatVector.broadcast(SPECIES, 0.10f);
    FloatVector a10 = FloatVector.broadcast(SPECIES, 0.11f);
    FloatVector a11 = FloatVector.broadcast(SPECIES, 0.12f);
    for (long i = 0; i < iters; i++) {
      a0 = a0.fma(m, c);
      a1 = a1.fma(m, c);
      a2 = a2.fma(m, c);
      a3 = a3.fma(m, c);
      a4 = a4.fma(m, c);
      a5 = a5.fma(m, c);
      a6 = a6.fma(m, c);
      a7 = a7.fma(m, c);
      a8 = a8.fma(m, c);
      a9 = a9.fma(m, c);
      a10 = a10.fma(m, c);
      a11 = a11.fma(m, c);
    }
    FloatVector sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
    return sum.reduceLanes(VectorOperators.ADD);
  }
}
