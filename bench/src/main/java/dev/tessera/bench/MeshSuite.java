package dev.tessera.bench;

import dev.tessera.mesh.GemmKernels;
import dev.tessera.mesh.GemvKernels;
import dev.tessera.mesh.MeshKernel;
import dev.tessera.runtime.mesh.Analytic;
import dev.tessera.runtime.mesh.EventSimulator;
import dev.tessera.runtime.mesh.MeshProfiles;
import dev.tessera.runtime.mesh.Memory;
import dev.tessera.runtime.mesh.SimParams;
import dev.tessera.scheduler.Knobs;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.cost.MeshCostModel;
import dev.tessera.scheduler.cost.Spearman;
import dev.tessera.scheduler.profile.MeshProfile;
import dev.tessera.scheduler.profile.ProfileException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code tessera bench mesh}: WaferLLM's experiments repeated in Tessera's mesh simulator on the
 * wse2 profile — GEMM by MeshGEMM, SUMMA and Cannon on 90² … 720² cores, GEMV by MeshGEMV against
 * the pipeline allreduce, and one Llama-3-8B decode layer's projections at 420² — beside the
 * paper's figures. Full-wafer grids use the analytic mode; a first row checks it against the event
 * mode on a grid both can run. Cycles are simulated, so the figures do not depend on this machine.
 */
final class MeshSuite {
  static final String NAME = "mesh";

  private MeshSuite() {}

  record Row(String group, String caseName, String impl, double cycles, double efficiency, double speedup, String paper) {}

  static List<BenchRecord> run(boolean quick, PrintWriter out, PrintWriter progress) {
    MeshProfile wse2;
    try {
      wse2 = MeshProfiles.get("wse2");
    } catch (ProfileException e) {
      throw new IllegalStateException("the built-in wse2 profile is unreadable", e);
    }
    SimParams params = SimParams.of(wse2);
    Analytic model = new Analytic(params);
    List<Row> rows = new ArrayList<>();
    int check = quick ? 32 : 64;
    progress.printf(Locale.ROOT, "%s: event mode on %dx%d cores to check the analytic mode%n", NAME, check, check);
    progress.flush();
    for (String alg : List.of("meshgemm", "summa")) {
      if (alg.equals("summa") && !quick) continue;
      MeshKernel k = GemmKernels.build(alg, check, 8 * check, 8 * check, 8 * check, false);
      double event = EventSimulator.run(k.program(), params, new Memory(k.program()), null).cycles();
      double analytic = model.cycles(k.shape());
      rows.add(new Row("check", "gemm " + 8 * check + " on " + check + "^2", alg + " event", event, Double.NaN, Double.NaN, ""));
      rows.add(new Row("check", "gemm " + 8 * check + " on " + check + "^2", alg + " analytic", analytic, Double.NaN, event / analytic,
          String.format(Locale.ROOT, "%+.1f%% vs event", 100 * (analytic - event) / event)));
    }
    int[] sizes = quick ? new int[] {2048, 4096} : new int[] {2048, 4096, 8192};
    for (int n : sizes) {
      for (int p : new int[] {90, 180, 360, 720}) {
        double mesh = model.cycles(GemmKernels.shape("meshgemm", p, n, n, n, false));
        for (String alg : List.of("meshgemm", "summa", "cannon")) {
          double c = alg.equals("meshgemm") ? mesh : model.cycles(GemmKernels.shape(alg, p, n, n, n, false));
          double ideal = (double) n * n * n / ((double) p * p * params.vectorWidth());
          String paper = p == 720 ? (alg.equals("meshgemm") ? ">70% near 720^2" : "<50%, 2-3x slower than MeshGEMM") : "";
          rows.add(new Row("gemm", "gemm " + n / 1024 + "K on " + p + "^2", alg, c, ideal / c, c / mesh, paper));
        }
      }
    }
    for (int n : new int[] {16384, 32768}) {
      int p = 720;
      double mesh = model.cycles(GemvKernels.shape("meshgemv", p, n, n));
      double pipe = model.cycles(GemvKernels.shape("pipegemv", p, n, n));
      rows.add(new Row("gemv", "gemv " + n / 1024 + "K on " + p + "^2", "meshgemv", mesh, Double.NaN, 1, n == 32768 ? "~2,230 cycles" : ""));
      rows.add(new Row("gemv", "gemv " + n / 1024 + "K on " + p + "^2", "pipeline", pipe, Double.NaN, pipe / mesh, "MeshGEMV ~4.6x faster"));
    }
    int p = 420;
    int[][] layer = {{4096, 4096}, {1024, 4096}, {1024, 4096}, {4096, 4096}, {14336, 4096}, {14336, 4096}, {4096, 14336}};
    double mesh = 0;
    double pipe = 0;
    for (int[] w : layer) {
      mesh += model.cycles(GemvKernels.shape("meshgemv", p, w[0], w[1]));
      pipe += model.cycles(GemvKernels.shape("pipegemv", p, w[0], w[1]));
    }
    rows.add(new Row("decode", "llama3-8b layer on 420^2", "meshgemv", mesh, Double.NaN, 1, "~12.7k cycles per layer"));
    rows.add(new Row("decode", "llama3-8b layer on 420^2", "pipeline", pipe, Double.NaN, pipe / mesh, ""));
    print(out, rows, wse2.clockMhz());
    costModel(out, rows, sizes, wse2);
    List<BenchRecord> records = new ArrayList<>();
    for (Row r : rows) {
      double ms = r.cycles() / (wse2.clockMhz() * 1e3);
      records.add(new BenchRecord(NAME, r.caseName(), r.impl(), ms, 0));
    }
    return records;
  }

  /**
   * The closed-form {@link MeshCostModel} ranking the twelve GEMM schedules of each size (grid side ×
   * algorithm) against the simulated cycles: Spearman's ρ and the regret of its pick.
   */
  private static void costModel(PrintWriter out, List<Row> rows, int[] sizes, MeshProfile wse2) {
    out.println("mesh cost model (closed form) against the simulated cycles, per GEMM size over grid 90^2..720^2 x algorithm:");
    for (int n : sizes) {
      String tag = "gemm " + n / 1024 + "K on ";
      List<Row> cands = rows.stream().filter(r -> r.caseName().startsWith(tag)).toList();
      double[] pred = new double[cands.size()];
      double[] sim = new double[cands.size()];
      int pick = 0;
      int best = 0;
      for (int i = 0; i < cands.size(); i++) {
        Row r = cands.get(i);
        int grid = Integer.parseInt(r.caseName().substring(tag.length(), r.caseName().length() - 2));
        Schedule s = Schedule.of("mesh").with(Knobs.GRID_X, grid).with(Knobs.GRID_Y, grid).with(Knobs.ALGORITHM, r.impl());
        try {
          pred[i] = new MeshCostModel().predict(new KernelInfo(KernelInfo.Kind.CONTRACTION, 1, n, n, n, 0, 1, 0), s, wse2).seconds();
        } catch (ScheduleException e) {
          throw new IllegalStateException(e);
        }
        sim[i] = r.cycles();
        if (pred[i] < pred[pick]) pick = i;
        if (sim[i] < sim[best]) best = i;
      }
      out.printf(Locale.ROOT, "  gemm %dK: Spearman rho %.3f, pick %s %s (regret %.1f%%), best %s %s%n", n / 1024, Spearman.rho(pred, sim),
          cands.get(pick).impl(), cands.get(pick).caseName().substring(tag.length()), 100 * (sim[pick] / sim[best] - 1), cands.get(best).impl(),
          cands.get(best).caseName().substring(tag.length()));
    }
    out.flush();
  }

  private static void print(PrintWriter out, List<Row> rows, int clockMhz) {
    out.printf(Locale.ROOT, "mesh: simulated on the wse2 profile (%d MHz); cycles from the analytic mode except the event rows%n", clockMhz);
    out.printf(Locale.ROOT, "%-26s %-18s %12s %10s %7s %8s  %s%n", "case", "impl", "cycles", "us", "eff", "x", "paper");
    for (Row r : rows) {
      out.printf(Locale.ROOT, "%-26s %-18s %12.0f %10.2f %7s %8s  %s%n", r.caseName(), r.impl(), r.cycles(), r.cycles() / clockMhz,
          Double.isNaN(r.efficiency()) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * r.efficiency()),
          Double.isNaN(r.speedup()) ? "-" : String.format(Locale.ROOT, "%.2f", r.speedup()), r.paper());
    }
    out.println("eff: M*N*K / (cores * f32 lanes) over the cycles; x: cycles / the MeshGEMM (MeshGEMV) cycles of the same case");
    out.flush();
  }
}
