package dev.tessera.runtime;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Semantics;
import java.util.List;
import java.util.Map;

/**
 * Compiles an IR expression into a tree of closures over an environment of index values, so the
 * reference interpreter pays for name lookups once per op rather than once per element.
 */
final class ExprCompiler {
  /** A compiled expression: reads index values from {@code env}. */
  interface Ev {
    double eval(int[] env);
  }

  /** Raised when a read falls outside its tensor; the interpreter turns it into a diagnostic. */
  static final class OutOfBounds extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String tensor;
    final int axis;
    final long value;
    final int extent;

    OutOfBounds(String tensor, int axis, long value, int extent) {
      super(null, null, false, false);
      this.tensor = tensor;
      this.axis = axis;
      this.value = value;
      this.extent = extent;
    }
  }

  private final Map<String, Integer> slots;
  private final Map<String, Long> dims;
  private final Map<String, DenseTensor> tensors;

  ExprCompiler(Map<String, Integer> slots, Map<String, Long> dims, Map<String, DenseTensor> tensors) {
    this.slots = slots;
    this.dims = dims;
    this.tensors = tensors;
  }

  Ev compile(Expr e) {
    return switch (e) {
      case Expr.Const c -> {
        double v = c.value();
        yield env -> v;
      }
      case Expr.Index i -> {
        int s = slot(i.name());
        yield env -> env[s];
      }
      case Expr.Dim d -> {
        double v = dims.get(d.name());
        yield env -> v;
      }
      case Expr.Read r -> read(r);
      case Expr.Unary u -> {
        Ev a = compile(u.operand());
        Expr.UnOp op = u.op();
        yield env -> Semantics.unary(op, a.eval(env));
      }
      case Expr.Binary b -> binary(b);
      case Expr.Call c -> call(c);
      case Expr.Var v -> throw new IllegalArgumentException("normalizer variable outside a normalizer");
      case Expr.Field f -> throw new IllegalArgumentException("normalizer field outside a normalizer");
      case Expr.RowReduce r -> throw new IllegalArgumentException("row reduction outside a normalizer");
    };
  }

  private int slot(String name) {
    Integer s = slots.get(name);
    if (s == null) throw new IllegalStateException("index " + name + " has no slot");
    return s;
  }

  private Ev binary(Expr.Binary b) {
    Ev l = compile(b.left());
    Ev r = compile(b.right());
    return switch (b.op()) {
      case ADD -> env -> l.eval(env) + r.eval(env);
      case SUB -> env -> l.eval(env) - r.eval(env);
      case MUL -> env -> l.eval(env) * r.eval(env);
      case AND -> env -> l.eval(env) != 0 && r.eval(env) != 0 ? 1 : 0;
      case OR -> env -> l.eval(env) != 0 || r.eval(env) != 0 ? 1 : 0;
      default -> {
        Expr.BinOp op = b.op();
        yield env -> Semantics.binary(op, l.eval(env), r.eval(env));
      }
    };
  }

  private Ev call(Expr.Call c) {
    List<Ev> args = c.args().stream().map(this::compile).toList();
    Expr.Fn fn = c.fn();
    if (fn == Expr.Fn.SELECT) {
      Ev cond = args.get(0);
      Ev a = args.get(1);
      Ev b = args.get(2);
      return env -> cond.eval(env) != 0 ? a.eval(env) : b.eval(env);
    }
    Ev a = args.get(0);
    if (args.size() == 1) return env -> Semantics.call(fn, a.eval(env), 0);
    Ev b = args.get(1);
    return env -> Semantics.call(fn, a.eval(env), b.eval(env));
  }

  private Ev read(Expr.Read r) {
    DenseTensor t = tensors.get(r.tensor());
    if (t == null) throw new IllegalStateException("tensor " + r.tensor() + " is not allocated");
    double[] data = t.data();
    int rank = t.rank();
    Ev[] idx = new Ev[rank];
    int[] strides = new int[rank];
    int[] extents = new int[rank];
    for (int i = 0; i < rank; i++) {
      idx[i] = compile(r.indices().get(i));
      strides[i] = t.stride(i);
      extents[i] = t.extent(i);
    }
    String name = r.tensor();
    return env -> {
      int off = 0;
      for (int i = 0; i < rank; i++) {
        double v = idx[i].eval(env);
        if (v < 0 || v >= extents[i]) throw new OutOfBounds(name, i, (long) v, extents[i]);
        off += (int) v * strides[i];
      }
      return data[off];
    };
  }
}
