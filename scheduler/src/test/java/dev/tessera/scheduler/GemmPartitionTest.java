package dev.tessera.scheduler;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

/** The GEMM executor's split, as the cost model walks it too. */
class GemmPartitionTest {
  @Test
  void theCallsOfAllPartsCoverEveryOutputElementOnce() {
    for (int batches : new int[] {1, 3}) {
      for (int m : new int[] {1, 33, 192}) {
        for (int n : new int[] {1, 77, 192}) {
          for (int bm : new int[] {16, 64, 256}) {
            for (int bn : new int[] {32, 128}) {
              for (int threads : new int[] {1, 2, 3}) {
                GemmPartition split = new GemmPartition(batches, m, n, bm, bn, threads);
                int[] hits = new int[batches * m * n];
                for (int p = 0; p < split.parts(); p++) {
                  split.calls(p, (b, m0, n0, rows, cols, tiles) -> {
                    // One call stays inside one n tile and covers whole m tiles but for the edge.
                    assertThat(n0 % split.blockN()).isEqualTo(0);
                    assertThat(cols).isAtMost(split.blockN());
                    assertThat(rows).isAtMost(tiles * Math.min(bm, m));
                    for (long r = m0; r < m0 + rows; r++) {
                      for (long c = n0; c < n0 + cols; c++) hits[(int) ((b * m + r) * n + c)]++;
                    }
                  });
                }
                for (int h : hits) assertThat(h).isEqualTo(1);
                assertThat(split.parts()).isEqualTo((int) Math.min(split.tiles(), threads == 1 ? 1 : 4 * threads));
              }
            }
          }
        }
      }
    }
  }

  @Test
  void wholeRunsOfTilesSharingAPanelAreOneCall() {
    // 192 × 192 in 32 × 192 tiles on one thread: the six m tiles of the one panel are one call.
    GemmPartition split = new GemmPartition(1, 192, 192, 32, 256, 1);
    StringBuilder calls = new StringBuilder();
    split.calls(0, (b, m0, n0, rows, cols, tiles) -> calls.append(m0).append('x').append(rows).append('/').append(tiles).append(' '));
    assertThat(calls.toString()).isEqualTo("0x192/6 ");
    assertThat(split.parts()).isEqualTo(1);
  }
}
