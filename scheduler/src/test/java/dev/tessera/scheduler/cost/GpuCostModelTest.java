package dev.tessera.scheduler.cost;

import static com.google.common.truth.Truth.assertThat;

import dev.tessera.ir.ElemType;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.Scheduler;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.Profiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The CUDA cost model's behaviour: waves, occupancy, precision, masks, decode splits. */
class GpuCostModelTest {
  private static final KernelInfo MHA = new KernelInfo(KernelInfo.Kind.PARALLEL, 32, 4096, 4096, 128, 128, 1, 1);
  private static final KernelInfo CAUSAL = new KernelInfo(KernelInfo.Kind.PARALLEL, 32, 4096, 4096, 128, 128, 0.5, 1);
  private static final KernelInfo DECODE = new KernelInfo(KernelInfo.Kind.PARALLEL, 8, 1, 8192, 128, 128, 1, 1);
  private static final Schedule FA2 = Schedule.parse("cuda{threads=128, blockM=128, blockN=64, stages=2, splitKv=1}");

  private static GpuProfile h100() throws Exception {
    return (GpuProfile) Profiles.load(Optional.empty(), new Host(Path.of("unused"), t -> {
      throw new AssertionError("not measured here");
    }, n -> { }), w -> { }).get("h100");
  }

  @Test
  void breakdownSumsToTheTotal() throws Exception {
    Prediction p = new GpuCostModel(ElemType.F16).predict(MHA, FA2, h100());
    assertThat(p.breakdown().keySet()).containsExactlyElementsIn(GpuCostModel.TERMS).inOrder();
    assertThat(p.breakdown().values().stream().mapToDouble(Double::doubleValue).sum()).isWithin(1e-12).of(p.seconds());
    // 32 heads × 4096² × 128 × 4 FLOPs = 275 GFLOP at ≤ 989 TFLOP/s: at least 0.28 ms, and FlashAttention-2's tiles within 3.5× of it (FA2 reaches about a third of the H100 peak).
    assertThat(p.seconds()).isGreaterThan(0.275e12 / 989.4e12);
    assertThat(p.seconds()).isLessThan(3.5 * 0.275e12 / 989.4e12);
  }

  @Test
  void halfPrecisionRunsOnTensorCoresAndF32DoesNot() throws Exception {
    double f16 = new GpuCostModel(ElemType.F16).predict(MHA, FA2, h100()).seconds();
    double f32 = new GpuCostModel(ElemType.F32).predict(MHA, FA2, h100()).seconds();
    assertThat(f32 / f16).isGreaterThan(5.0);
  }

  @Test
  void causalDoesAboutHalfTheWork() throws Exception {
    GpuCostModel m = new GpuCostModel(ElemType.F16);
    double ratio = m.predict(CAUSAL, FA2, h100()).seconds() / m.predict(MHA, FA2, h100()).seconds();
    assertThat(ratio).isWithin(0.1).of(0.52);
  }

  @Test
  void oneBlockMoreThanAWaveCostsAWholeWave() throws Exception {
    GpuProfile p = h100();
    GpuCostModel m = new GpuCostModel(ElemType.F16);
    Schedule big = Schedule.parse("cuda{threads=128, blockM=128, blockN=64, stages=2, splitKv=1}");
    int occupancy = m.occupancy(MHA, big, p);
    long perWave = (long) p.smCount() * occupancy;
    KernelInfo full = new KernelInfo(KernelInfo.Kind.PARALLEL, perWave, 128, 4096, 128, 128, 1, 1);
    KernelInfo oneMore = new KernelInfo(KernelInfo.Kind.PARALLEL, perWave + 1, 128, 4096, 128, 128, 1, 1);
    double t1 = m.predict(full, big, p).breakdown().get("tensor");
    double t2 = m.predict(oneMore, big, p).breakdown().get("tensor");
    assertThat(t2 / t1).isWithin(1e-9).of(2.0);
  }

  @Test
  void sharedMemoryLimitsOccupancy() throws Exception {
    GpuCostModel m = new GpuCostModel(ElemType.F16);
    Schedule small = Schedule.parse("cuda{threads=128, blockM=64, blockN=32, stages=1, registers=64}");
    Schedule large = Schedule.parse("cuda{threads=128, blockM=128, blockN=128, stages=3, registers=64}");
    assertThat(m.occupancy(MHA, small, h100())).isGreaterThan(m.occupancy(MHA, large, h100()));
  }

  @Test
  void decodeSplitsTheKeysToFillTheSms() throws Exception {
    GpuProfile p = h100();
    List<Scheduler.Ranked> ranked = Scheduler.rank(DECODE, p, new GpuCostModel(ElemType.F16), Scheduler.enumerateCuda(DECODE, p, ElemType.F16));
    assertThat(ranked.get(0).schedule().intKnob("splitKv", 1)).isAtLeast(4);
    List<Scheduler.Ranked> prefill = Scheduler.rank(MHA, p, new GpuCostModel(ElemType.F16), Scheduler.enumerateCuda(MHA, p, ElemType.F16));
    assertThat(prefill.get(0).schedule().intKnob("splitKv", 1)).isEqualTo(1);
    assertThat(prefill.get(0).schedule().intKnob("blockM", 0)).isAtLeast(64);
  }

  @Test
  void enumerationIsLegalAndLeavesOutSpillingSchedules() throws Exception {
    GpuProfile p = h100();
    List<Schedule> all = Scheduler.enumerateCuda(MHA, p, ElemType.F16);
    assertThat(all).isNotEmpty();
    assertThat(all).containsNoDuplicates();
    GpuCostModel m = new GpuCostModel(ElemType.F16);
    for (Schedule s : all) assertThat(m.registersPerThread(MHA, s)).isAtMost(p.maxRegistersPerThread());
    assertThat(all).doesNotContain(Schedule.parse("cuda{threads=64, blockM=128, blockN=128, stages=1, splitKv=1}"));
  }
}
