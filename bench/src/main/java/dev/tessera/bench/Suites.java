package dev.tessera.bench;

import java.io.PrintWriter;
import java.util.List;

/** The benchmark suites {@code tessera bench} runs, by name. */
public final class Suites {
  private Suites() {}

  /** The suite names, in the order help lists them. */
  public static List<String> names() {
    return List.of(CpuAttentionSuite.NAME, CompileSuite.NAME);
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
}
