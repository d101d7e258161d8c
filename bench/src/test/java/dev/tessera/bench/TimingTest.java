package dev.tessera.bench;

import static com.google.common.truth.Truth.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimingTest {
  @Test
  void warmsUpThenTimesAtLeastTheMinimumRuns() {
    AtomicInteger calls = new AtomicInteger();
    Timing.Measurement m = Timing.measure(() -> new float[] {calls.incrementAndGet()}, new Timing.Policy(0, 3, 0, 10));
    // The first run and one more warm up; three are timed; the output is the last run's.
    assertThat(calls.get()).isEqualTo(5);
    assertThat(m.runs()).isEqualTo(3);
    assertThat(m.output()[0]).isEqualTo(5f);
  }

  @Test
  void timedRunsContinueUntilTheTimeBudgetButNotPastTheCap() {
    AtomicInteger calls = new AtomicInteger();
    Timing.Measurement m = Timing.measure(() -> new float[] {calls.incrementAndGet()}, new Timing.Policy(0, 1, 10_000_000_000L, 7));
    assertThat(m.runs()).isEqualTo(7);
  }

  @Test
  void medianOfEvenAndOddCounts() {
    assertThat(Timing.median(new double[] {3, 1, 2})).isEqualTo(2.0);
    assertThat(Timing.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }
}
