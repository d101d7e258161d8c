package dev.tessera.mesh;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Semantics;
import java.util.Map;

/**
 * Evaluates an expression at given index values — a scalar modifier such as {@code rsqrt(D)}, or a
 * mask, which may read tensors the host holds (a block-sparsity layout) — in double precision, with
 * the reference's semantics.
 */
public final class ScalarEval {
  private ScalarEval() {}

  /** Reads element {@code index} of a host tensor; throws {@link IndexOutOfBoundsException} outside it. */
  public interface Reader {
    double read(String tensor, long[] index);
  }

  private static final Reader NO_READS = (t, i) -> {
    throw new IllegalArgumentException("a tensor read is not a scalar");
  };

  /** Whether {@code e} reads no tensor and mentions no index: a constant once the dimensions are bound. */
  public static boolean isConstant(Expr e) {
    return switch (e) {
      case Expr.Const c -> true;
      case Expr.Dim d -> true;
      case Expr.Unary u -> isConstant(u.operand());
      case Expr.Binary b -> isConstant(b.left()) && isConstant(b.right());
      case Expr.Call c -> c.args().stream().allMatch(ScalarEval::isConstant);
      case Expr.Index i -> false;
      case Expr.Read r -> false;
      case Expr.Var v -> false;
      case Expr.Field f -> false;
      case Expr.RowReduce r -> false;
    };
  }

  public static double eval(Expr e, Map<String, Long> dims, Map<String, Long> indices) {
    return eval(e, dims, indices, NO_READS);
  }

  public static double eval(Expr e, Map<String, Long> dims, Map<String, Long> indices, Reader reader) {
    return switch (e) {
      case Expr.Const c -> c.value();
      case Expr.Dim d -> dims.get(d.name());
      case Expr.Index i -> indices.get(i.name());
      case Expr.Unary u -> Semantics.unary(u.op(), eval(u.operand(), dims, indices, reader));
      case Expr.Binary b -> Semantics.binary(b.op(), eval(b.left(), dims, indices, reader), eval(b.right(), dims, indices, reader));
      case Expr.Call c when c.fn() == Expr.Fn.SELECT -> eval(c.args().get(0), dims, indices, reader) != 0
          ? eval(c.args().get(1), dims, indices, reader) : eval(c.args().get(2), dims, indices, reader);
      case Expr.Call c -> Semantics.call(c.fn(), eval(c.args().get(0), dims, indices, reader),
          c.args().size() > 1 ? eval(c.args().get(1), dims, indices, reader) : 0);
      case Expr.Read r -> {
        long[] at = new long[r.indices().size()];
        for (int i = 0; i < at.length; i++) at[i] = (long) eval(r.indices().get(i), dims, indices, reader);
        yield reader.read(r.tensor(), at);
      }
      case Expr.Var v -> throw new IllegalArgumentException("a normalizer variable is not a scalar");
      case Expr.Field f -> throw new IllegalArgumentException("a normalizer field is not a scalar");
      case Expr.RowReduce r -> throw new IllegalArgumentException("a row reduction is not a scalar");
    };
  }
}
