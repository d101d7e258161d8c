package dev.tessera.mesh;

import dev.tessera.ir.Expr;
import dev.tessera.mesh.Instr.VecOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An element-wise map {@code out = f(in₁, in₂, …)} over {@code total} elements, split into equal
 * contiguous chunks over a p×p grid and lowered to vector instructions (no communication). The
 * expression may use + − × ÷, negation, constants and dimensions, exp, sigmoid and silu
 * (sigmoid(x) = 1 / (1 + exp(−x)), silu(x) = x · sigmoid(x)).
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
    for (int i = 0; i < inputs.size(); i++) c.buf("in" + i, chunk);
    Lowering l = new Lowering(c, chunk, inputs, dims);
    String result = l.lower(body);
    c.buf("out", chunk).copy("out", result, chunk);
    for (int t = 0; t < l.temps; t++) c.buf("t" + t, chunk);
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

  private static final class Lowering {
    private final Code c;
    private final int n;
    private final List<String> inputs;
    private final Map<String, Long> dims;
    int temps;

    Lowering(Code c, int n, List<String> inputs, Map<String, Long> dims) {
      this.c = c;
      this.n = n;
      this.inputs = inputs;
      this.dims = dims;
    }

    private String temp() {
      return "t" + temps++;
    }

    private String vec(VecOp op, String a, String b) {
      String t = temp();
      c.add(new Instr.Vec(op, Code.r(t), Code.r(a), Code.r(b), n));
      return t;
    }

    private String constant(double v) {
      String t = temp();
      c.add(new Instr.Fill(Code.r(t), v, n));
      return t;
    }

    private String sigmoid(String x) {
      String neg = vec(VecOp.SUB, constant(0), x);
      return vec(VecOp.DIV, constant(1), vec(VecOp.ADD, constant(1), vec(VecOp.EXP, neg, neg)));
    }

    String lower(Expr e) throws Unsupported {
      if (ScalarEval.isConstant(e)) return constant(ScalarEval.eval(e, dims, Map.of()));
      return switch (e) {
        case Expr.Read r -> "in" + inputs.indexOf(r.tensor());
        case Expr.Unary u when u.op() == Expr.UnOp.NEG -> vec(VecOp.SUB, constant(0), lower(u.operand()));
        case Expr.Binary b when b.op() == Expr.BinOp.ADD -> vec(VecOp.ADD, lower(b.left()), lower(b.right()));
        case Expr.Binary b when b.op() == Expr.BinOp.SUB -> vec(VecOp.SUB, lower(b.left()), lower(b.right()));
        case Expr.Binary b when b.op() == Expr.BinOp.MUL -> vec(VecOp.MUL, lower(b.left()), lower(b.right()));
        case Expr.Binary b when b.op() == Expr.BinOp.DIV -> vec(VecOp.DIV, lower(b.left()), lower(b.right()));
        case Expr.Call f when f.fn() == Expr.Fn.EXP -> {
          String a = lower(f.args().get(0));
          yield vec(VecOp.EXP, a, a);
        }
        case Expr.Call f when f.fn() == Expr.Fn.MAX -> vec(VecOp.MAX, lower(f.args().get(0)), lower(f.args().get(1)));
        case Expr.Call f when f.fn() == Expr.Fn.SIGMOID -> sigmoid(lower(f.args().get(0)));
        case Expr.Call f when f.fn() == Expr.Fn.SILU -> {
          String x = lower(f.args().get(0));
          yield vec(VecOp.MUL, x, sigmoid(x));
        }
        default -> throw new Unsupported("the mesh instruction set has no lowering for '" + e + "'");
      };
    }
  }
}
