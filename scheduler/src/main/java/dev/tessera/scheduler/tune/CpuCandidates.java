package dev.tessera.scheduler.tune;

import dev.tessera.scheduler.Knobs;
import dev.tessera.scheduler.Schedule;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The cpu schedules the autotuner tries, until the cost model ranks them: blockM × blockN ×
 * threads over a fixed grid, and for recurrent kernels the chunk length too. The base schedule
 * (the backend's default) comes first, so even a budget of one candidate does no worse than not
 * tuning; then the grid, all-cores variants before single-thread ones. The cost model's ranking
 * replaces this class.
 */
public final class CpuCandidates {
  static final List<Integer> BLOCK_M = List.of(32, 64, 128, 256);
  static final List<Integer> BLOCK_N = List.of(32, 64, 128);
  static final List<Integer> CHUNK = List.of(16, 32, 64, 128);

  private CpuCandidates() {}

  /**
   * Variations of {@code base} (whose other knobs are kept) for a machine with {@code cores}
   * cores; {@code recurrent} adds the chunk knob to the grid.
   */
  public static List<Schedule> of(Schedule base, int cores, boolean recurrent) {
    LinkedHashSet<Integer> threads = new LinkedHashSet<>(List.of(cores, 1));
    List<Integer> chunks = recurrent ? CHUNK : List.of(base.get(Knobs.CHUNK).map(Integer::valueOf).orElse(64));
    LinkedHashSet<Schedule> out = new LinkedHashSet<>();
    out.add(base);
    for (int t : threads) {
      for (int chunk : chunks) {
        for (int bm : BLOCK_M) {
          for (int bn : BLOCK_N) {
            out.add(base.with(Knobs.THREADS, t).with(Knobs.BLOCK_M, bm).with(Knobs.BLOCK_N, bn).with(Knobs.CHUNK, chunk));
          }
        }
      }
    }
    return List.copyOf(out);
  }
}
