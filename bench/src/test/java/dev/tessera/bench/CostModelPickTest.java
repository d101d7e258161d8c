package dev.tessera.bench;

import static com.google.common.truth.Truth.assertThat;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.runtime.KernelInfos;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.Scheduler;
import dev.tessera.scheduler.cost.CpuCostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.profile.CpuProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The suite's kernels described from their IR, and the model's pick never worse, by the model, than the backend's default. */
class CostModelPickTest {
  static final CpuProfile HOST_LIKE = new CpuProfile("t", "test cpu", Runtime.getRuntime().availableProcessors(), 16, 48 << 10,
      2 << 20, 32 << 20, 100, 180, 15, "");

  private static KernelInfo info(CostModelSuite.Case c) {
    Zoo.Compiled z = Zoo.compile(c.dir(), c.file());
    return KernelInfos.of(z.kernel(), c.dims()).orElseThrow();
  }

  @Test
  void describesTheSuiteKernelsFromTheirIr() {
    assertThat(info(CostModelSuite.CASES.get(0)).toString()).isEqualTo("parallel batch=4 m=1024 n=1024 d=64 e=64 visible=0.508 passes=1");
    assertThat(info(CostModelSuite.CASES.get(1)).toString()).isEqualTo("contraction batch=1 m=192 n=192 d=2048 e=0 visible=1.000 passes=0");
    assertThat(info(CostModelSuite.CASES.get(2)).toString()).isEqualTo("recurrent batch=4 m=1024 n=1024 d=64 e=64 visible=1.000 passes=0");
  }

  @Test
  void unmaskedAttentionIsFullyVisible() {
    KernelInfo k = KernelInfos.of(Zoo.attention("mha").kernel(), java.util.Map.of("B", 1L, "H", 2L, "M", 64L, "N", 96L, "D", 32L, "E", 16L))
        .orElseThrow();
    assertThat(k).isEqualTo(new KernelInfo(KernelInfo.Kind.PARALLEL, 2, 64, 96, 32, 16, 1, 1));
  }

  @Test
  void thePickIsNeverWorseByTheModelThanTheDefaultSchedule() throws Exception {
    Schedule fallback = CpuBackend.defaultSchedule();
    for (double[] weights : List.of(new CpuCostModel().weights(), new double[] {0.1, 2, 0.02, 0.8, 1.5, 3, 0.7, 0, 0.5, 2, 0.3, 4, 1, 100})) {
      CpuCostModel model = new CpuCostModel(weights);
      for (CostModelSuite.Case c : CostModelSuite.CASES) {
        KernelInfo k = info(c);
        List<Scheduler.Ranked> ranked = Scheduler.rank(k, HOST_LIKE, model);
        assertThat(ranked.stream().map(Scheduler.Ranked::schedule).toList()).contains(fallback);
        assertThat(ranked.get(0).prediction().seconds()).isAtMost(model.predict(k, fallback, HOST_LIKE).seconds());
      }
    }
  }
}
