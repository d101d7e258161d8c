package dev.tessera.mesh;

import dev.tessera.ir.Expr;
import dev.tessera.mesh.Instr.VecOp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An element-wise map {@code out = f(in₁, in₂, …)} over {@code total} elements, split into equal
 * contiguous chunks over a p×p grid and lowered to vector instructions (no communication). The
 * expression may use + − × ÷, negation, constants and dimensions, exp, max, relu, tanh, sigmoid
 * and silu (relu(x) = max(x, 0), tanh(x) = 1 − 2 / (exp(2x) + 1), sigmoid(x) = 1 / (1 + exp(−x)),
 * silu(x) = x · sigmoid(x)).
 */
public final class ElementwiseKernels {
  private ElementwiseKernels() {}

  /** The expression uses something the instruction set cannot express. */
  public static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }

  /** {@code inputs} name the tensors the body reads (each read at the output's own indices). */
  public static MeshKernel build(int p, int total, Expr body, List<String> inputs, Map<String, Long> dims) throws Unsupported {
    int chunk = GemmKernels.ceil(total, p * p);
    Code c = new Code("map");
    Map<String, String> buffers = new LinkedHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      c.buf("in" + i, chunk);
      buffers.put(inputs.get(i), "in" + i);
    }
    Lowering l = new Lowering(c, chunk, buffers, dims, "t");
    String result = l.lower(body);
    c.buf("out", chunk).copy("out", result, chunk);
    l.declareTemps();
    Program prog = c.build();
    MeshProgram mp = new MeshProgram(p, p, "", List.of(prog), List.of(new MeshProgram.Assign(CoreSet.rect(0, p - 1, 0, p - 1), "map")), List.of());
    List<Tile> loads = new ArrayList<>();
    List<Tile> stores = new ArrayList<>();
    for (int y = 0; y < p; y++) {
      for (int x = 0; x < p; x++) {
        int off = (y * p + x) * chunk;
        for (int i = 0; i < inputs.size(); i++) loads.add(new Tile(x, y, "in" + i, inputs.get(i), 0, off, 1, chunk, false));
        stores.add(new Tile(x, y, "out", "out", 0, off, 1, chunk, false));
      }
    }
    return new MeshKernel(mp, loads, stores, new MeshKernel.Shape("map", p, 1, 1, chunk, false));
  }

  /**
   * Lowers an element-wise expression to vector instructions on {@code n} words, reading each tensor
   * from its buffer. Intermediate values live in temporaries named {@code prefix0, prefix1, …}, reused
   * once consumed (operations write into an operand's temporary), so a core holds about as many as
   * the expression is deep.
   */
  static final class Lowering {
    private final Code c;
    private final int n;
    private final Map<String, String> buffers;
    private final Map<String, Long> dims;
    private final String prefix;
    private final Deque<String> free = new ArrayDeque<>();
    private int temps;

    Lowering(Code c, int n, Map<String, String> buffers, Map<String, Long> dims, String prefix) {
      this(c, n, buffers, dims, prefix, null);
    }

    /** A lowering into the same program as {@code previous}, reusing its temporaries (all free again). */
    Lowering(Code c, int n, Map<String, String> buffers, Map<String, Long> dims, String prefix, Lowering previous) {
      this.c = c;
      this.n = n;
      this.buffers = buffers;
      this.dims = dims;
      this.prefix = prefix;
      if (previous != null) {
        temps = previous.temps;
        for (int t = temps - 1; t >= 0; t--) free.push(prefix + t);
      }
    }

    /** Every temporary is free again (the value lowered last has been copied out). */
    void releaseAll() {
      free.clear();
      for (int t = temps - 1; t >= 0; t--) free.push(prefix + t);
    }

    /** Declares the temporaries used so far as buffers of the program. */
    void declareTemps() {
      for (int t = 0; t < temps; t++) c.buf(prefix + t, n);
    }

    private boolean isTemp(String b) {
      return b.startsWith(prefix) && b.substring(prefix.length()).chars().allMatch(Character::isDigit) && !buffers.containsValue(b);
    }

    private String temp() {
      return free.isEmpty() ? prefix + temps++ : free.pop();
    }

    private void release(String b) {
      if (isTemp(b) && !free.contains(b)) free.push(b);
    }

    private String vec(VecOp op, String a, String b) {
      String t = isTemp(a) ? a : isTemp(b) ? b : temp();
      c.add(new Instr.Vec(op, Code.r(t), Code.r(a), Code.r(b), n));
      if (!a.equals(t)) release(a);
      if (!b.equals(t)) release(b);
      return t;
    }

    private String constant(double v) {
      String t = temp();
      c.add(new Instr.Fill(Code.r(t), v, n));
      return t;
    }

    /** {@code x · v} by one scale instruction (after a copy when x is not a temporary). */
    private String scaled(String x, double v) {
      String t = isTemp(x) ? x : temp();
      if (!t.equals(x)) c.copy(t, x, n);
      c.add(new Instr.Scale(Code.r(t), v, n));
      return t;
    }

    private String sigmoid(String x) {
      String neg = scaled(x, -1);
      return vec(VecOp.DIV, constant(1), vec(VecOp.ADD, constant(1), vec(VecOp.EXP, neg, neg)));
    }

    /** tanh(x) = 1 − 2 / (exp(2x) + 1): exact at both ends (exp overflowing to ∞ gives 1). */
    private String tanh(String x) {
      String e = scaled(x, 2);
      e = vec(VecOp.EXP, e, e);
      return vec(VecOp.SUB, constant(1), vec(VecOp.DIV, constant(2), vec(VecOp.ADD, e, constant(1))));
    }

    String lower(Expr e) throws Unsupported {
      if (ScalarEval.isConstant(e)) return constant(ScalarEval.eval(e, dims, Map.of()));
      return switch (e) {
        case Expr.Read r when buffers.containsKey(r.tensor()) -> buffers.get(r.tensor());
        case Expr.Unary u when u.op() == Expr.UnOp.NEG -> scaled(lower(u.operand()), -1);
        case Expr.Binary b when b.op() == Expr.BinOp.MUL && ScalarEval.isConstant(b.left()) ->
            scaled(lower(b.right()), ScalarEval.eval(b.left(), dims, Map.of()));
        case Expr.Binary b when b.op() == Expr.BinOp.MUL && ScalarEval.isConstant(b.right()) ->
            scaled(lower(b.left()), ScalarEval.eval(b.right(), dims, Map.of()));
        case Expr.Binary b when b.op() == Expr.BinOp.DIV && ScalarEval.isConstant(b.right()) ->
            scaled(lower(b.left()), 1 / ScalarEval.eval(b.right(), dims, Map.of()));
        case Expr.Binary b when b.op() == Expr.BinOp.ADD -> vec(VecOp.ADD, lower(b.left()), lower(b.right()));
        case Expr.Binary b when b.op() == Expr.BinOp.SUB -> vec(VecOp.SUB, lower(b.left()), lower(b.right()));
        case Expr.Binary b when b.op() == Expr.BinOp.MUL -> vec(VecOp.MUL, lower(b.left()), lower(b.right()));
        case Expr.Binary b when b.op() == Expr.BinOp.DIV -> vec(VecOp.DIV, lower(b.left()), lower(b.right()));
        case Expr.Call f when f.fn() == Expr.Fn.EXP -> {
          String a = lower(f.args().get(0));
          yield vec(VecOp.EXP, a, a);
        }
        case Expr.Call f when f.fn() == Expr.Fn.MAX -> vec(VecOp.MAX, lower(f.args().get(0)), lower(f.args().get(1)));
        case Expr.Call f when f.fn() == Expr.Fn.RELU -> vec(VecOp.MAX, lower(f.args().get(0)), constant(0));
        case Expr.Call f when f.fn() == Expr.Fn.TANH -> tanh(lower(f.args().get(0)));
        case Expr.Call f when f.fn() == Expr.Fn.SIGMOID -> sigmoid(lower(f.args().get(0)));
        case Expr.Call f when f.fn() == Expr.Fn.SILU -> {
          String x = lower(f.args().get(0));
          String copy = temp();
          c.copy(copy, x, n);
          yield vec(VecOp.MUL, x, sigmoid(copy));
        }
        default -> throw new Unsupported("the mesh instruction set has no lowering for '" + e + "'");
      };
    }
  }
}
