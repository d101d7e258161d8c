package dev.tessera.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The suite's text table: one row per implementation and case, fixed-width columns. */
final class Table {
  /** Relative errors above this are flagged with "!". */
  static final double FLAG = 1e-3;
  private static final String FORMAT = "%-27s %-11s %10s %9s %7s %7s %9s %10s%n";

  /** One implementation's result on one case; {@code error} is NaN for Tessera, the comparison's reference. */
  record Row(String caseName, String impl, double ms, double gflops, double error) {}

  private Table() {}

  /**
   * Prints the header and the rows, which come case by case; the ratio columns divide the ORT and unfused times of a
   * row's case by the row's time, and % peak is of {@code peakGflops}.
   */
  static void print(PrintWriter out, List<Row> rows, double peakGflops) {
    out.printf(Locale.ROOT, FORMAT, "case", "impl", "ms", "GFLOP/s", "% peak", "xORT", "xunfused", "max err");
    for (Row r : rows) {
      List<Row> same = rows.stream().filter(x -> x.caseName().equals(r.caseName())).toList();
      double ort = time(same, CpuAttentionSuite.ONNXRUNTIME);
      double unfused = time(same, CpuAttentionSuite.UNFUSED);
      out.printf(Locale.ROOT, FORMAT, r.caseName(), r.impl(), fmt("%.3f", r.ms()), fmt("%.2f", r.gflops()),
          fmt("%.1f%%", 100 * r.gflops() / peakGflops), ratio(ort, r.ms()), ratio(unfused, r.ms()), error(r.error()));
    }
    out.flush();
  }

  private static double time(List<Row> rows, String impl) {
    return rows.stream().filter(r -> r.impl().equals(impl)).mapToDouble(Row::ms).findFirst().orElse(Double.NaN);
  }

  private static String ratio(double other, double ms) {
    return Double.isNaN(other) ? "-" : fmt("%.2f", other / ms);
  }

  static String error(double e) {
    if (Double.isNaN(e)) return "-";
    return fmt("%.1e", e) + (e > FLAG ? " !" : "  ");
  }

  private static String fmt(String format, double v) {
    return String.format(Locale.ROOT, format, v);
  }
}
