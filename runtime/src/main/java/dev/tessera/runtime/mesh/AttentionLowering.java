package dev.tessera.runtime.mesh;

import dev.tessera.runtime.RunException;
import dev.tessera.ir.Expr;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.Op;
import dev.tessera.mesh.AttentionKernels;
import dev.tessera.mesh.ElementwiseKernels;
import dev.tessera.mesh.MeshKernel;
import dev.tessera.mesh.ScalarEval;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.RunErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps an attention template onto the mesh: per (batch, head) tuple, the prefill program (or the
 * decode program for a single query row). The template's score modifiers become the program's
 * stages: constant factors one scale, a factor or an addend that depends on the indices (a decay
 * γ^(m−n), an ALiBi bias) a matrix the host evaluates and the cores hold (like the mask), and a
 * function of the score alone (soft cap, sigmoid, ReLU) vector instructions on the cores. The mask
 * is evaluated into a 0/1 matrix; the normalizer, when there is one, runs on the cores. Operand
 * subscripts on the batch axes may be expressions (a shared key head {@code h / G}, a latent head
 * {@code 0}): the host gathers each tuple's blocks.
 */
final class AttentionLowering {
  private final MeshRun run;

  AttentionLowering(MeshRun run) {
    this.run = run;
  }

  private static RunException unsupported(String what) {
    return new RunException(RunErrors.UNAVAILABLE, "the mesh target cannot run attention with " + what,
        "the mesh runs scores Q·Kᵀ, score modifiers that scale or shift by the indices or map each score alone, a normalizer with "
            + "state and combine (or none), and P·V; use --target cpu");
  }

  /**
   * A tensor read whose {@code row} and {@code col} subscripts are plain indices; its other
   * subscripts may be any expression of the batch indices.
   */
  private record Operand(Expr.Read read) {}

  private static Operand operand(Expr e, String what, String row, String col) throws RunException {
    if (!(e instanceof Expr.Read r)) throw unsupported(what + " that is not a tensor read");
    int rows = 0;
    int cols = 0;
    for (Expr sub : r.indices()) {
      if (sub instanceof Expr.Index i && i.name().equals(row)) rows++;
      else if (sub instanceof Expr.Index i && i.name().equals(col)) cols++;
      else if (mentions(sub, row) || mentions(sub, col)) throw unsupported(what + " subscripted by an expression of " + row + " or " + col);
    }
    if (rows != 1 || cols != 1) throw unsupported(what + " that does not read " + row + " and " + col + " once each as plain subscripts");
    return new Operand(r);
  }

  private static boolean mentions(Expr e, String index) {
    return switch (e) {
      case Expr.Index i -> i.name().equals(index);
      case Expr.Unary u -> mentions(u.operand(), index);
      case Expr.Binary b -> mentions(b.left(), index) || mentions(b.right(), index);
      case Expr.Call c -> c.args().stream().anyMatch(a -> mentions(a, index));
      case Expr.Read r -> r.indices().stream().anyMatch(a -> mentions(a, index));
      default -> false;
    };
  }

  /** A stage's host matrix: {@code value} (negated when {@code negate}) at each (row, key) of a tuple, over the modifier's indices. */
  private record HostMatrix(String name, Op.Compute mod, Expr value, boolean negate) {}

  void run(Op.ParallelAttention a) throws RunException {
    Op.Contract score = a.score();
    if (!(score.body() instanceof Expr.Binary b) || b.op() != Expr.BinOp.MUL || score.reduce().size() != 1) {
      throw unsupported("a score that is not a single-index dot product");
    }
    List<String> sIdx = score.indices().stream().map(IndexVar::name).toList();
    String d = score.reduce().get(0).name();
    String mName = sIdx.get(sIdx.size() - 2);
    String nName = sIdx.get(sIdx.size() - 1);
    List<String> batch = sIdx.subList(0, sIdx.size() - 2);
    Operand q = operand(b.left(), "a query", mName, d);
    Operand k = operand(b.right(), "a key", nName, d);
    List<AttentionKernels.Stage> stages = new ArrayList<>();
    List<HostMatrix> matrices = new ArrayList<>();
    String current = score.out();
    for (Op.Compute mod : a.modifiers()) {
      stages.add(stage(mod, current, matrices));
      current = mod.out();
    }
    Optional<Op.Normalize> norm = a.normalize();
    NormalizerDef def = null;
    if (norm.isPresent()) {
      if (!norm.get().axis().equals(nName)) throw unsupported("a normalizer over " + norm.get().axis() + " instead of the key index " + nName);
      def = run.module().normalizer(norm.get().normalizer()).orElseThrow(() -> unsupported("an unknown normalizer"));
      if (def.stateless() || !def.hasCombine()) throw unsupported("normalizer " + def.name() + ", which has no state and combine to allreduce");
    }
    Op.Contract agg = a.aggregate();
    if (!(agg.body() instanceof Expr.Binary ab) || ab.op() != Expr.BinOp.MUL || agg.reduce().size() != 1) {
      throw unsupported("an aggregation that is not P·V");
    }
    List<String> oIdx = agg.indices().stream().map(IndexVar::name).toList();
    String e = oIdx.get(oIdx.size() - 1);
    String n2 = agg.reduce().get(0).name();
    Operand v = operand(ab.right(), "a value", n2, e);
    Map<String, Integer> ext = run.extents(score.indices());
    ext.putAll(run.extents(score.reduce()));
    ext.putAll(run.extents(agg.indices()));
    ext.putAll(run.extents(agg.reduce()));
    List<String> oAxes = oIdx.stream().map(x -> x.equals(oIdx.get(oIdx.size() - 2)) ? mName : x).toList();
    int mm = ext.get(mName);
    int nn = ext.get(nName);
    int dd = ext.get(d);
    int ee = ext.get(e);
    AttentionKernels.Dims dims = new AttentionKernels.Dims(mm, nn, dd, ee, stages, def == null ? 0 : 1 + def.state().size(),
        def == null ? "" : def.name());
    try {
      AttentionKernels.check(dims);
    } catch (ElementwiseKernels.Unsupported ex) {
      throw unsupported("a score modifier: " + ex.getMessage());
    }
    MeshKernel kern = mm == 1 ? AttentionKernels.decode(run.grid(), dims) : AttentionKernels.prefill(run.grid(), dims);
    Map<String, DenseTensor> t = run.tensors();
    Map<String, Integer> bv = new HashMap<>();
    for (int bi = 0; bi < Views.size(batch, ext); bi++) {
      Views.unflatten(bi, batch, ext, bv);
      Map<String, MeshExec.Matrix> in = new HashMap<>();
      in.put("Q", gather(q, List.of(mName), List.of(d), bv, ext));
      in.put("K", gather(k, List.of(nName), List.of(d), bv, ext));
      in.put("V", gather(v, List.of(n2), List.of(e), bv, ext));
      if (norm.isPresent()) in.put("mask", mask(norm.get(), bv, batch, mm, nn, agg.out()));
      for (HostMatrix h : matrices) in.put(h.name(), matrix(h, bv, batch, mm, nn));
      MeshExec.Run r = run.simulate(agg.out(), kern, in, Map.of("O", new int[] {mm, ee}), def);
      Views.scatter(r.outputs().get("O"), t.get(agg.out()), oAxes, List.of(mName), List.of(e), bv, ext);
    }
  }

  private MeshExec.Matrix gather(Operand o, List<String> rows, List<String> cols, Map<String, Integer> bv, Map<String, Integer> ext)
      throws RunException {
    try {
      return Views.gather(run.tensors().get(o.read().tensor()), o.read().indices(), rows, cols, bv, ext, run.dims());
    } catch (IndexOutOfBoundsException ex) {
      throw new RunException(RunErrors.OUT_OF_BOUNDS, "while reading " + o.read().tensor() + ": " + ex.getMessage(),
          "check the index arithmetic against the dimensions bound for this run");
    }
  }

  /**
   * The stage of modifier {@code mod}, whose input is {@code prev}: a constant factor, an
   * index-dependent factor or addend (a host matrix), or a function of the score alone.
   */
  private AttentionKernels.Stage stage(Op.Compute mod, String prev, List<HostMatrix> matrices) throws RunException {
    if (mod.mask().isPresent()) throw unsupported("a masked score modifier " + mod.out());
    List<String> own = mod.indices().stream().map(IndexVar::name).toList();
    if (mod.body() instanceof Expr.Binary b) {
      boolean left = isRead(b.left(), prev, own);
      boolean right = isRead(b.right(), prev, own);
      Expr other = left ? b.right() : b.left();
      if ((left || right) && !reads(other, prev)) {
        if (b.op() == Expr.BinOp.MUL && ScalarEval.isConstant(other)) return new AttentionKernels.Stage.Scale(ScalarEval.eval(other, run.dims(), Map.of()));
        if (b.op() == Expr.BinOp.MUL) return hostMatrix(mod, other, false, matrices, true);
        if (b.op() == Expr.BinOp.ADD) return hostMatrix(mod, other, false, matrices, false);
        if (b.op() == Expr.BinOp.SUB && left) return hostMatrix(mod, other, true, matrices, false);
      }
    }
    if (scoreOnly(mod.body(), prev, own)) return new AttentionKernels.Stage.Pointwise(mod.body(), prev, run.dims());
    throw unsupported("score modifier " + mod.out() + ", which is neither a factor or addend of the score nor a function of the score alone");
  }

  private static AttentionKernels.Stage hostMatrix(Op.Compute mod, Expr value, boolean negate, List<HostMatrix> matrices, boolean factor) {
    String name = "mod" + matrices.size();
    matrices.add(new HostMatrix(name, mod, value, negate));
    return factor ? new AttentionKernels.Stage.Factor(name) : new AttentionKernels.Stage.Bias(name);
  }

  /** Whether {@code e} reads {@code tensor} at exactly the indices {@code own}, in order. */
  private static boolean isRead(Expr e, String tensor, List<String> own) {
    return e instanceof Expr.Read r && r.tensor().equals(tensor) && own.equals(Views.plainIndices(r));
  }

  private static boolean reads(Expr e, String tensor) {
    return switch (e) {
      case Expr.Read r -> r.tensor().equals(tensor) || r.indices().stream().anyMatch(i -> reads(i, tensor));
      case Expr.Unary u -> reads(u.operand(), tensor);
      case Expr.Binary b -> reads(b.left(), tensor) || reads(b.right(), tensor);
      case Expr.Call c -> c.args().stream().anyMatch(a -> reads(a, tensor));
      default -> false;
    };
  }

  /** Whether {@code e} is built from constants, dimensions and reads of {@code prev} at its own indices only. */
  private static boolean scoreOnly(Expr e, String prev, List<String> own) {
    if (ScalarEval.isConstant(e)) return true;
    return switch (e) {
      case Expr.Read r -> isRead(r, prev, own);
      case Expr.Unary u -> scoreOnly(u.operand(), prev, own);
      case Expr.Binary b -> scoreOnly(b.left(), prev, own) && scoreOnly(b.right(), prev, own);
      case Expr.Call c -> c.args().stream().allMatch(x -> scoreOnly(x, prev, own));
      default -> false;
    };
  }

  private double read(String tensor, long[] at) {
    return Views.element(run.tensors(), tensor, at);
  }

  /** The mask as a 0/1 matrix for one batch tuple; all ones without a mask. */
  private MeshExec.Matrix mask(Op.Normalize norm, Map<String, Integer> bv, List<String> batchNames, int rows, int cols, String out)
      throws RunException {
    List<String> names = norm.indices().stream().map(IndexVar::name).toList();
    return evaluate(names, bv, batchNames, rows, cols, out + "'s mask",
        idx -> norm.mask().isEmpty() || ScalarEval.eval(norm.mask().get(), run.dims(), idx, this::read) != 0 ? 1 : 0);
  }

  private MeshExec.Matrix matrix(HostMatrix h, Map<String, Integer> bv, List<String> batchNames, int rows, int cols) throws RunException {
    List<String> names = h.mod().indices().stream().map(IndexVar::name).toList();
    return evaluate(names, bv, batchNames, rows, cols, h.mod().out(), idx -> {
      double x = ScalarEval.eval(h.value(), run.dims(), idx, this::read);
      return h.negate() ? -x : x;
    });
  }

  /** {@code f} at every (row, key) of one batch tuple, over indices {@code names} (batch indices, then row and key). */
  private MeshExec.Matrix evaluate(List<String> names, Map<String, Integer> bv, List<String> batchNames, int rows, int cols, String what,
      java.util.function.ToDoubleFunction<Map<String, Long>> f) throws RunException {
    float[] data = new float[rows * cols];
    Map<String, Long> idx = new HashMap<>();
    for (int a = 0; a < names.size() - 2; a++) idx.put(names.get(a), (long) bv.get(batchNames.get(a)));
    String mi = names.get(names.size() - 2);
    String ni = names.get(names.size() - 1);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        idx.put(mi, (long) i);
        idx.put(ni, (long) j);
        try {
          data[i * cols + j] = (float) f.applyAsDouble(idx);
        } catch (IndexOutOfBoundsException e) {
          throw new RunException(RunErrors.OUT_OF_BOUNDS, "while computing " + what + ": " + e.getMessage(),
              "check the index arithmetic against the dimensions bound for this run");
        }
      }
    }
    return new MeshExec.Matrix(rows, cols, data);
  }
}
