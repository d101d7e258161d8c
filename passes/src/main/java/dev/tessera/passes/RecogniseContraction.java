package dev.tessera.passes;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;
import dev.tessera.ir.ReduceKind;
import java.util.List;

/** Marks the remaining sums of products of tensor reads as contraction (einsum) templates. */
final class RecogniseContraction extends KernelPass {
  @Override
  public String name() {
    return "recognise-contraction";
  }

  @Override
  public String summary() {
    return "mark sums of products of reads (GEMM, GEMV, batched einsums) as contraction templates";
  }

  @Override
  Kernel run(Module module, Kernel k) {
    return k.withOps(k.ops().stream().map(op -> op instanceof Op.Contract c && isEinsum(c) ? new Op.Einsum(c) : op).toList());
  }

  static boolean isEinsum(Op.Contract c) {
    if (c.kind() != ReduceKind.SUM) return false;
    List<Expr> fs = Uses.factors(c.body());
    long reads = fs.stream().filter(f -> f instanceof Expr.Read).count();
    return reads >= 2 && fs.stream().allMatch(f -> f instanceof Expr.Read || dev.tessera.ir.Exprs.tensorsRead(f).isEmpty()
        && dev.tessera.ir.Exprs.indices(f).isEmpty());
  }
}
