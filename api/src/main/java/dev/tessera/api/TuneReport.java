package dev.tessera.api;

import java.util.List;

/**
 * What {@link CompiledKernel#autotune autotuning} found: the fastest schedule, its time, every
 * candidate tried in order, and the kernel compiled with the winner.
 *
 * @param best the fastest schedule's text, e.g. {@code cpu{blockM=32, ...}}
 * @param bestSeconds its median time in seconds
 * @param trials every candidate measured or skipped, in the order tried
 * @param kernel the same kernel compiled with {@code best}
 */
public record TuneReport(String best, double bestSeconds, List<Trial> trials, CompiledKernel kernel) {
  /**
   * One candidate: its schedule and median time, or {@code NaN} with the reason it was skipped.
   *
   * @param schedule the candidate's text
   * @param seconds its median time in seconds, or {@code NaN}
   * @param problem why it was skipped; empty when it was measured
   */
  public record Trial(String schedule, double seconds, String problem) {}

  /** Copies the trials. */
  public TuneReport {
    trials = List.copyOf(trials);
  }
}
