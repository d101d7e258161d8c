package dev.tessera.runtime.mesh;

import dev.tessera.runtime.RunException;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.Extents;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.Op;
import dev.tessera.ir.ReduceKind;
import dev.tessera.ir.TensorDecl;
import dev.tessera.mesh.ElementwiseKernels;
import dev.tessera.mesh.GemmKernels;
import dev.tessera.mesh.GemvKernels;
import dev.tessera.mesh.MeshKernel;
import dev.tessera.mesh.MeshLimitException;
import dev.tessera.mesh.MeshLimits;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.RunErrors;
import dev.tessera.scheduler.profile.MeshProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a kernel on the mesh simulator, op by op: each contraction becomes a MeshGEMM (or the
 * schedule's SUMMA/Cannon) or a MeshGEMV program, each element-wise map a vector program, and each
 * attention template the prefill or (one query row) decode program, per batch and head. Every
 * program is checked against the profile's SRAM and colours, simulated event by event with real
 * f32 numbers, and its cycles are added up; the host moves tensors between ops, which the cycles
 * do not count (as WaferLLM, which assumes operands already resident).
 */
public final class MeshRun {
  /** One simulated program: what it computed, on which grid, and what it measured. */
  public record Phase(String op, String algorithm, int grid, SimResult sim, MeshKernel kernel) {}

  public record Result(Map<String, DenseTensor> outputs, List<Phase> phases) {
    public double cycles() {
      return phases.stream().mapToDouble(p -> p.sim().cycles()).sum();
    }
  }

  private final Module module;
  private final Kernel kernel;
  private final Map<String, Long> dims;
  private final MeshProfile profile;
  private final SimParams params;
  private final int grid;
  private final String algorithm;
  private final Map<String, DenseTensor> tensors = new HashMap<>();
  private final List<Phase> phases = new ArrayList<>();

  private MeshRun(Module module, Kernel kernel, Map<String, Long> dims, MeshProfile profile, int grid, String algorithm) {
    this.module = module;
    this.kernel = kernel;
    this.dims = dims;
    this.profile = profile;
    this.params = SimParams.of(profile);
    this.grid = grid;
    this.algorithm = algorithm;
  }

  /** The largest grid side the event mode is run on: beyond it a simulation with numbers takes minutes to hours. */
  public static final int EVENT_GRID_LIMIT = 128;

  /** Grid sides tried, smallest first, when the caller names none: the first whose programs fit SRAM wins. */
  public static final List<Integer> DEFAULT_GRIDS = List.of(4, 8, 16, 32, 64);

  /**
   * Runs {@code kernel} on a {@code grid}×{@code grid} square, or, with {@code grid} 0, on the
   * smallest of {@link #DEFAULT_GRIDS} whose programs fit the cores' SRAM. Only SRAM is relieved by
   * a larger grid: any other broken limit is reported at once.
   */
  public static Result runFitting(Module module, Kernel kernel, Map<String, Long> dims, Map<String, DenseTensor> inputs,
      MeshProfile profile, int grid, String algorithm) throws RunException {
    List<Integer> grids = grid > 0 ? List.of(grid) : DEFAULT_GRIDS;
    RunException last = null;
    for (int g : grids) {
      try {
        return run(module, kernel, dims, inputs, profile, g, algorithm);
      } catch (RunException e) {
        if (!e.code.equals(RunErrors.ILLEGAL_SCHEDULE) || !e.getMessage().contains("SRAM")) throw e;
        last = e;
      }
    }
    throw grid > 0 ? last : new RunException(last.code, last.getMessage(), "no grid up to 64x64 fits; use smaller dimensions");
  }

  /** Runs {@code kernel} (after the pass pipeline) on a {@code grid}×{@code grid} core square with {@code algorithm} for GEMMs. */
  public static Result run(Module module, Kernel kernel, Map<String, Long> dims, Map<String, DenseTensor> inputs, MeshProfile profile,
      int grid, String algorithm) throws RunException {
    MeshRun r = new MeshRun(module, kernel, dims, profile, grid, algorithm);
    r.tensors.putAll(inputs);
    for (TensorDecl t : kernel.tensors()) {
      if (t.role() != TensorDecl.Role.INPUT) r.tensors.put(t.name(), DenseTensor.zeros(Extents.shape(t.shape(), dims)));
    }
    for (Op op : kernel.ops()) r.op(op);
    Map<String, DenseTensor> outs = new LinkedHashMap<>();
    for (TensorDecl t : kernel.outputs()) outs.put(t.name(), r.tensors.get(t.name()));
    return new Result(outs, r.phases);
  }

  private static RunException unsupported(String what) {
    return new RunException(RunErrors.UNAVAILABLE, "the mesh target cannot run " + what,
        "the mesh runs GEMM/GEMV contractions, element-wise maps and softmax-style attention; use --target cpu for this kernel");
  }

  private void op(Op op) throws RunException {
    switch (op) {
      case Op.Einsum e -> contraction(e.contraction());
      case Op.Contract c -> contraction(c);
      case Op.Compute c -> elementwise(c);
      case Op.ParallelAttention a -> new AttentionLowering(this).run(a);
      case Op.Normalize n -> throw unsupported("a stand-alone normalize of " + n.out());
      case Op.Scan s -> throw unsupported("a scan (recurrent kernels)");
      case Op.RecurrentAttention r -> new RecurrenceLowering(this).run(r);
    }
  }

  Map<String, Integer> extents(List<IndexVar> vars) {
    Map<String, Integer> m = new HashMap<>();
    for (IndexVar v : vars) m.put(v.name(), Extents.extent(v.extent(), dims));
    return m;
  }

  /** Runs {@code k} in the event simulator after the limits check, records it as a phase. */
  MeshExec.Run simulate(String op, MeshKernel k, Map<String, MeshExec.Matrix> in, Map<String, int[]> outShapes, NormalizerDef norm)
      throws RunException {
    try {
      MeshLimits.check(k.program(), profile);
    } catch (MeshLimitException e) {
      String hint = e.getMessage().contains(" colours")
          ? "this program needs more routing colours; raise the schedule's colours knob or leave it out"
          : "spread the work over more cores, e.g. --schedule 'mesh{gridX=" + grid * 2 + ", gridY=" + grid * 2 + ", algorithm=meshgemm}'";
      throw new RunException(RunErrors.ILLEGAL_SCHEDULE, e.getMessage() + " (" + op + " on " + grid + "x" + grid + " cores)", hint);
    }
    MeshExec.Run run = MeshExec.run(k, params, in, outShapes, norm);
    phases.add(new Phase(op, k.shape().algorithm(), grid, run.sim(), k));
    return run;
  }

  /**
   * The analytic mode: the cycles of every contraction of {@code kernel} (GEMM or GEMV per batch
   * tuple) from the kernels' shapes alone, without data or per-core state, for any grid the profile has.
   */
  public static double analytic(Kernel kernel, Map<String, Long> dims, MeshProfile profile, int grid, String algorithm)
      throws RunException {
    MeshRun r = new MeshRun(null, kernel, dims, profile, grid, algorithm);
    Analytic model = new Analytic(r.params);
    double total = 0;
    for (Op op : kernel.ops()) {
      Op.Contract c = switch (op) {
        case Op.Einsum e -> e.contraction();
        case Op.Contract x -> x;
        default -> throw new RunException(RunErrors.UNAVAILABLE, "the analytic mode covers GEMM and GEMV contractions, not " + op.outputs(),
            "use --mode event");
      };
      Product p = r.classify(c);
      int batches = Views.size(p.batch, p.ext);
      MeshKernel.Shape s = p.n == 1 || p.m == 1
          ? GemvKernels.shape(algorithm.equals("meshgemm") ? "meshgemv" : "pipegemv", grid, p.n == 1 ? p.m : p.n, p.k)
          : GemmKernels.shape(algorithm, grid, p.m, p.k, p.n, false);
      total += batches * model.cycles(s);
    }
    return total;
  }

  /** A contraction as batched products: operand reads, index groups, extents and the product's sizes. */
  private record Product(Expr.Read ra, Expr.Read rb, List<String> ia, List<String> ib, List<String> out, List<String> red, List<String> batch,
      List<String> mi, List<String> ni, Map<String, Integer> ext, int m, int k, int n) {}

  private Product classify(Op.Contract c) throws RunException {
    if (c.kind() != ReduceKind.SUM || !(c.body() instanceof Expr.Binary b) || b.op() != Expr.BinOp.MUL
        || !(b.left() instanceof Expr.Read ra) || !(b.right() instanceof Expr.Read rb)) {
      throw unsupported(c.out() + ": only a sum of a product of two tensors maps onto MeshGEMM/MeshGEMV");
    }
    List<String> ia = Views.plainIndices(ra);
    List<String> ib = Views.plainIndices(rb);
    if (ia == null || ib == null) throw unsupported(c.out() + ": subscripts with index arithmetic");
    List<String> out = c.indices().stream().map(IndexVar::name).toList();
    List<String> red = c.reduce().stream().map(IndexVar::name).toList();
    List<String> batch = out.stream().filter(i -> ia.contains(i) && ib.contains(i)).toList();
    List<String> mi = out.stream().filter(i -> ia.contains(i) && !ib.contains(i)).toList();
    List<String> ni = out.stream().filter(i -> ib.contains(i) && !ia.contains(i)).toList();
    if (!red.stream().allMatch(i -> ia.contains(i) && ib.contains(i)) || out.size() != batch.size() + mi.size() + ni.size()) {
      throw unsupported(c.out() + ": every reduced index must appear in both operands and every output index in one");
    }
    Map<String, Integer> ext = extents(c.indices());
    ext.putAll(extents(c.reduce()));
    return new Product(ra, rb, ia, ib, out, red, batch, mi, ni, ext, Views.size(mi, ext), Views.size(red, ext), Views.size(ni, ext));
  }

  /** One product per batch tuple: gather 2-D operands, run GEMM or GEMV, scatter back. */
  private void contraction(Op.Contract c) throws RunException {
    Product q = classify(c);
    List<String> ia = q.ia();
    List<String> ib = q.ib();
    List<String> out = q.out();
    List<String> red = q.red();
    List<String> mi = q.mi();
    List<String> ni = q.ni();
    Map<String, Integer> ext = q.ext();
    DenseTensor ta = tensors.get(q.ra().tensor());
    DenseTensor tb = tensors.get(q.rb().tensor());
    DenseTensor to = tensors.get(c.out());
    int bs = Views.size(q.batch(), ext);
    int m = q.m();
    int k = q.k();
    int n = q.n();
    List<String> batch = q.batch();
    Map<String, Integer> bv = new HashMap<>();
    for (int bi = 0; bi < bs; bi++) {
      Views.unflatten(bi, batch, ext, bv);
      MeshExec.Matrix a = Views.gather(ta, ia, mi, red, bv, ext);
      MeshExec.Matrix bm = Views.gather(tb, ib, red, ni, bv, ext);
      if (n == 1 || m == 1) {
        boolean wIsA = n == 1;
        MeshExec.Matrix w = wIsA ? a : transpose(bm);
        MeshExec.Matrix x = wIsA ? transpose(bm) : a;
        int rows = wIsA ? m : n;
        String alg = algorithm.equals("meshgemm") ? "meshgemv" : "pipegemv";
        MeshExec.Run r = simulate(c.out(), GemvKernels.build(alg, grid, rows, k), Map.of("W", w, "x", x), Map.of("y", new int[] {1, rows}), null);
        MeshExec.Matrix y = r.outputs().get("y");
        Views.scatter(wIsA ? transpose(y) : y, to, out, mi, ni, bv, ext);
      } else {
        MeshExec.Run r = simulate(c.out(), GemmKernels.build(algorithm, grid, m, k, n, false), Map.of("A", a, "B", bm),
            Map.of("C", new int[] {m, n}), null);
        Views.scatter(r.outputs().get("C"), to, out, mi, ni, bv, ext);
      }
    }
  }

  static MeshExec.Matrix transpose(MeshExec.Matrix m) {
    float[] d = new float[m.data().length];
    for (int i = 0; i < m.rows(); i++) for (int j = 0; j < m.cols(); j++) d[j * m.rows() + i] = m.data()[i * m.cols() + j];
    return new MeshExec.Matrix(m.cols(), m.rows(), d);
  }

  /**
   * An element-wise map: each read at the output's own indices is an input; a read that broadcasts
   * (subscripts that are output indices in another order or subset, or expressions of no output
   * index, such as a 0-d scale {@code lam[]} or a per-head {@code slopes[h]}) is gathered by the host
   * to the output's shape first and read as an input too.
   */
  private void elementwise(Op.Compute c) throws RunException {
    if (c.mask().isPresent()) throw unsupported(c.out() + ": a masked element-wise map");
    List<String> idx = c.indices().stream().map(IndexVar::name).toList();
    Map<String, Integer> ext = extents(c.indices());
    int total = Views.size(idx, ext);
    Map<String, MeshExec.Matrix> in = new LinkedHashMap<>();
    List<String> reads = new ArrayList<>();
    Map<Expr.Read, String> broadcast = new LinkedHashMap<>();
    Expr body = dev.tessera.ir.Exprs.rewrite(c.body(), e -> e instanceof Expr.Read r && !idx.equals(Views.plainIndices(r))
        ? new Expr.Read(broadcast.computeIfAbsent(r, x -> "_broadcast" + broadcast.size()), idx.stream().<Expr>map(Expr.Index::new).toList())
        : e);
    for (Map.Entry<Expr.Read, String> b : broadcast.entrySet()) {
      Expr.Read r = b.getKey();
      for (Expr sub : r.indices()) {
        if (!(sub instanceof Expr.Index i && idx.contains(i.name())) && idx.stream().anyMatch(i -> Exprs.indices(sub).contains(i))) {
          throw unsupported(c.out() + ": an element-wise read of " + r.tensor() + " with index arithmetic on the output's indices");
        }
      }
      in.put(b.getValue(), Views.gather(tensors.get(r.tensor()), r.indices(), List.of(), idx, Map.of(), ext, dims));
    }
    collectReads(body, idx, reads, c.out());
    for (String t : reads) {
      if (!in.containsKey(t)) in.put(t, Views.gather(tensors.get(t), idx, List.of(), idx, Map.of(), ext));
    }
    MeshKernel k;
    try {
      k = ElementwiseKernels.build(grid, total, body, reads, dims);
    } catch (ElementwiseKernels.Unsupported e) {
      throw unsupported(c.out() + ": " + e.getMessage());
    }
    MeshExec.Run r = simulate(c.out(), k, in, Map.of("out", new int[] {1, total}), null);
    Views.scatter(r.outputs().get("out"), tensors.get(c.out()), idx, List.of(), idx, Map.of(), ext);
  }

  private static void collectReads(Expr e, List<String> idx, List<String> reads, String out) throws RunException {
    switch (e) {
      case Expr.Read r -> {
        if (!reads.contains(r.tensor())) reads.add(r.tensor());
      }
      case Expr.Unary u -> collectReads(u.operand(), idx, reads, out);
      case Expr.Binary b -> {
        collectReads(b.left(), idx, reads, out);
        collectReads(b.right(), idx, reads, out);
      }
      case Expr.Call c -> {
        for (Expr a : c.args()) collectReads(a, idx, reads, out);
      }
      case Expr.Index i -> throw unsupported(out + ": an element-wise map that reads its own indices");
      default -> { }
    }
  }

  Module module() {
    return module;
  }

  Map<String, Long> dims() {
    return dims;
  }

  Map<String, DenseTensor> tensors() {
    return tensors;
  }

  int grid() {
    return grid;
  }
}
