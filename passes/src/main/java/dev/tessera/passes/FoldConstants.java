package dev.tessera.passes;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.Ops;
import dev.tessera.ir.Semantics;

/** Folds operators and calls whose operands are all constants (rsqrt(192) becomes a literal). */
final class FoldConstants extends KernelPass {
  @Override
  public String name() {
    return "fold-constants";
  }

  @Override
  public String summary() {
    return "evaluate constant subexpressions";
  }

  @Override
  Kernel run(Module module, Kernel k) {
    return k.withOps(k.ops().stream().map(op -> Ops.mapExprs(op, e -> Exprs.rewrite(e, FoldConstants::fold))).toList());
  }

  static Expr fold(Expr e) {
    try {
      return switch (e) {
        case Expr.Unary u when u.operand() instanceof Expr.Const c ->
            new Expr.Const(Semantics.unary(u.op(), c.value()), c.integral() && u.op() == Expr.UnOp.NEG);
        case Expr.Binary b when b.left() instanceof Expr.Const l && b.right() instanceof Expr.Const r ->
            new Expr.Const(Semantics.binary(b.op(), l.value(), r.value()), l.integral() && r.integral() && b.op() != Expr.BinOp.DIV);
        case Expr.Call c when c.fn() != Expr.Fn.SELECT && c.args().stream().allMatch(a -> a instanceof Expr.Const) -> foldCall(c);
        case Expr.Call c when c.fn() == Expr.Fn.SELECT && c.args().get(0) instanceof Expr.Const cond ->
            cond.value() != 0 ? c.args().get(1) : c.args().get(2);
        default -> e;
      };
    } catch (Semantics.DivisionByZero z) {
      return e;
    }
  }

  private static Expr foldCall(Expr.Call c) {
    Expr.Const a = (Expr.Const) c.args().get(0);
    double b = c.args().size() > 1 ? ((Expr.Const) c.args().get(1)).value() : 0;
    boolean integral = a.integral() && (c.args().size() == 1 || ((Expr.Const) c.args().get(1)).integral())
        && (c.fn() == Expr.Fn.MIN || c.fn() == Expr.Fn.MAX || c.fn() == Expr.Fn.ABS || c.fn() == Expr.Fn.CDIV);
    return new Expr.Const(Semantics.call(c.fn(), a.value(), b), integral);
  }
}
