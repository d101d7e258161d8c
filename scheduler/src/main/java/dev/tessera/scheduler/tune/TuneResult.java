package dev.tessera.scheduler.tune;

import dev.tessera.scheduler.Schedule;
import java.util.List;

/**
 * The outcome of a tuning: the fastest schedule and its time, every candidate tried in the order
 * tried, and whether the answer came from the cache (then {@code trials} is empty).
 */
public record TuneResult(TuneKey key, Schedule best, double bestSeconds, List<Trial> trials, boolean cached) {
  public TuneResult {
    trials = List.copyOf(trials);
  }

  /** One candidate: measured in {@code seconds}, or skipped because it is illegal ({@code problem}). */
  public record Trial(Schedule schedule, double seconds, String problem) {
    static Trial measured(Schedule s, double seconds) {
      return new Trial(s, seconds, null);
    }

    static Trial skipped(Schedule s, String problem) {
      return new Trial(s, Double.NaN, problem);
    }

    public boolean wasMeasured() {
      return problem == null;
    }
  }
}
