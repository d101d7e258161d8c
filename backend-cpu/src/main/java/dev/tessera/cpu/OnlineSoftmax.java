package dev.tessera.cpu;

import dev.tessera.ir.Expr;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.ReduceKind;
import java.util.List;

/**
 * Recognises the online softmax (the standard library's {@code softmax}, or a user normalizer
 * written the same way under any names), whose step on fully visible key blocks the CPU backend
 * runs with the hand-vectorised {@link dev.tessera.cpu.kernels.ColumnSoftmax} instead of the
 * generated row-by-row code. The shape matched, with m and l its two state variables in that order:
 * <pre>
 *   state m = -inf
 *   state l = 0
 *   step { let t = max(m, rowmax(x)); rescale = exp(m - t); p = exp(x - t); l = l * rescale + rowsum(p); m = t }
 * </pre>
 */
final class OnlineSoftmax {
  private OnlineSoftmax() {}

  static boolean matches(NormalizerDef d) {
    if (d.state().size() != 2 || d.step().size() != 5) return false;
    String m = d.state().get(0).name();
    String l = d.state().get(1).name();
    if (constant(d.state().get(0).init()) != Double.NEGATIVE_INFINITY || constant(d.state().get(1).init()) != 0) return false;
    List<NormalizerDef.Assign> s = d.step();
    NormalizerDef.Assign mx = s.get(0);
    String t = mx.target();
    if (!mx.local() || t.equals(m) || t.equals(l)
        || !mx.value().equals(call(Expr.Fn.MAX, var(m), new Expr.RowReduce(ReduceKind.MAX, var("x"))))) return false;
    return assigns(s.get(1), "rescale", call(Expr.Fn.EXP, sub(var(m), var(t))))
        && assigns(s.get(2), "p", call(Expr.Fn.EXP, sub(var("x"), var(t))))
        && assigns(s.get(3), l, new Expr.Binary(Expr.BinOp.ADD, new Expr.Binary(Expr.BinOp.MUL, var(l), var("rescale")),
            new Expr.RowReduce(ReduceKind.SUM, var("p"))))
        && assigns(s.get(4), m, var(t));
  }

  private static boolean assigns(NormalizerDef.Assign a, String target, Expr value) {
    return !a.local() && a.target().equals(target) && a.value().equals(value);
  }

  private static Expr var(String name) {
    return new Expr.Var(name);
  }

  private static Expr sub(Expr a, Expr b) {
    return new Expr.Binary(Expr.BinOp.SUB, a, b);
  }

  private static Expr call(Expr.Fn fn, Expr... args) {
    return new Expr.Call(fn, List.of(args));
  }

  /** The value of a constant initial state (a literal, possibly negated); NaN for anything else. */
  private static double constant(Expr e) {
    return switch (e) {
      case Expr.Const c -> c.value();
      case Expr.Unary u when u.op() == Expr.UnOp.NEG -> -constant(u.operand());
      default -> Double.NaN;
    };
  }
}
