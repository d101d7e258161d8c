package dev.tessera.scheduler.tune;

/**
 * How much measuring a tuning may do: at most {@code maxCandidates} schedules and at most
 * {@code maxSeconds} of wall time. A candidate already started is finished, so the time limit can
 * be overrun by one measurement; the first candidate is always measured.
 */
public record Budget(int maxCandidates, double maxSeconds) {
  public Budget {
    if (maxCandidates < 1) throw new IllegalArgumentException("a budget needs at least one candidate, not " + maxCandidates);
    if (!(maxSeconds > 0)) throw new IllegalArgumentException("a budget needs a positive time, not " + maxSeconds);
  }

  /** At most {@code n} candidates, however long they take. */
  public static Budget candidates(int n) {
    return new Budget(n, Double.POSITIVE_INFINITY);
  }

  /** As many candidates as fit in {@code s} seconds. */
  public static Budget seconds(double s) {
    return new Budget(Integer.MAX_VALUE, s);
  }
}
