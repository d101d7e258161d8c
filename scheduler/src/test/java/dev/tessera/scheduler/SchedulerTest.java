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
}
