package dev.tessera.ir;

import java.util.Map;

/** Evaluates dimension expressions (extents, shapes, relations) once dimensions are bound. */
public final class Extents {
  private Extents() {}

  public static double eval(Expr e, Map<String, Long> dims) {
    return switch (e) {
      case Expr.Const c -> c.value();
      case Expr.Dim d -> {
        Long v = dims.get(d.name());
        if (v == null) throw new IllegalStateException("dimension " + d.name() + " is not bound");
        yield v;
      }
      case Expr.Binary b -> Semantics.binary(b.op(), eval(b.left(), dims), eval(b.right(), dims));
      case Expr.Unary u -> Semantics.unary(u.op(), eval(u.operand(), dims));
      case Expr.Call c when c.args().size() <= 2 -> Semantics.call(c.fn(), eval(c.args().get(0), dims),
          c.args().size() > 1 ? eval(c.args().get(1), dims) : 0);
      default -> throw new IllegalArgumentException("not a dimension expression: " + e);
    };
  }

  public static int extent(Expr e, Map<String, Long> dims) {
    double v = eval(e, dims);
    if (v < 0 || v > Integer.MAX_VALUE) throw new IllegalArgumentException("extent " + (long) v + " out of range");
    return (int) v;
  }

  public static int[] shape(java.util.List<Expr> shape, Map<String, Long> dims) {
    int[] s = new int[shape.size()];
    for (int i = 0; i < s.length; i++) s[i] = extent(shape.get(i), dims);
    return s;
  }
}
