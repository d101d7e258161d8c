package dev.tessera.ir;

import dev.tessera.ir.Op.Compute;
import dev.tessera.ir.Op.Contract;
import dev.tessera.ir.Op.Einsum;
import dev.tessera.ir.Op.Normalize;
import dev.tessera.ir.Op.ParallelAttention;
import dev.tessera.ir.Op.RecurrentAttention;
import dev.tessera.ir.Op.Scan;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Structural helpers over ops: rewriting every expression, and listing what an op reads. */
public final class Ops {
  private Ops() {}

  /** Applies {@code f} to every top-level expression of the op (bodies, masks, inputs, decays). */
  public static Op mapExprs(Op op, UnaryOperator<Expr> f) {
    return switch (op) {
      case Compute c -> compute(c, f);
      case Contract c -> contract(c, f);
      case Normalize n -> normalize(n, f);
      case Scan s -> scan(s, f);
      case ParallelAttention a -> new ParallelAttention(contract(a.score(), f),
          a.modifiers().stream().map(m -> compute(m, f)).toList(), a.normalize().map(n -> normalize(n, f)),
          contract(a.aggregate(), f), a.passes());
      case RecurrentAttention r -> new RecurrentAttention(r.decayKind(), f.apply(r.decay()), scan(r.scan(), f));
      case Einsum e -> new Einsum(contract(e.contraction(), f));
    };
  }

  private static Compute compute(Compute c, UnaryOperator<Expr> f) {
    return new Compute(c.out(), c.indices(), f.apply(c.body()), c.mask().map(f));
  }

  private static Contract contract(Contract c, UnaryOperator<Expr> f) {
    return new Contract(c.out(), c.indices(), c.kind(), c.reduce(), f.apply(c.body()));
  }

  private static Normalize normalize(Normalize n, UnaryOperator<Expr> f) {
    return new Normalize(n.out(), n.indices(), n.axis(), n.normalizer(), f.apply(n.input()), n.mask().map(f));
  }

  private static Scan scan(Scan s, UnaryOperator<Expr> f) {
    List<Op.StateDef> states = s.states().stream()
        .map(st -> new Op.StateDef(st.name(), st.indices(), f.apply(st.init()), f.apply(st.update()))).toList();
    return new Scan(s.step(), states, s.body().stream().map(b -> mapExprs(b, f)).toList());
  }

  /** Every expression the op evaluates (without descending into nested ops). */
  public static List<Expr> exprs(Op op) {
    List<Expr> out = new ArrayList<>();
    mapExprs(op, e -> {
      out.add(e);
      return e;
    });
    return out;
  }

  /** Names of the tensors the op (including nested ops) reads. */
  public static List<String> reads(Op op) {
    List<String> out = new ArrayList<>();
    for (Expr e : exprs(op)) for (String t : Exprs.tensorsRead(e)) if (!out.contains(t)) out.add(t);
    return out;
  }
}
