package dev.tessera.api;

/**
 * Told about each candidate schedule as {@link CompiledKernel#autotune autotuning} finishes it, to
 * show progress. Called on the tuning thread.
 */
@FunctionalInterface
public interface TuneListener {
  /** A listener that ignores everything. */
  TuneListener NONE = (done, total, schedule, seconds) -> { };

  /**
   * The {@code done}-th candidate of at most {@code total} finished.
   *
   * @param schedule the candidate, e.g. {@code cpu{blockM=32, threads=2}}
   * @param seconds its median time, or {@code NaN} when it could not run here and was skipped
   */
  void finished(int done, int total, String schedule, double seconds);
}
