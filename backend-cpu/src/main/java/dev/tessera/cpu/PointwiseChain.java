package dev.tessera.cpu;

import dev.tessera.cpu.kernels.Elementwise;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a template's score modifiers into row passes when each is a function of the score alone
 * (no mask, no index, no other tensor): arithmetic passes that C2 vectorises (one array, one index)
 * and whole-row transcendental functions through {@link Elementwise}. Softcap becomes
 * {@code v / 30}, {@code tanh}, {@code 30 * v}; sigmoid attention {@code v - log(N)}, {@code sigmoid}.
 */
final class PointwiseChain {
  /** The score value inside a pass: a read of this pseudo-tensor. */
  static final String VALUE = "\u00b7value";

  /** One pass over a row. */
  sealed interface Pass {}

  /** s = expr(s), with {@link #VALUE} standing for s. */
  record Arith(Expr expr) implements Pass {}

  /** s = f(s) for an {@link Elementwise} function. */
  record Fn(int fn) implements Pass {}

  private PointwiseChain() {}

  /** The passes for the modifiers after the first {@code skip}, or null when they are not all pointwise. */
  static List<Pass> of(Op.ParallelAttention a, int skip) {
    List<String> temps = new ArrayList<>(List.of(a.score().out()));
    a.modifiers().forEach(m -> temps.add(m.out()));
    List<Pass> passes = new ArrayList<>();
    for (Op.Compute m : a.modifiers().subList(skip, a.modifiers().size())) {
      if (m.mask().isPresent()) return null;
      List<Pass> p = decompose(asValue(m.body(), Set.copyOf(temps)));
      if (p == null) return null;
      passes.addAll(p);
    }
    if (a.normalize().isPresent()) {
      Expr in = asValue(a.normalize().get().input(), Set.copyOf(temps));
      if (!(in instanceof Expr.Read r && r.tensor().equals(VALUE))) return null;
    }
    return passes;
  }

  /** Replaces reads of the template's temporaries with the value; null if anything else varies per element. */
  private static Expr asValue(Expr e, Set<String> temps) {
    Expr v = Exprs.rewrite(e, x -> x instanceof Expr.Read r && temps.contains(r.tensor()) ? new Expr.Read(VALUE, List.of()) : x);
    boolean pointwise = Exprs.nodes(v).stream().noneMatch(n -> n instanceof Expr.Index
        || n instanceof Expr.Read r && !r.tensor().equals(VALUE));
    return pointwise ? v : null;
  }

  private static boolean hasValue(Expr e) {
    return Exprs.tensorsRead(e).contains(VALUE);
  }

  private static int fn(Expr e) {
    if (!(e instanceof Expr.Call c)) return -1;
    return switch (c.fn()) {
      case EXP -> Elementwise.EXP;
      case TANH -> Elementwise.TANH;
      case SIGMOID -> Elementwise.SIGMOID;
      case LOG -> Elementwise.LOG;
      default -> -1;
    };
  }

  private static boolean transcendental(Expr e) {
    return Exprs.nodes(e).stream().anyMatch(n -> fn(n) >= 0 && hasValue(n));
  }

  private static List<Pass> decompose(Expr e) {
    if (e == null) return null;
    if (!transcendental(e)) return List.of(new Arith(e));
    Expr value = new Expr.Read(VALUE, List.of());
    List<Pass> inner;
    Pass outer;
    switch (e) {
      case Expr.Call c when fn(c) >= 0 -> {
        inner = decompose(c.args().get(0));
        outer = new Fn(fn(c));
      }
      case Expr.Binary b when hasValue(b.left()) && !hasValue(b.right()) -> {
        inner = decompose(b.left());
        outer = new Arith(new Expr.Binary(b.op(), value, b.right()));
      }
      case Expr.Binary b when hasValue(b.right()) && !hasValue(b.left()) -> {
        inner = decompose(b.right());
        outer = new Arith(new Expr.Binary(b.op(), b.left(), value));
      }
      case Expr.Unary u -> {
        inner = decompose(u.operand());
        outer = new Arith(new Expr.Unary(u.op(), value));
      }
      default -> {
        return null;
      }
    }
    if (inner == null) return null;
    List<Pass> out = new ArrayList<>(inner);
    out.add(outer);
    return out;
  }
}
