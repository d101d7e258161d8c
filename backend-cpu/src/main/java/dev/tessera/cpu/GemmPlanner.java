package dev.tessera.cpu;

import dev.tessera.ir.Expr;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Op;
import dev.tessera.ir.ReduceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recognises contractions that are (batched) matrix products and plans them onto the micro-kernels.
 *
 * <p>The contraction must be a sum over one index {@code k} of a product of two plain reads whose
 * subscripts are distinct index variables. Each output index appears in A, in B, or in both (a batch
 * index). The output's last index {@code n} comes from B; A supplies at most one more index {@code m};
 * k must be A's last subscript (the micro-kernels read rows of A along k); B ends in n ({@code A·B})
 * or in k ({@code A·Bᵀ}). Anything else — a transposed A, a broadcast, a scaled product — stays on the
 * generated loop nest, which handles every contraction.
 */
final class GemmPlanner {
  private GemmPlanner() {}

  static Optional<GemmSpec> plan(Op.Contract c, int blockM, int blockN) {
    if (c.kind() != ReduceKind.SUM || c.reduce().size() != 1 || c.indices().isEmpty()) return Optional.empty();
    if (!(c.body() instanceof Expr.Binary mul) || mul.op() != Expr.BinOp.MUL) return Optional.empty();
    Optional<List<String>> left = plainSubscripts(mul.left());
    Optional<List<String>> right = plainSubscripts(mul.right());
    if (left.isEmpty() || right.isEmpty()) return Optional.empty();
    String k = c.reduce().get(0).name();
    List<String> out = c.indices().stream().map(IndexVar::name).toList();
    String n = out.get(out.size() - 1);
    // B is the operand holding the output's last index and not (only) as a batch index.
    boolean leftHasN = left.get().contains(n);
    boolean rightHasN = right.get().contains(n);
    if (leftHasN == rightHasN) return Optional.empty();
    Expr.Read aRead = (Expr.Read) (leftHasN ? mul.right() : mul.left());
    Expr.Read bRead = (Expr.Read) (leftHasN ? mul.left() : mul.right());
    List<String> a = leftHasN ? right.get() : left.get();
    List<String> b = leftHasN ? left.get() : right.get();
    if (aRead.tensor().equals(c.out()) || bRead.tensor().equals(c.out())) return Optional.empty();
    if (!a.contains(k) || !b.contains(k) || !a.get(a.size() - 1).equals(k)) return Optional.empty();
    List<String> batch = new ArrayList<>();
    String m = null;
    for (String i : out.subList(0, out.size() - 1)) {
      boolean inA = a.contains(i);
      boolean inB = b.contains(i);
      if (inA && inB) {
        batch.add(i);
      } else if (inA && m == null) {
        m = i;
      } else {
        return Optional.empty();
      }
    }
    // Every subscript of A and B is an output index or k: nothing is summed implicitly.
    for (String i : a) if (!i.equals(k) && !out.contains(i)) return Optional.empty();
    for (String i : b) if (!i.equals(k) && !out.contains(i)) return Optional.empty();
    if (b.contains(m)) return Optional.empty();
    String bLast = b.get(b.size() - 1);
    boolean transposed;
    if (bLast.equals(n)) transposed = false;
    else if (bLast.equals(k)) transposed = true;
    else return Optional.empty();
    List<Expr> batchExtents = new ArrayList<>();
    for (String i : batch) batchExtents.add(extentOf(c.indices(), i));
    return Optional.of(new GemmSpec(aRead.tensor(), bRead.tensor(), c.out(), transposed, batchExtents,
        positions(batch, a), positions(batch, b), positions(batch, out), m == null ? -1 : a.indexOf(m),
        m == null ? -1 : out.indexOf(m), b.indexOf(n), b.indexOf(k),
        m == null ? dev.tessera.ir.Expr.Const.of(1) : extentOf(c.indices(), m), extentOf(c.indices(), n),
        c.reduce().get(0).extent(), blockM, blockN));
  }

  /** The subscripts of a read when every one is a distinct bare index variable. */
  private static Optional<List<String>> plainSubscripts(Expr e) {
    if (!(e instanceof Expr.Read r) || r.indices().isEmpty()) return Optional.empty();
    List<String> names = new ArrayList<>();
    for (Expr s : r.indices()) {
      if (!(s instanceof Expr.Index ix) || names.contains(ix.name())) return Optional.empty();
      names.add(ix.name());
    }
    return Optional.of(names);
  }

  private static int[] positions(List<String> batch, List<String> subs) {
    return batch.stream().mapToInt(subs::indexOf).toArray();
  }

  private static Expr extentOf(List<IndexVar> vars, String name) {
    return vars.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow().extent();
  }
}
