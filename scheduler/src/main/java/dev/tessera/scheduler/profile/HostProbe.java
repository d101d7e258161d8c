package dev.tessera.scheduler.profile;

/** Measures a CPU's FMA throughput and memory bandwidth; {@link Host} calls it once per machine. */
@FunctionalInterface
public interface HostProbe {
  /**
   * @param fmaGflopsOneThread f32 fused multiply-add throughput of one thread, counting 2 FLOP per FMA
   * @param fmaGflopsAllThreads the same with every core busy
   * @param memoryGbPerS copy bandwidth with every core busy, counting bytes read plus written (STREAM's convention)
   */
  record Measured(double fmaGflopsOneThread, double fmaGflopsAllThreads, double memoryGbPerS) {}

  Measured measure(int threads);

  /** About half a second: an FMA loop on one thread then on all, and a copy of two 64 MiB arrays. */
  static HostProbe standard() {
    return threads -> Microbench.run(threads, Microbench.STANDARD);
  }

  /** A few milliseconds, for tests: positive figures, not meaningful ones. */
  static HostProbe quick() {
    return threads -> Microbench.run(threads, Microbench.QUICK);
  }
}
