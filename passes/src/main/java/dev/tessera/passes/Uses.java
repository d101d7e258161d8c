package dev.tessera.passes;

import dev.tessera.ir.Expr;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Op;
import dev.tessera.ir.Ops;
import dev.tessera.ir.TensorDecl;
import java.util.List;

/** Use counts and access shapes that the recognition passes ask about. */
final class Uses {
  private Uses() {}

  /** How many top-level ops of the kernel read {@code tensor}. */
  static long readers(Kernel k, String tensor) {
    return k.ops().stream().filter(op -> Ops.reads(op).contains(tensor)).count();
  }

  static boolean isTemp(Kernel k, String tensor) {
    return k.tensor(tensor).map(t -> t.role() == TensorDecl.Role.TEMP).orElse(false);
  }

  /** Whether {@code e} is {@code tensor[i0, i1, ...]} with exactly the given index variables, in order. */
  static boolean isIdentityRead(Expr e, String tensor, List<IndexVar> vars) {
    if (!(e instanceof Expr.Read r) || !r.tensor().equals(tensor) || r.indices().size() != vars.size()) return false;
    for (int i = 0; i < vars.size(); i++) {
      if (!(r.indices().get(i) instanceof Expr.Index x) || !x.name().equals(vars.get(i).name())) return false;
    }
    return true;
  }

  /** The factors of a product tree ({@code a * b * c}). */
  static List<Expr> factors(Expr e) {
    if (e instanceof Expr.Binary b && b.op() == Expr.BinOp.MUL) {
      java.util.ArrayList<Expr> out = new java.util.ArrayList<>(factors(b.left()));
      out.addAll(factors(b.right()));
      return out;
    }
    return List.of(e);
  }

  /** Number of times {@code tensor} is read inside {@code e}. */
  static long readsOf(Expr e, String tensor) {
    return dev.tessera.ir.Exprs.reads(e).stream().filter(r -> r.tensor().equals(tensor)).count();
  }

  static boolean sameNames(List<IndexVar> a, List<IndexVar> b) {
    return a.stream().map(IndexVar::name).toList().equals(b.stream().map(IndexVar::name).toList());
  }

  static Op.Contract asContract(Op op) {
    return op instanceof Op.Contract c ? c : null;
  }
}
