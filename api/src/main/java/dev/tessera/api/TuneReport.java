package dev.tessera.api;

import java.util.List;

/**
 * What {@link CompiledKernel#autotune autotuning} found: the fastest schedule, its time, every
 * candidate tried in order, and the kernel compiled with the winner.
 */
public record TuneReport(String best, double bestSeconds, List<Trial> trials, CompiledKernel kernel) {
  /** One candidate: its schedule and median time, or {@code NaN} with the reason it was skipped. */
  public record Trial(String schedule, double seconds, String problem) {}

  /** Copies the trials. */
  public TuneReport {
    trials = List.copyOf(trials);
  }
}
