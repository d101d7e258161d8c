package dev.tessera.bench;

import dev.tessera.scheduler.cost.Calibration;
import dev.tessera.scheduler.cost.CpuCostModel;
import dev.tessera.scheduler.profile.Host;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** The benchmark suites {@code tessera bench} runs, by name. */
public final class Suites {
  private Suites() {}

  /** The suite names, in the order help lists them. */
  public static List<String> names() {
    return List.of(CpuAttentionSuite.NAME, CompileSuite.NAME, CostModelSuite.NAME, MeshSuite.NAME);
  }

  /**
   * Runs a suite: measures the FMA peak, runs every case (reporting progress on {@code progress}), measures the peak
   * again, then prints the table to {@code out}. {@code quick} picks smaller sizes and fewer runs; {@code threads} is
   * used by every implementation and the all-threads peak.
   */
  public static List<BenchRecord> run(String suite, boolean quick, int threads, PrintWriter out, PrintWriter progress) {
    if (!names().contains(suite)) throw new IllegalArgumentException("unknown suite " + suite + "; suites: " + names());
    if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, not " + threads);
    if (suite.equals(CompileSuite.NAME)) return CompileSuite.run(quick, out, progress);
    if (suite.equals(CostModelSuite.NAME)) return costModel(out, progress);
    if (suite.equals(MeshSuite.NAME)) return MeshSuite.run(quick, out, progress);
    Timing.Policy policy = quick ? Timing.QUICK : Timing.FULL;
    long trial = quick ? 150_000_000L : 400_000_000L;
    progress.printf("%s: measuring the FMA peak%n", suite);
    progress.flush();
    FmaPeak.Peak before = FmaPeak.measure(threads, trial);
    CpuAttentionSuite.Sizes sizes = quick ? CpuAttentionSuite.QUICK : CpuAttentionSuite.FULL;
    List<Table.Row> rows = new CpuAttentionSuite(threads, policy).run(CpuAttentionSuite.cases(sizes), progress);
    progress.printf("%s: measuring the FMA peak again%n", suite);
    progress.flush();
    FmaPeak.Peak peak = before.best(FmaPeak.measure(threads, trial));
    CpuAttentionSuite.describe(out, quick, sizes, threads, peak, policy);
    Table.print(out, rows, peak.allThreads());
    return CpuAttentionSuite.records(rows);
  }

  /**
   * The cost-model suite (it chooses its own threads per schedule): measures, calibrates, stores the fitted weights
   * for the host profile beside its cache file, and prints the summary.
   */
  private static List<BenchRecord> costModel(PrintWriter out, PrintWriter progress) {
    Host host = Host.standard(note -> progress.println(CostModelSuite.NAME + ": " + note));
    CostModelSuite suite = new CostModelSuite(host.profile());
    List<CostModelSuite.Measured> timed = suite.measure(progress);
    double[] weights = CostModelSuite.calibrate(timed);
    List<CostModelSuite.Measured> measured = suite.confirmPicks(timed, weights, progress);
    suite.print(out, measured, weights, CostModelSuite.summarise(measured, weights));
    Path file = Calibration.file(Host.defaultCacheDir(), Host.NAME);
    try {
      Calibration.write(file, CpuCostModel.TERMS, weights);
      out.println("weights written to " + file);
    } catch (IOException e) {
      progress.println(CostModelSuite.NAME + ": could not write " + file + " (" + e.getMessage() + "); the weights are not kept");
    }
    List<MeshCostCheck.Point> mesh = MeshCostCheck.measure(progress);
    MeshCostCheck.print(out, mesh, MeshCostCheck.summarise(mesh));
    List<BenchRecord> records = new java.util.ArrayList<>(CostModelSuite.records(measured, weights));
    records.addAll(MeshCostCheck.records(mesh));
    return records;
  }
}
