package dev.tessera.cpu;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Semantics;
import java.util.Map;

/**
 * Interval arithmetic over expressions: the range a mask or subscript takes over a tile's box of
 * index values. A mask whose range is {@code [1, 1]} holds on the whole tile (its code can be
 * skipped), {@code [0, 0]} on none (the tile can be skipped). Reads of inputs over a small box scan
 * the actual values, which makes block masks exact; everything else unknown is (-inf, inf).
 */
final class IntervalEval {
  /** A closed interval; conditions are subsets of [0, 1]. */
  record Iv(double lo, double hi) {
    static final Iv UNKNOWN = new Iv(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    static final Iv TRUE = new Iv(1, 1);
    static final Iv FALSE = new Iv(0, 0);
    static final Iv MAYBE = new Iv(0, 1);

    static Iv point(double v) {
      return new Iv(v, v);
    }

    boolean isPoint() {
      return lo == hi;
    }
  }

  private static final int SCAN_LIMIT = 256;

  private final Map<String, Long> dims;
  private final float[][] t;
  private final int[][] st;
  private final Slots slots;
  private final java.util.Set<String> inputs;

  IntervalEval(Map<String, Long> dims, float[][] t, int[][] st, Slots slots, java.util.Set<String> inputs) {
    this.dims = dims;
    this.t = t;
    this.st = st;
    this.slots = slots;
    this.inputs = inputs;
  }

  Iv eval(Expr e, Map<String, Iv> idx) {
    return switch (e) {
      case Expr.Const c -> Iv.point(c.value());
      case Expr.Index i -> idx.getOrDefault(i.name(), Iv.UNKNOWN);
      case Expr.Dim d -> Iv.point(dims.get(d.name()));
      case Expr.Unary u -> {
        Iv a = eval(u.operand(), idx);
        yield u.op() == Expr.UnOp.NEG ? new Iv(-a.hi(), -a.lo()) : new Iv(1 - a.hi(), 1 - a.lo());
      }
      case Expr.Binary b -> binary(b.op(), eval(b.left(), idx), eval(b.right(), idx));
      case Expr.Call c -> call(c, idx);
      case Expr.Read r -> read(r, idx);
      default -> Iv.UNKNOWN;
    };
  }

  /** The value of an expression at a point (all indices bound to single values). */
  int point(Expr e, Map<String, Iv> idx) {
    Iv v = eval(e, idx);
    if (!v.isPoint()) throw new IllegalStateException("not a point: " + e);
    return (int) v.lo();
  }

  private static Iv binary(Expr.BinOp op, Iv a, Iv b) {
    if (a.isPoint() && b.isPoint()) {
      try {
        return Iv.point(Semantics.binary(op, a.lo(), b.lo()));
      } catch (Semantics.DivisionByZero z) {
        return Iv.UNKNOWN;
      }
    }
    return switch (op) {
      case ADD -> new Iv(a.lo() + b.lo(), a.hi() + b.hi());
      case SUB -> new Iv(a.lo() - b.hi(), a.hi() - b.lo());
      case MUL -> hull(a.lo() * b.lo(), a.lo() * b.hi(), a.hi() * b.lo(), a.hi() * b.hi());
      case IDIV -> b.isPoint() && b.lo() > 0 ? new Iv(Math.floor(a.lo() / b.lo()), Math.floor(a.hi() / b.lo())) : Iv.UNKNOWN;
      case DIV -> b.isPoint() && b.lo() > 0 ? new Iv(a.lo() / b.lo(), a.hi() / b.lo()) : Iv.UNKNOWN;
      case MOD -> b.isPoint() && b.lo() > 0 ? new Iv(0, b.lo() - 1) : Iv.UNKNOWN;
      case LT -> a.hi() < b.lo() ? Iv.TRUE : a.lo() >= b.hi() ? Iv.FALSE : Iv.MAYBE;
      case LE -> a.hi() <= b.lo() ? Iv.TRUE : a.lo() > b.hi() ? Iv.FALSE : Iv.MAYBE;
      case GT -> a.lo() > b.hi() ? Iv.TRUE : a.hi() <= b.lo() ? Iv.FALSE : Iv.MAYBE;
      case GE -> a.lo() >= b.hi() ? Iv.TRUE : a.hi() < b.lo() ? Iv.FALSE : Iv.MAYBE;
      case EQ -> a.hi() < b.lo() || b.hi() < a.lo() ? Iv.FALSE : Iv.MAYBE;
      case NE -> a.hi() < b.lo() || b.hi() < a.lo() ? Iv.TRUE : Iv.MAYBE;
      case AND -> new Iv(Math.min(a.lo(), b.lo()), Math.min(a.hi(), b.hi()));
      case OR -> new Iv(Math.max(a.lo(), b.lo()), Math.max(a.hi(), b.hi()));
    };
  }

  private static Iv hull(double... vs) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : vs) {
      if (Double.isNaN(v)) return Iv.UNKNOWN;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return new Iv(lo, hi);
  }

  private Iv call(Expr.Call c, Map<String, Iv> idx) {
    if (c.fn() == Expr.Fn.SELECT) {
      Iv cond = eval(c.args().get(0), idx);
      Iv a = eval(c.args().get(1), idx);
      Iv b = eval(c.args().get(2), idx);
      if (cond.lo() == 1) return a;
      if (cond.hi() == 0) return b;
      return new Iv(Math.min(a.lo(), b.lo()), Math.max(a.hi(), b.hi()));
    }
    Iv a = eval(c.args().get(0), idx);
    Iv b = c.args().size() > 1 ? eval(c.args().get(1), idx) : Iv.point(0);
    if (a.isPoint() && b.isPoint()) {
      try {
        return Iv.point(Semantics.call(c.fn(), a.lo(), b.lo()));
      } catch (Semantics.DivisionByZero z) {
        return Iv.UNKNOWN;
      }
    }
    return switch (c.fn()) {
      case EXP, EXP2, LOG, TANH, SIGMOID, RELU, SQRT, FLOOR ->
          new Iv(Semantics.call(c.fn(), a.lo(), 0), Semantics.call(c.fn(), a.hi(), 0));
      case MIN -> new Iv(Math.min(a.lo(), b.lo()), Math.min(a.hi(), b.hi()));
      case MAX -> new Iv(Math.max(a.lo(), b.lo()), Math.max(a.hi(), b.hi()));
      case CDIV -> b.isPoint() && b.lo() > 0 ? new Iv(Math.ceil(a.lo() / b.lo()), Math.ceil(a.hi() / b.lo())) : Iv.UNKNOWN;
      default -> Iv.UNKNOWN;
    };
  }

  private Iv read(Expr.Read r, Map<String, Iv> idx) {
    if (!inputs.contains(r.tensor())) return Iv.UNKNOWN;
    int slot = slots.tensor(r.tensor());
    int rank = r.indices().size();
    int[] lo = new int[rank];
    int[] hi = new int[rank];
    long count = 1;
    for (int i = 0; i < rank; i++) {
      Iv s = eval(r.indices().get(i), idx);
      if (Double.isInfinite(s.lo()) || Double.isInfinite(s.hi())) return Iv.UNKNOWN;
      lo[i] = (int) Math.max(0, s.lo());
      int extent = i == 0 ? t[slot].length / Math.max(1, st[slot][0]) : st[slot][i - 1] / st[slot][i];
      hi[i] = (int) Math.min(extent - 1, s.hi());
      if (hi[i] < lo[i]) return Iv.UNKNOWN;
      count *= hi[i] - lo[i] + 1;
    }
    if (count > SCAN_LIMIT) return Iv.UNKNOWN;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int[] at = lo.clone();
    while (true) {
      int off = 0;
      for (int i = 0; i < rank; i++) off += at[i] * st[slot][i];
      min = Math.min(min, t[slot][off]);
      max = Math.max(max, t[slot][off]);
      int i = rank - 1;
      while (i >= 0) {
        if (++at[i] <= hi[i]) break;
        at[i] = lo[i];
        i--;
      }
      if (i < 0) break;
    }
    return new Iv(min, max);
  }
}
