package dev.tessera.scheduler.tune;

import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Measures candidate schedules on a {@link Runner} and keeps the fastest in a {@link TuneCache}.
 * Candidates are tried best-first until the {@link Budget} is spent; one the runner rejects as
 * illegal is skipped. A key already in the cache is answered from it without measuring.
 *
 * <pre>{@code
 * Autotuner tuner = new Autotuner(TuneCache.standard(System.err::println));
 * TuneResult r = tuner.tune(new TuneRequest(key, candidates), runner, Budget.candidates(8), Autotuner.Progress.NONE);
 * }</pre>
 */
public final class Autotuner {
  /** Times one schedule on real hardware (or a simulator), in seconds. */
  @FunctionalInterface
  public interface Runner {
    /** The schedule's time in seconds; a {@link ScheduleException} when it cannot run here. */
    double measure(Schedule schedule) throws ScheduleException;
  }

  /** Told about each candidate as it is done, to show progress. */
  public interface Progress {
    Progress NONE = new Progress() {
      @Override
      public void started(int total) {}

      @Override
      public void finished(int done, int total, TuneResult.Trial trial) {}
    };

    /** At most {@code total} candidates will be tried (fewer if the time budget runs out). */
    void started(int total);

    /** The {@code done}-th candidate of at most {@code total} was measured or skipped. */
    void finished(int done, int total, TuneResult.Trial trial);
  }

  private final TuneCache cache;
  private final LongSupplier nanoClock;

  public Autotuner(TuneCache cache) {
    this(cache, System::nanoTime);
  }

  /** With a clock in nanoseconds, for tests of the time budget. */
  Autotuner(TuneCache cache, LongSupplier nanoClock) {
    this.cache = cache;
    this.nanoClock = nanoClock;
  }

  /** The cached result for {@code key}, if there is one. */
  public Optional<TuneResult> cached(TuneKey key) {
    return cache.get(key).map(e -> new TuneResult(key, e.schedule(), e.seconds(), List.of(), true));
  }

  /** The cached result for the request's key, else {@link #measure}. */
  public TuneResult tune(TuneRequest request, Runner runner, Budget budget, Progress progress) throws ScheduleException {
    Optional<TuneResult> hit = cached(request.key());
    return hit.isPresent() ? hit.get() : measure(request, runner, budget, progress);
  }

  /**
   * Measures candidates whatever the cache holds and caches the fastest.
   *
   * @throws ScheduleException the first candidate's, when the runner rejected every one tried
   */
  public TuneResult measure(TuneRequest request, Runner runner, Budget budget, Progress progress) throws ScheduleException {
    List<Schedule> candidates = request.candidates();
    int total = Math.min(budget.maxCandidates(), candidates.size());
    progress.started(total);
    long start = nanoClock.getAsLong();
    List<TuneResult.Trial> trials = new ArrayList<>();
    ScheduleException firstProblem = null;
    TuneResult.Trial best = null;
    for (int i = 0; i < total; i++) {
      if (i > 0 && (nanoClock.getAsLong() - start) / 1e9 >= budget.maxSeconds()) break;
      Schedule s = candidates.get(i);
      TuneResult.Trial t;
      try {
        t = TuneResult.Trial.measured(s, runner.measure(s));
        if (best == null || t.seconds() < best.seconds()) best = t;
      } catch (ScheduleException e) {
        if (firstProblem == null) firstProblem = e;
        t = TuneResult.Trial.skipped(s, e.getMessage());
      }
      trials.add(t);
      progress.finished(i + 1, total, t);
    }
    if (best == null) throw firstProblem;
    cache.put(new TuneCache.Entry(request.key(), best.schedule(), best.seconds()));
    return new TuneResult(request.key(), best.schedule(), best.seconds(), trials, false);
  }
}
