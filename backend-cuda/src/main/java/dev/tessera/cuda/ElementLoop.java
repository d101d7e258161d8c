package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;
import dev.tessera.ir.IndexVar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loop over every point of an index space, split among threads: grid-stride in a kernel of its
 * own, block-stride inside a scan (one block runs the whole scan). The linear index is decomposed
 * row-major, so consecutive threads touch consecutive elements of a C-order output.
 */
final class ElementLoop {
  private ElementLoop() {}

  /** Whether the loop spans the grid or one block. */
  enum Stride { GRID, BLOCK }

  /**
   * Opens the loop over {@code vars} minus {@code fixed} (a scan's step, already a C variable) and
   * returns the C names of all of them; the caller writes the body and calls {@link #close}.
   */
  static Map<String, String> open(CodeWriter w, Layout layout, List<IndexVar> vars, String fixed, Stride stride) {
    Map<String, String> names = new LinkedHashMap<>();
    List<IndexVar> free = vars.stream().filter(v -> !v.name().equals(fixed)).toList();
    long total = total(layout, free);
    String start = stride == Stride.GRID ? "(long long)blockIdx.x * blockDim.x + threadIdx.x" : "(long long)threadIdx.x";
    String step = stride == Stride.GRID ? "(long long)gridDim.x * blockDim.x" : "(long long)blockDim.x";
    w.open("for (long long lin = " + start + "; lin < " + total + "LL; lin += " + step + ") {");
    long inner = 1;
    String[] lines = new String[free.size()];
    for (int i = free.size() - 1; i >= 0; i--) {
      long ext = layout.extent(free.get(i).extent());
      String div = inner == 1 ? "lin" : "(lin / " + inner + "LL)";
      String value = i == 0 ? div : div + " % " + ext + "LL";
      lines[i] = "const long long " + Names.index(free.get(i).name()) + " = " + value + ";";
      inner *= ext;
    }
    for (String l : lines) w.line(l);
    for (IndexVar v : vars) names.put(v.name(), v.name().equals(fixed) ? Names.index(fixed) : Names.index(v.name()));
    return names;
  }

  static void close(CodeWriter w) {
    w.close("}");
  }

  static long total(Layout layout, List<IndexVar> vars) {
    long t = 1;
    for (IndexVar v : vars) t *= layout.extent(v.extent());
    return t;
  }
}
