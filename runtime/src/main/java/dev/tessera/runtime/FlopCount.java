package dev.tessera.runtime;

import dev.tessera.ir.Extents;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Op;
import java.util.List;
import java.util.Map;

/**
 * Counts the floating-point work of a kernel the way attention papers do: a multiply-add in a
 * contraction is 2 FLOPs; elementwise ops count their arithmetic nodes once per element. Masked-out
 * work is counted too, so GFLOP/s figures compare like with like across implementations.
 */
public final class FlopCount {
  private FlopCount() {}

  public static double of(Kernel k, Map<String, Long> dims) {
    double total = 0;
    for (Op op : k.ops()) total += of(op, dims, 1);
    return total;
  }

  private static double of(Op op, Map<String, Long> dims, double repeat) {
    return switch (op) {
      case Op.Compute c -> repeat * points(c.indices(), dims) * arithmetic(c.body());
      case Op.Contract c -> repeat * points(c.indices(), dims) * points(c.reduce(), dims) * Math.max(2, arithmetic(c.body()) + 1);
      case Op.Normalize n -> repeat * points(n.indices(), dims) * 4;
      case Op.Scan s -> {
        double steps = Extents.eval(s.step().extent(), dims);
        double sum = 0;
        for (Op.StateDef st : s.states()) sum += steps * points(st.indices(), dims) * arithmetic(st.update());
        for (Op b : s.body()) sum += of(b, dims, 1);
        yield repeat * sum;
      }
      case Op.ParallelAttention a -> a.pieces().stream().mapToDouble(p -> of(p, dims, repeat)).sum();
      case Op.RecurrentAttention r -> of(r.scan(), dims, repeat);
      case Op.Einsum e -> of(e.contraction(), dims, repeat);
    };
  }

  private static double points(List<IndexVar> vars, Map<String, Long> dims) {
    double p = 1;
    for (IndexVar v : vars) p *= Extents.eval(v.extent(), dims);
    return p;
  }

  private static int arithmetic(Expr e) {
    int n = 0;
    for (Expr x : Exprs.nodes(e)) {
      if (x instanceof Expr.Binary b && !b.op().isComparison() && !(Exprs.indices(x).size() > 0 && Exprs.reads(x).isEmpty())) n++;
      if (x instanceof Expr.Call) n++;
    }
    return n;
  }
}
