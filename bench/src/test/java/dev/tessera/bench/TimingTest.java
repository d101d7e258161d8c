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
  void interleavedAlternatesTheBodiesRoundByRound() {
    StringBuilder order = new StringBuilder();
    java.util.List<java.util.function.Supplier<float[]>> bodies = java.util.List.of(
        () -> { order.append('a'); return new float[] {1}; },
        () -> { order.append('b'); return new float[] {2}; });
    java.util.List<Timing.Measurement> m = Timing.interleaved(bodies, new Timing.Policy(0, 6, 0, 6), 3, 0);
    // Warm-up: two runs each, one body after the other; then three rounds of two timed runs each, in turn.
    assertThat(order.toString()).isEqualTo("aabb" + "aabb".repeat(3));
    assertThat(m.get(0).runs()).isEqualTo(6);
    assertThat(m.get(1).runs()).isEqualTo(6);
    assertThat(m.get(0).output()[0]).isEqualTo(1f);
    assertThat(m.get(1).output()[0]).isEqualTo(2f);
  }

  @Test
  void interleavedRoundsTakeTheirShareOfTheTimeBudgetUpToTheirShareOfTheCap() {
    AtomicInteger calls = new AtomicInteger();
    java.util.List<Timing.Measurement> m = Timing.interleaved(java.util.List.of(() -> new float[] {calls.incrementAndGet()}),
        new Timing.Policy(0, 1, 10_000_000_000L, 10), 5, 0);
    assertThat(m.get(0).runs()).isEqualTo(10);
  }

  @Test
  void medianOfEvenAndOddCounts() {
    assertThat(Timing.median(new double[] {3, 1, 2})).isEqualTo(2.0);
    assertThat(Timing.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }
}
