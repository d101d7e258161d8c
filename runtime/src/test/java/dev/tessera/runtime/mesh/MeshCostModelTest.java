package dev.tessera.runtime.mesh;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.tessera.mesh.GemmKernels;
import dev.tessera.scheduler.Knobs;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.cost.MeshCostModel;
import dev.tessera.scheduler.cost.Spearman;
import dev.tessera.scheduler.profile.MeshProfile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The closed-form mesh cost model ranks GEMM schedules (grid side, algorithm) as the simulator times them. */
class MeshCostModelTest {
  record Ranked(double[] predicted, double[] simulated) {
    double regret() {
      int pick = 0;
      double best = Double.MAX_VALUE;
      for (int i = 0; i < predicted.length; i++) {
        if (predicted[i] < predicted[pick]) pick = i;
        best = Math.min(best, simulated[i]);
      }
      return simulated[pick] / best - 1;
    }
  }

  static Ranked rank(int n, int[] grids, MeshProfile profile) throws Exception {
    List<Double> pred = new ArrayList<>();
    List<Double> sim = new ArrayList<>();
    Analytic model = new Analytic(SimParams.of(profile));
    for (int g : grids) {
      for (String alg : new String[] {"meshgemm", "cannon", "summa"}) {
        Schedule s = Schedule.of("mesh").with(Knobs.GRID_X, g).with(Knobs.GRID_Y, g).with(Knobs.ALGORITHM, alg);
        pred.add(new MeshCostModel().predict(new KernelInfo(KernelInfo.Kind.CONTRACTION, 1, n, n, n, 0, 1, 0), s, profile).seconds());
        sim.add(model.cycles(GemmKernels.shape(alg, g, n, n, n, false)));
      }
    }
    return new Ranked(pred.stream().mapToDouble(Double::doubleValue).toArray(), sim.stream().mapToDouble(Double::doubleValue).toArray());
  }

  @Test
  void ranksLikeTheSimulator() throws Exception {
    MeshProfile wse2 = MeshProfiles.get("wse2");
    for (int n : new int[] {64, 256, 1024}) {
      Ranked r = rank(n, new int[] {4, 8, 16, 32, 64}, wse2);
      double rho = Spearman.rho(r.predicted(), r.simulated());
      System.out.println("n=" + n + " rho=" + rho + " regret=" + r.regret());
      assertWithMessage("GEMM " + n + ": Spearman rho").that(rho).isAtLeast(0.9);
      assertWithMessage("GEMM " + n + ": regret").that(r.regret()).isAtMost(0.05);
    }
  }
}
