package dev.tessera.scheduler.tune;

import dev.tessera.scheduler.Schedule;
import java.util.List;

/**
 * One tuning job: what the result will be cached under, and the schedules to try, best-first (as
 * ranked by whatever produced them; the autotuner measures them in this order until the budget is
 * spent).
 */
public record TuneRequest(TuneKey key, List<Schedule> candidates) {
  public TuneRequest {
    candidates = List.copyOf(candidates);
    if (candidates.isEmpty()) throw new IllegalArgumentException("no candidate schedules to tune " + key);
  }
}
