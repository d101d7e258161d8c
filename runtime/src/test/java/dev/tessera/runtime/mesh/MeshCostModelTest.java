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

/** The closed-form mesh cost model ranks GEMM and GEMV schedules (grid side, algorithm) as the simulator times them. */
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

  /**
   * GEMV (a one-row product): MeshGEMV's tree against the pipeline chain on every grid, predicted
   * within 10% of the analytic mode's cycles (which simulates one row event by event), and a batch of
   * three costs three times one.
   */
  @Test
  void predictsGemvCyclesAndBatches() throws Exception {
    MeshProfile wse2 = MeshProfiles.get("wse2");
    Analytic model = new Analytic(SimParams.of(wse2));
    List<Double> pred = new ArrayList<>();
    List<Double> sim = new ArrayList<>();
    for (int[] nk : new int[][] {{2048, 2048}, {1000, 3000}, {77, 4096}}) {
      for (int g : new int[] {4, 8, 16, 32, 64}) {
        for (String alg : new String[] {"meshgemm", "summa"}) {
          Schedule s = Schedule.of("mesh").with(Knobs.GRID_X, g).with(Knobs.GRID_Y, g).with(Knobs.ALGORITHM, alg);
          KernelInfo info = new KernelInfo(KernelInfo.Kind.CONTRACTION, 1, 1, nk[0], nk[1], 0, 1, 0);
          double predicted = new MeshCostModel().predict(info, s, wse2).seconds() * wse2.clockMhz() * 1e6;
          double simulated = model.cycles(dev.tessera.mesh.GemvKernels.shape(alg.equals("meshgemm") ? "meshgemv" : "pipegemv", g, nk[0], nk[1]));
          assertWithMessage("GEMV " + nk[0] + "x" + nk[1] + " " + s).that(predicted / simulated).isWithin(0.10).of(1.0);
          KernelInfo three = new KernelInfo(KernelInfo.Kind.CONTRACTION, 3, 1, nk[0], nk[1], 0, 1, 0);
          assertWithMessage("batch of 3").that(new MeshCostModel().predict(three, s, wse2).seconds() * wse2.clockMhz() * 1e6)
              .isWithin(1e-6 * predicted).of(3 * predicted);
          pred.add(predicted);
          sim.add(simulated);
        }
      }
    }
    double rho = Spearman.rho(pred.stream().mapToDouble(Double::doubleValue).toArray(), sim.stream().mapToDouble(Double::doubleValue).toArray());
    assertWithMessage("GEMV: Spearman rho").that(rho).isAtLeast(0.95);
  }
}
