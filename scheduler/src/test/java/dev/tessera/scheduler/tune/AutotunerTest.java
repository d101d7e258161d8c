package dev.tessera.scheduler.tune;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The autotuner against a fake runner: budget, skipping, choosing, and answering from the cache. */
class AutotunerTest {
  private static final Schedule BASE = Schedule.parse("cpu{threads=4}");
  private static final TuneKey KEY = TuneKey.of("kernel k", "host", Map.of("M", 64L));

  @TempDir
  Path tmp;

  private final List<Schedule> measured = new ArrayList<>();

  private TuneCache cache() {
    return new TuneCache(tmp.resolve(TuneCache.FILE), w -> {
      throw new AssertionError(w);
    });
  }

  private static List<Schedule> blockMs(int... bm) {
    List<Schedule> out = new ArrayList<>();
    for (int b : bm) out.add(BASE.with("blockM", b));
    return out;
  }

  /** Time = |blockM − 64| + 1 ms; blockM 0 is illegal. */
  private double fake(Schedule s) throws ScheduleException {
    measured.add(s);
    int bm = s.intKnob("blockM", 0);
    if (bm == 0) throw new ScheduleException(s, "blockM", "must be positive");
    return (Math.abs(bm - 64) + 1) / 1e3;
  }

  @Test
  void picksTheFastestAndCachesIt() throws ScheduleException {
    TuneResult r = new Autotuner(cache()).tune(new TuneRequest(KEY, blockMs(256, 32, 64, 128)), this::fake, Budget.candidates(10),
        Autotuner.Progress.NONE);
    assertThat(r.best()).isEqualTo(BASE.with("blockM", 64));
    assertThat(r.bestSeconds()).isWithin(1e-12).of(1e-3);
    assertThat(r.cached()).isFalse();
    assertThat(r.trials()).hasSize(4);
    assertThat(cache().get(KEY).map(TuneCache.Entry::schedule)).hasValue(BASE.with("blockM", 64));
  }

  @Test
  void aSecondTuningAnswersFromTheCacheWithoutMeasuring() throws ScheduleException {
    new Autotuner(cache()).tune(new TuneRequest(KEY, blockMs(32, 64)), this::fake, Budget.candidates(10), Autotuner.Progress.NONE);
    measured.clear();
    TuneResult again = new Autotuner(cache()).tune(new TuneRequest(KEY, blockMs(32, 64)), this::fake, Budget.candidates(10),
        Autotuner.Progress.NONE);
    assertThat(measured).isEmpty();
    assertThat(again.cached()).isTrue();
    assertThat(again.best()).isEqualTo(BASE.with("blockM", 64));
    assertThat(again.trials()).isEmpty();
  }

  @Test
  void stopsAtTheCandidateBudgetInOrder() throws ScheduleException {
    TuneResult r = new Autotuner(cache()).tune(new TuneRequest(KEY, blockMs(256, 128, 64, 32)), this::fake, Budget.candidates(2),
        Autotuner.Progress.NONE);
    assertThat(measured).containsExactlyElementsIn(blockMs(256, 128)).inOrder();
    assertThat(r.best()).isEqualTo(BASE.with("blockM", 128));
  }

  @Test
  void stopsWhenTheTimeBudgetIsSpentButAlwaysMeasuresOne() throws ScheduleException {
    long[] now = {0};
    Autotuner.Runner slow = s -> {
      now[0] += 2_000_000_000L;
      return fake(s);
    };
    TuneResult r = new Autotuner(cache(), () -> now[0]).tune(new TuneRequest(KEY, blockMs(256, 128, 64)), slow, Budget.seconds(3),
        Autotuner.Progress.NONE);
    assertThat(measured).containsExactlyElementsIn(blockMs(256, 128)).inOrder();
    assertThat(r.trials()).hasSize(2);
    measured.clear();
    new Autotuner(cache(), () -> now[0]).measure(new TuneRequest(KEY, blockMs(256, 128)), slow, Budget.seconds(0.5),
        Autotuner.Progress.NONE);
    assertThat(measured).containsExactly(BASE.with("blockM", 256));
  }

  @Test
  void skipsIllegalSchedulesAndReportsEachCandidate() throws ScheduleException {
    List<String> events = new ArrayList<>();
    Autotuner.Progress progress = new Autotuner.Progress() {
      @Override
      public void started(int total) {
        events.add("start " + total);
      }

      @Override
      public void finished(int done, int total, TuneResult.Trial t) {
        events.add(done + "/" + total + " " + (t.wasMeasured() ? "ok" : "skipped"));
      }
    };
    TuneResult r = new Autotuner(cache()).tune(new TuneRequest(KEY, blockMs(0, 32, 0)), this::fake, Budget.candidates(5), progress);
    assertThat(events).containsExactly("start 3", "1/3 skipped", "2/3 ok", "3/3 skipped").inOrder();
    assertThat(r.best()).isEqualTo(BASE.with("blockM", 32));
    assertThat(r.trials().get(0).problem()).contains("blockM must be positive");
  }

  @Test
  void noLegalCandidateIsTheFirstCandidatesError() {
    ScheduleException e = assertThrows(ScheduleException.class, () -> new Autotuner(cache())
        .tune(new TuneRequest(KEY, blockMs(0, 0)), this::fake, Budget.candidates(5), Autotuner.Progress.NONE));
    assertThat(e.knob()).isEqualTo("blockM");
    assertThat(cache().get(KEY)).isEmpty();
  }

  @Test
  void cpuCandidatesStartWithTheBaseAndVaryChunkOnlyForRecurrences() {
    Schedule base = Schedule.parse("cpu{blockM=128, blockN=64, chunk=64, fuse=1, splitKv=0, threads=8}");
    List<Schedule> plain = CpuCandidates.of(base, 8, false);
    assertThat(plain.get(0)).isEqualTo(base);
    assertThat(plain).hasSize(4 * 3 * 2);
    assertThat(plain).containsNoDuplicates();
    assertThat(CpuCandidates.of(base, 8, true)).hasSize(4 * 3 * 2 * 4);
    assertThat(CpuCandidates.of(base.with("threads", 1), 1, false)).hasSize(4 * 3);
  }
}
