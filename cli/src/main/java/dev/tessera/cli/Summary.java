package dev.tessera.cli;

import dev.tessera.ir.Kernel;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.scheduler.Schedule;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The short report {@code tessera run} prints. */
final class Summary {
  private Summary() {}

  /**
   * What a run produced: for the reference, no schedule, no compile time and no error figure.
   * {@code tuned} says the schedule came from the autotuner's cache.
   */
  record Report(Kernel kernel, Map<String, Long> dims, String target, Schedule schedule, boolean tuned, double frontMillis, double compileMillis,
      double firstMillis, double medianMillis, int runs, Map<String, DenseTensor> outputs, double maxError) {}

  static void print(PrintWriter out, Report r, double flops, List<Path> written) {
    Kernel k = r.kernel();
    String dimText = k.dims().stream().map(d -> d + "=" + r.dims().get(d)).collect(Collectors.joining(" "));
    boolean ref = r.schedule() == null;
    out.printf(Locale.ROOT, "kernel    %s%n", k.name());
    out.printf(Locale.ROOT, "target    %s%n", ref ? "ref (reference interpreter, double precision)" : r.target());
    out.printf(Locale.ROOT, "schedule  %s%n", ref ? "none (the interpreter evaluates each op in turn)"
        : r.schedule() + (r.tuned() ? " (tuned)" : ""));
    out.printf(Locale.ROOT, "dims      %s%n", dimText);
    if (!ref) {
      out.printf(Locale.ROOT, "compile   %.1f ms source to loaded class (front end and passes %.1f ms, bytecode %.1f ms)%n",
          r.frontMillis() + r.compileMillis(), r.frontMillis(), r.compileMillis());
    }
    if (!ref) {
      out.printf(Locale.ROOT, "time      %.3f ms (median of %d runs after warm-up; first run %.3f ms)%n", r.medianMillis(),
          r.runs(), r.firstMillis());
    } else {
      out.printf(Locale.ROOT, "time      %.3f ms%n", r.medianMillis());
    }
    double seconds = r.medianMillis() / 1e3;
    out.printf(Locale.ROOT, "work      %.4f GFLOP, %.3f GFLOP/s%n", flops / 1e9, seconds > 0 ? flops / 1e9 / seconds : 0);
    if (!ref) {
      out.printf(Locale.ROOT, "error     %s%n", Double.isNaN(r.maxError()) ? "not checked (--no-check)"
          : String.format(Locale.ROOT, "%.3g max |cpu - ref| / max(1, max |ref|)", r.maxError()));
    }
    int i = 0;
    for (Map.Entry<String, DenseTensor> e : r.outputs().entrySet()) {
      out.printf(Locale.ROOT, "output    %s f32%s -> %s%n", e.getKey(), Arrays.toString(e.getValue().shape()), written.get(i++));
    }
    out.flush();
  }

  /** The report of a mesh run: simulated cycles and time at the profile's clock, per program too. */
  static void printMesh(PrintWriter out, Kernel k, Map<String, Long> dims, MeshTarget.Outcome o, double flops, double maxError,
      List<Path> written) {
    String dimText = k.dims().stream().map(d -> d + "=" + dims.get(d)).collect(Collectors.joining(" "));
    double cycles = o.result().cycles();
    double seconds = cycles / (o.profile().clockMhz() * 1e6);
    out.printf(Locale.ROOT, "kernel    %s%n", k.name());
    out.printf(Locale.ROOT, "target    mesh (event simulation of %s, %s)%n", o.profile().name(), o.profile().description());
    out.printf(Locale.ROOT, "schedule  %s%s%n", o.choice().schedule(), o.tuned() ? " (tuned)" : "");
    out.printf(Locale.ROOT, "dims      %s%n", dimText);
    int n = o.result().phases().size();
    out.printf(Locale.ROOT, "cycles    %.0f simulated = %.3f us at %d MHz (%s)%n", cycles, seconds * 1e6, o.profile().clockMhz(),
        n == 1 ? "1 mesh program" : n + " mesh programs; host transfers between them not counted");
    List<dev.tessera.runtime.mesh.MeshRun.Phase> ps = o.result().phases();
    for (int i = 0; i < ps.size(); ) {
      dev.tessera.runtime.mesh.MeshRun.Phase p = ps.get(i);
      int same = 1;
      while (i + same < ps.size() && ps.get(i + same).op().equals(p.op()) && ps.get(i + same).sim().cycles() == p.sim().cycles()) same++;
      out.printf(Locale.ROOT, "  program %-10s %-9s %dx%d cores %12.0f cycles%s%n", p.op(), p.algorithm(), p.grid(), p.grid(), p.sim().cycles(),
          same > 1 ? " (x" + same + ", one per batch and head)" : "");
      i += same;
    }
    out.printf(Locale.ROOT, "work      %.4f GFLOP, %.3f GFLOP/s at the simulated time%n", flops / 1e9, seconds > 0 ? flops / 1e9 / seconds : 0);
    out.printf(Locale.ROOT, "error     %s%n", Double.isNaN(maxError) ? "not checked (--no-check)"
        : String.format(Locale.ROOT, "%.3g max |mesh - ref| / max(1, max |ref|)", maxError));
    int i = 0;
    for (Map.Entry<String, DenseTensor> e : o.result().outputs().entrySet()) {
      out.printf(Locale.ROOT, "output    %s f32%s -> %s%n", e.getKey(), Arrays.toString(e.getValue().shape()), written.get(i++));
    }
    out.flush();
  }
}
