package dev.tessera.frontend;

import dev.tessera.diag.Span;
import dev.tessera.ir.Expr;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.IrPrinter;
import java.util.ArrayList;
import java.util.List;

/**
 * An index variable being checked. Its extent is either fixed by a declaration (an output's shape)
 * or inferred from the tensors it indexes directly; every such use is a candidate, and all must agree.
 */
final class IndexInfo {
  /** A use of the index as a plain subscript of a tensor with a known shape. */
  record Candidate(Expr extent, Span span, String tensor) {}

  final String name;
  final Span span;
  private Expr fixed;
  private String fixedBy;
  private final List<Candidate> candidates = new ArrayList<>();
  private Expr resolved;

  IndexInfo(String name, Span span) {
    this.name = name;
    this.span = span;
  }

  void fix(Expr extent, String by) {
    if (fixed == null) {
      fixed = extent;
      fixedBy = by;
    } else {
      candidates.add(new Candidate(extent, span, by));
    }
  }

  void candidate(Expr extent, Span at, String tensor) {
    candidates.add(new Candidate(extent, at, tensor));
  }

  /** Settles the extent, reporting E210/E211 when it cannot be inferred or uses disagree. */
  void resolve(Diagnostics diags) {
    if (resolved != null) return;
    Expr chosen = fixed;
    String chosenBy = fixedBy;
    for (Candidate c : candidates) {
      if (chosen == null) {
        chosen = c.extent();
        chosenBy = c.tensor();
        continue;
      }
      if (!compatible(chosen, c.extent(), fixed != null)) {
        throw diags.error(Codes.EXTENT_MISMATCH, c.span(), "index '" + name + "' ranges over " + IrPrinter.expr(chosen)
            + " (from " + chosenBy + ") but indexes a dimension of size " + IrPrinter.expr(c.extent()) + " in " + c.tensor(),
            "use separate index names, or index arithmetic such as '" + name + " / G'");
      }
    }
    if (chosen == null) {
      throw diags.error(Codes.EXTENT_UNKNOWN, span, "cannot infer the range of index '" + name + "'",
          "use '" + name + "' directly as a subscript of an input tensor, or of a declared output");
    }
    resolved = chosen;
  }

  /** A fixed extent may index a larger literal dimension (a prefix slice); otherwise they must be equal. */
  private static boolean compatible(Expr chosen, Expr other, boolean isFixed) {
    if (chosen.equals(other)) return true;
    if (isFixed && chosen instanceof Expr.Const a && other instanceof Expr.Const b) return a.value() <= b.value();
    return isFixed && (chosen instanceof Expr.Const || other instanceof Expr.Const);
  }

  Expr extent() {
    if (resolved == null) throw new IllegalStateException("index " + name + " not resolved");
    return resolved;
  }

  Expr.Index var0() {
    return new Expr.Index(name);
  }

  IndexVar var() {
    return new IndexVar(name, extent());
  }
}
