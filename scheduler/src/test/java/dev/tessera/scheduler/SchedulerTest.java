package dev.tessera.scheduler;

import static com.google.common.truth.Truth.assertThat;

import dev.tessera.ir.ElemType;
import dev.tessera.scheduler.cost.CpuCostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.cost.Prediction;
import dev.tessera.scheduler.profile.CpuProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  static final CpuProfile FOUR_CORES = new CpuProfile("t", "test cpu", 4, 8, 48 << 10, 2 << 20, 32 << 20, 40, 140, 20, "");
  /** 128 KiB of L2: the larger attention blocks do not fit. */
  static final CpuProfile SMALL_L2 = new CpuProfile("s", "small cpu", 2, 8, 32 << 10, 128 << 10, 8 << 20, 40, 70, 10, "");

  static final KernelInfo CAUSAL = new KernelInfo(KernelInfo.Kind.PARALLEL, 4, 1024, 1024, 64, 64, 0.5, 1);
  static final KernelInfo RETNET = new KernelInfo(KernelInfo.Kind.RECURRENT, 4, 1024, 1024, 64, 64, 1, 0);
  static final KernelInfo GEMM = new KernelInfo(KernelInfo.Kind.CONTRACTION, 1, 512, 512, 512, 0, 1, 0);

  @Test
  void enumeratesOnlyLegalSchedules() throws ScheduleException {
    for (CpuProfile p : List.of(FOUR_CORES, SMALL_L2)) {
      for (KernelInfo k : p == SMALL_L2 ? List.of(CAUSAL, RETNET) : List.of(CAUSAL, RETNET, GEMM)) {
        List<Schedule> all = Scheduler.enumerate(k, p);
        assertThat(all).isNotEmpty();
        assertThat(all).containsNoDuplicates();
        for (Schedule s : all) Legality.check(s, p, new Shapes(k.m(), k.n(), k.d(), k.e(), ElemType.F32));
      }
    }
  }

  @Test
  void enumeratesTheKnobsEachKindReads() {
    assertThat(Scheduler.enumerate(CAUSAL, FOUR_CORES)).hasSize(5 * 4 * 2);
    assertThat(Scheduler.enumerate(RETNET, FOUR_CORES)).hasSize(4 * 2);
    assertThat(Scheduler.enumerate(GEMM, FOUR_CORES)).hasSize(5 * 4 * 2);
    KernelInfo gemv = new KernelInfo(KernelInfo.Kind.CONTRACTION, 1, 1, 4096, 1024, 0, 1, 0);
    assertThat(Scheduler.enumerate(gemv, FOUR_CORES)).hasSize(4 * 2);
  }

  @Test
  void dropsSchedulesWhoseBlocksOverflowTheL2() {
    List<Schedule> small = Scheduler.enumerate(CAUSAL, SMALL_L2);
    assertThat(small.size()).isLessThan(40);
    assertThat(small).doesNotContain(Scheduler.enumerate(CAUSAL, FOUR_CORES).get(39).with(Knobs.THREADS, 2));
  }

  @Test
  void rankingIsByPredictedTimeAndPrefersAllCores() throws ScheduleException {
    List<Scheduler.Ranked> ranked = Scheduler.rank(CAUSAL, FOUR_CORES, new CpuCostModel());
    for (int i = 1; i < ranked.size(); i++) {
      assertThat(ranked.get(i).prediction().seconds()).isAtLeast(ranked.get(i - 1).prediction().seconds());
    }
    assertThat(ranked.get(0).schedule().get(Knobs.THREADS)).hasValue("4");
  }

  @Test
  void breakdownSumsToTheTotalAndTrafficIsAboveTheLowerBound() throws ScheduleException {
    for (KernelInfo k : List.of(CAUSAL, RETNET, GEMM)) {
      for (Scheduler.Ranked r : Scheduler.rank(k, FOUR_CORES, new CpuCostModel())) {
        Prediction p = r.prediction();
        assertThat(p.breakdown().keySet()).containsExactlyElementsIn(CpuCostModel.TERMS).inOrder();
        assertThat(p.breakdown().values().stream().mapToDouble(Double::doubleValue).sum()).isWithin(1e-12).of(p.seconds());
        assertThat(p.boundRatio()).isAtLeast(1.0);
      }
    }
  }

  @Test
  void smallBlocksCostMoreThanTheDefaultUnderCausalMasks() throws ScheduleException {
    Schedule base = Scheduler.enumerate(CAUSAL, FOUR_CORES).get(0);
    CpuCostModel m = new CpuCostModel();
    double tiny = m.predict(CAUSAL, base.with(Knobs.BLOCK_M, 16).with(Knobs.BLOCK_N, 32).with(Knobs.THREADS, 4), FOUR_CORES).seconds();
    double mid = m.predict(CAUSAL, base.with(Knobs.BLOCK_M, 128).with(Knobs.BLOCK_N, 64).with(Knobs.THREADS, 4), FOUR_CORES).seconds();
    assertThat(tiny).isGreaterThan(mid);
  }

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
}
