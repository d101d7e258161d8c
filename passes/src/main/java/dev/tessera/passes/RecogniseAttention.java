package dev.tessera.passes;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;
import dev.tessera.ir.ReduceKind;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.IndexVar;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Finds the parallel attention template: a score contraction {@code S = sum[d] q * k}, a chain of
 * elementwise score modifiers (with masks), at most one normalizer along the key index, and an
 * aggregation {@code O = sum[n] P * v}. Each intermediate must be a temporary read only by the
 * next link, at the same indices, so that fusing never changes what another op sees.
 */
final class RecogniseAttention extends KernelPass {
  @Override
  public String name() {
    return "recognise-attention";
  }

  @Override
  public String summary() {
    return "group score, modifiers, mask, normalizer and aggregation into parallel attention templates";
  }

  @Override
  Kernel run(Module module, Kernel k) {
    List<Op> ops = new ArrayList<>(k.ops());
    for (int i = 0; i < ops.size(); i++) {
      Op.Contract agg = Uses.asContract(ops.get(i));
      if (agg == null) continue;
      Optional<Match> m = match(k.withOps(ops), ops, i, agg);
      if (m.isEmpty()) continue;
      ops.removeAll(m.get().consumed());
      int at = ops.indexOf(agg);
      ops.set(at, m.get().template());
      i = at;
    }
    return k.withOps(ops);
  }

  private record Match(Op.ParallelAttention template, List<Op> consumed) {}

  private Optional<Match> match(Kernel k, List<Op> ops, int aggAt, Op.Contract agg) {
    if (agg.kind() != ReduceKind.SUM || agg.reduce().size() != 1) return Optional.empty();
    String key = agg.reduce().get(0).name();
    List<Expr> fs = Uses.factors(agg.body());
    if (fs.size() != 2) return Optional.empty();
    for (int side = 0; side < 2; side++) {
      if (!(fs.get(side) instanceof Expr.Read pr) || !Uses.isTemp(k, pr.tensor())) continue;
      Optional<Match> m = chain(k, ops, aggAt, agg, pr, key);
      if (m.isPresent()) return m;
    }
    return Optional.empty();
  }

  /** Walks back from the aggregation's weight tensor to a score contraction. */
  private Optional<Match> chain(Kernel k, List<Op> ops, int aggAt, Op.Contract agg, Expr.Read weights, String key) {
    int keyPos = -1;
    for (int i = 0; i < weights.indices().size(); i++) {
      if (!(weights.indices().get(i) instanceof Expr.Index x)) return Optional.empty();
      if (x.name().equals(key)) keyPos = i;
    }
    if (keyPos < 0) return Optional.empty();
    List<Op.Compute> mods = new ArrayList<>();
    Op.Normalize norm = null;
    List<Op> consumed = new ArrayList<>();
    String current = weights.tensor();
    List<IndexVar> space = null;
    for (int j = aggAt - 1; j >= 0 && current != null; j--) {
      Op op = ops.get(j);
      if (!op.outputs().contains(current)) continue;
      if (Uses.readers(k, current) != 1) return Optional.empty();
      List<IndexVar> vars;
      switch (op) {
        case Op.Contract score -> {
          boolean ok = score.kind() == ReduceKind.SUM && Uses.factors(score.body()).size() >= 2 && space != null
              && Uses.sameNames(score.indices(), space);
          if (!ok) return Optional.empty();
          consumed.add(score);
          Collections.reverse(mods);
          return Optional.of(new Match(new Op.ParallelAttention(score, mods, Optional.ofNullable(norm), agg, 0), consumed));
        }
        case Op.Normalize n -> {
          if (norm != null || !n.indices().get(keyPos).name().equals(n.axis())) return Optional.empty();
          norm = n;
          vars = n.indices();
          current = previous(k, n.input(), vars);
        }
        case Op.Compute c -> {
          mods.add(c);
          vars = c.indices();
          current = previous(k, c.body(), vars);
        }
        default -> {
          return Optional.empty();
        }
      }
      if (space != null && !Uses.sameNames(vars, space)) return Optional.empty();
      space = vars;
      consumed.add(op);
    }
    return Optional.empty();
  }

  /** The one temporary a link reads, provided every read of it is at the link's own indices; else null. */
  private static String previous(Kernel k, Expr body, List<IndexVar> vars) {
    List<String> temps = Exprs.reads(body).stream().map(Expr.Read::tensor).filter(t -> Uses.isTemp(k, t)).distinct().toList();
    if (temps.size() != 1) return null;
    String t = temps.get(0);
    boolean identity = Exprs.reads(body).stream().filter(r -> r.tensor().equals(t)).allMatch(r -> Uses.isIdentityRead(r, t, vars));
    return identity ? t : null;
  }
}
