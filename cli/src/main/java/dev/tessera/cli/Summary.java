package dev.tessera.cli;

import dev.tessera.ir.Kernel;
import dev.tessera.runtime.DenseTensor;
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

  static void print(PrintWriter out, Kernel k, Map<String, Long> dims, String target, double seconds, double flops,
      Map<String, DenseTensor> outputs, List<Path> written) {
    String dimText = k.dims().stream().map(d -> d + "=" + dims.get(d)).collect(Collectors.joining(" "));
    out.printf(Locale.ROOT, "kernel    %s%n", k.name());
    out.printf(Locale.ROOT, "target    %s%n", target.equals("ref") ? "ref (reference interpreter, double precision)" : target);
    out.printf(Locale.ROOT, "schedule  %s%n", target.equals("ref") ? "none (the interpreter evaluates each op in turn)" : "default");
    out.printf(Locale.ROOT, "dims      %s%n", dimText);
    out.printf(Locale.ROOT, "time      %.3f ms%n", seconds * 1e3);
    out.printf(Locale.ROOT, "work      %.4f GFLOP, %.3f GFLOP/s%n", flops / 1e9, seconds > 0 ? flops / 1e9 / seconds : 0);
    int i = 0;
    for (Map.Entry<String, DenseTensor> e : outputs.entrySet()) {
      out.printf(Locale.ROOT, "output    %s f32%s -> %s%n", e.getKey(), Arrays.toString(e.getValue().shape()), written.get(i++));
    }
    out.flush();
  }
}
