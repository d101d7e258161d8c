package dev.tessera.cpu;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.NormalizerDef;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Which values of a normalizer step hold one value per column, and where p can live. */
final class StepRows {
  private StepRows() {}

  /**
   * p may live in x's row when p is assigned once, from column-wise reads of x only (no row
   * reduction of x inside), and no later assignment reads x: then the weights need no copy.
   */
  static boolean pInPlace(NormalizerDef d) {
    List<NormalizerDef.Assign> step = d.step();
    int at = -1;
    for (int i = 0; i < step.size(); i++) {
      if (!step.get(i).target().equals("p")) continue;
      if (at >= 0) return false;
      at = i;
    }
    if (at < 0) return false;
    for (Expr e : Exprs.nodes(step.get(at).value())) {
      if (e instanceof Expr.RowReduce r && readsX(r)) return false;
    }
    for (int i = at + 1; i < step.size(); i++) if (readsX(step.get(i).value())) return false;
    return true;
  }

  private static boolean readsX(Expr e) {
    return Exprs.nodes(e).stream().anyMatch(n -> n instanceof Expr.Var v && v.name().equals("x"));
  }

  /** The names holding one value per column: x, p, and every let computed from them. */
  static Set<String> vectorNames(NormalizerDef d) {
    Set<String> v = new LinkedHashSet<>(List.of("x", "p"));
    for (NormalizerDef.Assign a : d.step()) if (isVector(a.value(), v)) v.add(a.target());
    return v;
  }

  static int scratchRows(NormalizerDef d) {
    return vectorNames(d).size() - 1;
  }

  static boolean isVector(Expr e, Set<String> vectors) {
    return switch (e) {
      case Expr.Var v -> vectors.contains(v.name());
      case Expr.RowReduce r -> false;
      default -> Exprs.children(e).stream().anyMatch(c -> isVector(c, vectors));
    };
  }
}
