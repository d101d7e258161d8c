package dev.tessera.bench;

import dev.tessera.diag.CompileException;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.KernelInfos;
import dev.tessera.runtime.mesh.MeshProfiles;
import dev.tessera.runtime.mesh.MeshRun;
import dev.tessera.runtime.mesh.MeshTuneRunner;
import dev.tessera.scheduler.Knobs;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.Scheduler;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.cost.MeshCostModel;
import dev.tessera.scheduler.cost.Spearman;
import dev.tessera.scheduler.profile.MeshProfile;
import dev.tessera.scheduler.profile.ProfileException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cost-model suite's mesh half: every legal mesh schedule the scheduler enumerates for three
 * contraction kernels, on the grids the event simulation runs (up to 64²), predicted by the closed-form
 * {@link MeshCostModel} and "measured" as the event simulator's cycles with real numbers (the same
 * runner {@code tessera tune --target mesh} uses). Reports Spearman's ρ and the regret of the model's pick.
 */
final class MeshCostCheck {
  private MeshCostCheck() {}

  /** A kernel of the check: zoo file and dimensions. */
  record Case(String name, String dir, String file, Map<String, Long> dims) {}

  static final List<Case> CASES = List.of(
      new Case("gemm 256", "einsum", "gemm", dims("M", 256, "K", 256, "N", 256)),
      new Case("gemm 96x384x160", "einsum", "gemm", dims("M", 96, "K", 384, "N", 160)),
      new Case("gemv 2048", "einsum", "gemv", dims("N", 2048, "K", 2048)),
      new Case("gemv 1000x3000", "einsum", "gemv", dims("N", 1000, "K", 3000)));

  /** Grids above this are left to the analytic mode ({@code tessera bench mesh}): events with numbers take minutes there. */
  static final int MAX_GRID = 64;

  /** One schedule: predicted and simulated seconds at the profile's clock. */
  record Point(String kernel, Schedule schedule, double predicted, double simulated, double flops) {}

  /** Per kernel: ρ over its schedules, the model's pick and its regret. */
  record Summary(String kernel, int schedules, double rho, Schedule pick, double regret) {}

  private static Map<String, Long> dims(Object... kv) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], ((Integer) kv[i + 1]).longValue());
    return m;
  }

  static List<Point> measure(PrintWriter progress) {
    MeshProfile profile;
    try {
      profile = MeshProfiles.get("wse2");
    } catch (ProfileException e) {
      throw new IllegalStateException("the built-in wse2 profile does not load: " + e.getMessage(), e);
    }
    MeshCostModel model = new MeshCostModel();
    List<Point> out = new ArrayList<>();
    for (Case c : CASES) {
      Zoo.Compiled z = Zoo.compile(c.dir(), c.file());
      try {
        Inputs.Prepared p = Inputs.prepare(z.kernel(), z.sourceMap(), Map.of(), c.dims(), 0);
        KernelInfo info = KernelInfos.of(z.kernel(), p.dims()).orElseThrow();
        MeshTuneRunner runner = new MeshTuneRunner(z.module(), z.kernel(), p.dims(), p.inputs(), profile);
        List<Schedule> schedules = Scheduler.enumerateMesh(info, profile).stream()
            .filter(s -> Integer.parseInt(s.get(Knobs.GRID_X).orElse("0")) <= Math.min(MAX_GRID, MeshRun.EVENT_GRID_LIMIT)).toList();
        int i = 0;
        for (Schedule s : schedules) {
          progress.printf(Locale.ROOT, "%s: mesh %s [%d/%d] %s%n", CostModelSuite.NAME, c.name(), ++i, schedules.size(), s);
          progress.flush();
          double simulated;
          try {
            simulated = runner.measure(s);
          } catch (ScheduleException e) {
            progress.printf(Locale.ROOT, "%s: mesh %s: %s does not run (%s); left out%n", CostModelSuite.NAME, c.name(), s, e.getMessage());
            continue;
          }
          out.add(new Point(c.name(), s, model.predict(info, s, profile).seconds(), simulated, 2.0 * info.batch() * info.m() * info.n() * info.d()));
        }
      } catch (CompileException | ScheduleException e) {
        throw new IllegalStateException("mesh case " + c.name() + " does not compile: " + e.getMessage(), e);
      }
    }
    return out;
  }

  static List<Summary> summarise(List<Point> points) {
    List<Summary> out = new ArrayList<>();
    for (Case c : CASES) {
      List<Point> k = points.stream().filter(p -> p.kernel().equals(c.name())).toList();
      if (k.isEmpty()) continue;
      double rho = Spearman.rho(k.stream().mapToDouble(Point::predicted).toArray(), k.stream().mapToDouble(Point::simulated).toArray());
      Point pick = k.get(0);
      for (Point p : k) if (p.predicted() < pick.predicted()) pick = p;
      double best = k.stream().mapToDouble(Point::simulated).min().orElseThrow();
      out.add(new Summary(c.name(), k.size(), rho, pick.schedule(), pick.simulated() / best));
    }
    return out;
  }

  static void print(PrintWriter out, List<Point> points, List<Summary> summaries) {
    out.println();
    out.printf(Locale.ROOT, "%s: mesh cost model (closed form) against event-simulated cycles on wse2, grids up to %dx%d, %d schedules:%n",
        CostModelSuite.NAME, MAX_GRID, MAX_GRID, points.size());
    out.printf(Locale.ROOT, "%-18s %5s %9s %8s  %s%n", "kernel", "n", "rho", "regret", "model pick");
    for (Summary s : summaries) {
      out.printf(Locale.ROOT, "%-18s %5d %9.3f %8.3f  %s%n", s.kernel(), s.schedules(), s.rho(), s.regret(), s.pick());
    }
    out.println("regret: simulated cycles of the model's pick / fewest simulated cycles.");
    out.flush();
  }

  static List<BenchRecord> records(List<Point> points) {
    List<BenchRecord> r = new ArrayList<>();
    for (Point p : points) {
      r.add(new BenchRecord(CostModelSuite.NAME, "mesh " + p.kernel(), "simulated " + p.schedule(), p.simulated() * 1e3, p.flops() / p.simulated() / 1e9));
      r.add(new BenchRecord(CostModelSuite.NAME, "mesh " + p.kernel(), "predicted " + p.schedule(), p.predicted() * 1e3, p.flops() / p.predicted() / 1e9));
    }
    return r;
  }
}
