package dev.tessera.runtime.mesh;

import dev.tessera.runtime.RunException;
import dev.tessera.ir.Expr;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.Op;
import dev.tessera.mesh.AttentionKernels;
import dev.tessera.mesh.MeshKernel;
import dev.tessera.mesh.ScalarEval;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.RunErrors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps an attention template onto the mesh: per (batch, head) tuple, the prefill program (or the
 * decode program for a single query row) with the template's scalar modifiers folded into one
 * scale, its mask evaluated into a 0/1 matrix the cores hold, and its normalizer run by the cores.
 */
final class AttentionLowering {
  private final MeshRun run;

  AttentionLowering(MeshRun run) {
    this.run = run;
  }

  private static RunException unsupported(String what) {
    return new RunException(RunErrors.UNAVAILABLE, "the mesh target cannot run attention with " + what,
        "the mesh runs scores Q·Kᵀ with plain indices, scalar modifiers, a normalizer with state and combine, and P·V; use --target cpu");
  }

  private record Operand(Expr.Read read, List<String> axes) {}

  private static Operand operand(Expr e, String what) throws RunException {
    if (!(e instanceof Expr.Read r) || Views.plainIndices(r) == null) throw unsupported(what + " that is not a plain tensor read");
    return new Operand(r, Views.plainIndices(r));
  }

  void run(Op.ParallelAttention a) throws RunException {
    Op.Contract score = a.score();
    if (!(score.body() instanceof Expr.Binary b) || b.op() != Expr.BinOp.MUL || score.reduce().size() != 1) {
      throw unsupported("a score that is not a single-index dot product");
    }
    Operand q = operand(b.left(), "a query");
    Operand k = operand(b.right(), "a key");
    List<String> sIdx = score.indices().stream().map(IndexVar::name).toList();
    String d = score.reduce().get(0).name();
    String mName = sIdx.get(sIdx.size() - 2);
    String nName = sIdx.get(sIdx.size() - 1);
    List<String> batch = sIdx.subList(0, sIdx.size() - 2);
    if (!q.axes().contains(mName) || !k.axes().contains(nName) || q.axes().contains(nName) || k.axes().contains(mName)) {
      throw unsupported("a score whose last two indices are not the query row and the key row");
    }
    double scale = 1;
    String current = score.out();
    for (Op.Compute mod : a.modifiers()) {
      scale *= scalarFactor(mod, current);
      current = mod.out();
    }
    Op.Normalize norm = a.normalize().orElseThrow(() -> unsupported("no normalizer"));
    if (!norm.axis().equals(nName)) throw unsupported("a normalizer over " + norm.axis() + " instead of the key index " + nName);
    NormalizerDef def = run.module().normalizer(norm.normalizer()).orElseThrow(() -> unsupported("an unknown normalizer"));
    if (def.stateless() || !def.hasCombine()) throw unsupported("normalizer " + def.name() + ", which has no state and combine to allreduce");
    Op.Contract agg = a.aggregate();
    if (!(agg.body() instanceof Expr.Binary ab) || ab.op() != Expr.BinOp.MUL || agg.reduce().size() != 1) {
      throw unsupported("an aggregation that is not P·V");
    }
    Operand v = operand(ab.right(), "a value");
    List<String> oIdx = agg.indices().stream().map(IndexVar::name).toList();
    String e = oIdx.get(oIdx.size() - 1);
    String n2 = agg.reduce().get(0).name();
    Map<String, Integer> ext = run.extents(score.indices());
    ext.putAll(run.extents(score.reduce()));
    ext.putAll(run.extents(agg.indices()));
    ext.putAll(run.extents(agg.reduce()));
    List<String> vAxes = v.axes().stream().map(x -> x.equals(n2) ? nName : x).toList();
    List<String> oAxes = oIdx.stream().map(x -> x.equals(oIdx.get(oIdx.size() - 2)) ? mName : x).toList();
    int mm = ext.get(mName);
    int nn = ext.get(nName);
    int dd = ext.get(d);
    int ee = ext.get(e);
    AttentionKernels.Dims dims = new AttentionKernels.Dims(mm, nn, dd, ee, scale, 1 + def.state().size(), def.name());
    MeshKernel kern = mm == 1 ? AttentionKernels.decode(run.grid(), dims) : AttentionKernels.prefill(run.grid(), dims);
    Map<String, DenseTensor> t = run.tensors();
    Map<String, Integer> bv = new HashMap<>();
    for (int bi = 0; bi < Views.size(batch, ext); bi++) {
      Views.unflatten(bi, batch, ext, bv);
      Map<String, MeshExec.Matrix> in = Map.of(
          "Q", Views.gather(t.get(q.read().tensor()), q.axes(), List.of(mName), List.of(d), bv, ext),
          "K", Views.gather(t.get(k.read().tensor()), k.axes(), List.of(nName), List.of(d), bv, ext),
          "V", Views.gather(t.get(v.read().tensor()), vAxes, List.of(nName), List.of(e), bv, ext),
          "mask", mask(norm, bv, batch, mm, nn, a.aggregate().out()));
      MeshExec.Run r = run.simulate(agg.out(), kern, in, Map.of("O", new int[] {mm, ee}), def);
      Views.scatter(r.outputs().get("O"), t.get(agg.out()), oAxes, List.of(mName), List.of(e), bv, ext);
    }
  }

  /** One element of a host tensor, for masks that read one. */
  private double read(String tensor, long[] at) {
    DenseTensor t = run.tensors().get(tensor);
    long off = 0;
    for (int a = 0; a < at.length; a++) {
      if (at[a] < 0 || at[a] >= t.extent(a)) {
        throw new IndexOutOfBoundsException("subscript " + a + " of " + tensor + " is " + at[a] + ", outside [0, " + t.extent(a) + ")");
      }
      off += at[a] * t.stride(a);
    }
    return t.data()[(int) off];
  }

  /** A modifier {@code out = c · prev} (either order) with c constant once dimensions are bound. */
  private double scalarFactor(Op.Compute mod, String prev) throws RunException {
    if (mod.mask().isEmpty() && mod.body() instanceof Expr.Binary b && b.op() == Expr.BinOp.MUL) {
      if (ScalarEval.isConstant(b.left()) && isRead(b.right(), prev)) return ScalarEval.eval(b.left(), run.dims(), Map.of());
      if (ScalarEval.isConstant(b.right()) && isRead(b.left(), prev)) return ScalarEval.eval(b.right(), run.dims(), Map.of());
    }
    throw unsupported("score modifier " + mod.out() + ", which is not a constant factor");
  }

  private static boolean isRead(Expr e, String tensor) {
    return e instanceof Expr.Read r && r.tensor().equals(tensor);
  }

  /** The mask as a 0/1 matrix for one batch tuple; all ones without a mask. */
  private MeshExec.Matrix mask(Op.Normalize norm, Map<String, Integer> bv, List<String> batchNames, int rows, int cols, String out)
      throws RunException {
    float[] data = new float[rows * cols];
    Map<String, Long> idx = new HashMap<>();
    List<String> names = norm.indices().stream().map(IndexVar::name).toList();
    for (int a = 0; a < names.size() - 2; a++) idx.put(names.get(a), (long) bv.get(batchNames.get(a)));
    String mi = names.get(names.size() - 2);
    String ni = names.get(names.size() - 1);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        idx.put(mi, (long) i);
        idx.put(ni, (long) j);
        try {
          data[i * cols + j] = norm.mask().isEmpty() || ScalarEval.eval(norm.mask().get(), run.dims(), idx, this::read) != 0 ? 1f : 0f;
        } catch (IndexOutOfBoundsException e) {
          throw new RunException(RunErrors.OUT_OF_BOUNDS, "while computing " + out + "'s mask: " + e.getMessage(),
              "check the index arithmetic against the dimensions bound for this run");
        }
      }
    }
    return new MeshExec.Matrix(rows, cols, data);
  }
}
