package dev.tessera.passes;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;
import dev.tessera.ir.ReduceKind;
import java.util.List;
import java.util.Set;

/**
 * Finds the recurrent (linear attention) template: a scan with one state updated as
 * {@code S = decay * S + k * v} and read out by {@code O = sum[d] q * S}. The decay is classified
 * as absent, one scalar per step, or one value per key channel {@code d} (gated linear attention).
 */
final class RecogniseRecurrence extends KernelPass {
  @Override
  public String name() {
    return "recognise-recurrence";
  }

  @Override
  public String summary() {
    return "turn linear-attention scans into recurrent templates, classifying their decay";
  }

  @Override
  Kernel run(Module module, Kernel k) {
    return k.withOps(k.ops().stream().map(op -> op instanceof Op.Scan s ? recognise(s) : op).toList());
  }

  private static Op recognise(Op.Scan s) {
    if (s.states().size() != 1 || s.body().size() != 1 || !(s.body().get(0) instanceof Op.Contract out)) return s;
    Op.StateDef st = s.states().get(0);
    if (out.kind() != ReduceKind.SUM || out.reduce().size() != 1 || Uses.factors(out.body()).size() != 2) return s;
    if (Uses.readsOf(out.body(), st.name()) != 1) return s;
    if (!(st.update() instanceof Expr.Binary add) || add.op() != Expr.BinOp.ADD) return s;
    for (int side = 0; side < 2; side++) {
      Expr carried = side == 0 ? add.left() : add.right();
      Expr fresh = side == 0 ? add.right() : add.left();
      Expr decay = decayOf(carried, st);
      if (decay == null || Uses.readsOf(fresh, st.name()) != 0 || Uses.readsOf(decay, st.name()) != 0) continue;
      List<Expr> kv = Uses.factors(fresh);
      if (kv.size() != 2 || !kv.stream().allMatch(e -> e instanceof Expr.Read)) continue;
      Op.DecayKind kind = classify(decay, st, out.reduce().get(0).name());
      if (kind != null) return new Op.RecurrentAttention(kind, decay, s);
    }
    return s;
  }

  /** For {@code decay * S[...]} returns decay; for a bare {@code S[...]} returns 1; otherwise null. */
  private static Expr decayOf(Expr carried, Op.StateDef st) {
    if (Uses.isIdentityRead(carried, st.name(), st.indices())) return Expr.Const.of(1);
    if (!(carried instanceof Expr.Binary mul) || mul.op() != Expr.BinOp.MUL) return null;
    if (Uses.isIdentityRead(mul.right(), st.name(), st.indices())) return mul.left();
    if (Uses.isIdentityRead(mul.left(), st.name(), st.indices())) return mul.right();
    return null;
  }

  private static Op.DecayKind classify(Expr decay, Op.StateDef st, String keyChannel) {
    if (decay instanceof Expr.Const c && c.value() == 1) return Op.DecayKind.NONE;
    Set<String> stateIdx = new java.util.HashSet<>(st.indices().stream().map(i -> i.name()).toList());
    List<String> used = Exprs.indices(decay).stream().filter(stateIdx::contains).toList();
    List<String> batch = st.indices().subList(0, Math.max(0, st.indices().size() - 2)).stream().map(i -> i.name()).toList();
    List<String> channel = used.stream().filter(u -> !batch.contains(u)).toList();
    if (channel.isEmpty()) return Op.DecayKind.SCALAR;
    if (channel.equals(List.of(keyChannel))) return Op.DecayKind.PER_CHANNEL;
    return null;
  }
}
