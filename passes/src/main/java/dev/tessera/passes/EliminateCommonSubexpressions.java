package dev.tessera.passes;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;
import dev.tessera.ir.Ops;
import dev.tessera.ir.TensorDecl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Removes a top-level elementwise op or contraction that computes exactly what an earlier one
 * computes (same index space, same body), when its result is a temporary: later reads use the
 * earlier tensor instead.
 */
final class EliminateCommonSubexpressions extends KernelPass {
  @Override
  public String name() {
    return "eliminate-common-subexpressions";
  }

  @Override
  public String summary() {
    return "reuse the result of an earlier identical op instead of computing it again";
  }

  @Override
  Kernel run(Module module, Kernel k) {
    Map<String, String> renamed = new HashMap<>();
    List<Op> kept = new ArrayList<>();
    for (Op op : k.ops()) {
      Op current = renamed.isEmpty() ? op : Ops.mapExprs(op, e -> rename(e, renamed));
      String twin = twin(k, kept, current);
      if (twin != null) {
        renamed.put(current.outputs().get(0), twin);
      } else {
        kept.add(current);
      }
    }
    if (renamed.isEmpty()) return k;
    List<TensorDecl> tensors = k.tensors().stream().filter(t -> !renamed.containsKey(t.name())).toList();
    return new Kernel(k.name(), tensors, k.relations(), k.defaults(), kept);
  }

  /** The output of an earlier op identical to {@code op} but for its output name, or null. */
  private static String twin(Kernel k, List<Op> earlier, Op op) {
    if (!(op instanceof Op.Compute || op instanceof Op.Contract)) return null;
    String out = op.outputs().get(0);
    if (k.tensor(out).map(t -> t.role() != TensorDecl.Role.TEMP).orElse(true)) return null;
    for (Op e : earlier) {
      if (sameButOutput(e, op)) return e.outputs().get(0);
    }
    return null;
  }

  private static boolean sameButOutput(Op a, Op b) {
    return switch (a) {
      case Op.Compute x when b instanceof Op.Compute y ->
          x.indices().equals(y.indices()) && x.body().equals(y.body()) && x.mask().equals(y.mask());
      case Op.Contract x when b instanceof Op.Contract y -> x.indices().equals(y.indices()) && x.kind() == y.kind()
          && x.reduce().equals(y.reduce()) && x.body().equals(y.body());
      default -> false;
    };
  }

  private static Expr rename(Expr e, Map<String, String> renamed) {
    return Exprs.rewrite(e, x -> x instanceof Expr.Read r && renamed.containsKey(r.tensor())
        ? new Expr.Read(renamed.get(r.tensor()), r.indices()) : x);
  }
}
