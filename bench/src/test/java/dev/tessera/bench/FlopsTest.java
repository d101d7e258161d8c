package dev.tessera.bench;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import org.junit.jupiter.api.Test;

/** FLOP counting: visible pairs counted exactly, against brute force and closed forms. */
class FlopsTest {
  private static long bruteForce(int m, int n, boolean causal, int window) {
    Problem p = new Problem(1, 1, 1, m, n, 1, 1, causal, 0f, false, window, false);
    long count = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        if (p.visible(i, j)) count++;
      }
    }
    return count;
  }

  @Test
  void causalSquareIsTheTriangle() {
    for (int n : new int[] {1, 2, 33, 512, 2048}) {
      assertWithMessage("N=%s", n).that(Flops.visiblePairs(n, n, true, 0)).isEqualTo((long) n * (n + 1) / 2);
    }
  }

  @Test
  void causalBottomRightWithFewerQueries() {
    // Query m sees N − M + m + 1 keys: M·(N − M + 1) + M·(M − 1)/2 in all.
    for (int[] mn : new int[][] {{1, 8192}, {32, 64}, {77, 333}}) {
      long m = mn[0];
      long n = mn[1];
      assertThat(Flops.visiblePairs(mn[0], mn[1], true, 0)).isEqualTo(m * (n - m + 1) + m * (m - 1) / 2);
    }
  }

  @Test
  void exactCountMatchesBruteForce() {
    for (int[] mn : new int[][] {{1, 1}, {5, 9}, {33, 77}, {64, 64}, {200, 200}, {1, 300}}) {
      for (boolean causal : new boolean[] {false, true}) {
        for (int window : new int[] {0, 1, 16, 128, 1000}) {
          assertWithMessage("M=%s N=%s causal=%s window=%s", mn[0], mn[1], causal, window)
              .that(Flops.visiblePairs(mn[0], mn[1], causal, window)).isEqualTo(bruteForce(mn[0], mn[1], causal, window));
        }
      }
    }
  }

  @Test
  void slidingWindowCountsWholeWindowsAfterTheFirstRows() {
    // Rows 0..W−1 see 1..W keys; the other N − W rows see W each.
    assertThat(Flops.visiblePairs(2048, 2048, true, 128)).isEqualTo(128L * 129 / 2 + (2048L - 128) * 128);
  }

  @Test
  void attentionAndRecurrenceFormulas() {
    assertThat(Flops.attention(1, 8, 512, 512, 64, 64, false, 0)).isEqualTo(4.0 * 8 * 512 * 512 * 64);
    assertThat(Flops.attention(1, 8, 512, 512, 64, 64, true, 0)).isEqualTo(4.0 * 8 * 64 * (512 * 513 / 2));
    assertThat(Flops.attention(2, 1, 3, 5, 4, 6, false, 0)).isEqualTo(2.0 * 2 * (4 + 6) * 15);
    assertThat(Flops.recurrence(1, 8, 2048, 64, 64)).isEqualTo(4.0 * 8 * 2048 * 64 * 64);
  }
}
