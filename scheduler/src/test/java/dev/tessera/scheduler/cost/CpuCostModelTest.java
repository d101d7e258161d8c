package dev.tessera.scheduler.cost;

import static com.google.common.truth.Truth.assertThat;

import dev.tessera.scheduler.Knobs;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.Scheduler;
import dev.tessera.scheduler.profile.CpuProfile;
import org.junit.jupiter.api.Test;

/** The contraction's walk of the GEMM executor's partition, and the list scheduling it prices imbalance with. */
class CpuCostModelTest {
  /** gemm 192 × 192 × 2048 on two threads, as the cost-model suite runs it. */
  static final KernelInfo SMALL_GEMM = new KernelInfo(KernelInfo.Kind.CONTRACTION, 1, 192, 192, 2048, 0, 1, 0);
  static final CpuProfile TWO_CORES = new CpuProfile("2", "two cores", 2, 16, 48 << 10, 2 << 20, 32 << 20, 150, 280, 15, "");

  private static Prediction gemm(int bm, int bn, int threads) throws ScheduleException {
    Schedule s = Scheduler.enumerate(SMALL_GEMM, TWO_CORES).get(0).with(Knobs.BLOCK_M, bm).with(Knobs.BLOCK_N, bn).with(Knobs.THREADS, threads);
    return new CpuCostModel().predict(SMALL_GEMM, s, TWO_CORES);
  }

  @Test
  void aContractionOfOneTileLeavesTheSecondThreadIdle() throws ScheduleException {
    // 256 × 256 blocks cover the whole 192 × 192 output: one part, one thread busy.
    Prediction one = gemm(256, 256, 2);
    assertThat(one.breakdown().get("imbalance")).isWithin(1e-12).of(one.breakdown().get("gemm") + one.breakdown().get("repack")
        + one.breakdown().get("cache") + one.breakdown().get("overhead"));
    // 96 × 96 tiles: four equal parts, none idle.
    assertThat(gemm(96, 96, 2).breakdown().get("imbalance")).isWithin(1e-15).of(0);
  }

  @Test
  void aContractionPartHoldingOneTileOfAWidePanelPacksAllOfItsB() throws ScheduleException {
    // 32 × 256: six parts of one 32-row tile each, and each packs the whole 2048 × 192 panel of B;
    // 256 × 32: six parts of one 192-row tile of a 32-wide panel, so B is packed once in all.
    double wide = gemm(32, 256, 2).breakdown().get("repack");
    double narrow = gemm(256, 32, 2).breakdown().get("repack");
    assertThat(wide / narrow).isWithin(1e-9).of(6);
    // One thread runs every tile of a panel as one call: B is packed once whatever the blocks.
    assertThat(gemm(32, 256, 1).breakdown().get("repack")).isWithin(1e-15).of(gemm(256, 32, 1).breakdown().get("repack"));
  }

  @Test
  void productsOfFewRowsReadBInPlace() throws ScheduleException {
    // Four rows: VectorMatMul reads B in place rather than pack it, so there is nothing to repack.
    KernelInfo fourRows = new KernelInfo(KernelInfo.Kind.CONTRACTION, 1, 4, 192, 2048, 0, 1, 0);
    Schedule s = Scheduler.enumerate(fourRows, TWO_CORES).get(0).with(Knobs.THREADS, 1);
    assertThat(new CpuCostModel().predict(fourRows, s, TWO_CORES).breakdown().get("repack")).isEqualTo(0.0);
    assertThat(gemm(16, 32, 1).breakdown().get("repack")).isGreaterThan(0.0);
  }

  @Test
  void listSchedulingIdleIsMakespanOverTheEvenShare() {
    assertThat(CpuCostModel.listScheduleIdle(new double[] {4, 2, 2, 1}, 2)).isWithin(1e-12).of(5.0 / 4.5 - 1);
    assertThat(CpuCostModel.listScheduleIdle(new double[] {1, 1, 1, 1}, 2)).isWithin(1e-12).of(0);
    assertThat(CpuCostModel.listScheduleIdle(new double[] {3}, 2)).isWithin(1e-12).of(1);
    assertThat(CpuCostModel.listScheduleIdle(new double[] {3, 3, 3}, 1)).isWithin(1e-12).of(0);
  }
}
