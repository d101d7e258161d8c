package dev.tessera.runtime.mesh;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Op;
import dev.tessera.mesh.AttentionKernels;
import dev.tessera.mesh.MeshKernel;
import dev.tessera.mesh.ScalarEval;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.RunException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a recurrent (linear) attention template with no or a scalar decay — S_t = a_t · S_(t−1) +
 * k_tᵀ v_t, o_t = q_t · S_t — onto the mesh in its parallel form, o = (Q·Kᵀ ⊙ L) · V with
 * L[t, s] = a_(s+1) ⋯ a_t for s ≤ t and 0 after t: the attention prefill program (decode for one
 * step) with L as a factor stage and no normalizer. The host evaluates the decay per step and L per
 * (batch, head) in double precision, as it does masks. A per-channel decay (GLA) has no such
 * factor and is refused.
 */
final class RecurrenceLowering {
  private final MeshRun run;

  RecurrenceLowering(MeshRun run) {
    this.run = run;
  }

  private static RunException unsupported(String what) {
    return new RunException(RunErrors.UNAVAILABLE, "the mesh target cannot run recurrent attention with " + what,
        "the mesh runs recurrences with no or a scalar decay per step in their parallel form; use --target cpu");
  }

  void run(Op.RecurrentAttention r) throws RunException {
    if (r.decayKind() == Op.DecayKind.PER_CHANNEL) throw unsupported("a per-channel decay (its parallel form is not one factor per score)");
    Op.Scan s = r.scan();
    if (s.states().size() != 1 || s.body().size() != 1 || !(s.body().get(0) instanceof Op.Contract readout) || readout.reduce().size() != 1) {
      throw unsupported("other than one state read out by one contraction");
    }
    Op.StateDef st = s.states().get(0);
    String d = readout.reduce().get(0).name();
    List<String> names = st.indices().stream().map(IndexVar::name).toList();
    if (names.size() < 2 || !names.contains(d)) throw unsupported("a state that is not indexed by the readout's reduction");
    String e = names.stream().filter(x -> !x.equals(d)).reduce((x, y) -> y).orElseThrow();
    List<String> batch = names.stream().filter(x -> !x.equals(d) && !x.equals(e)).toList();
    String t = s.step().name();
    if (!(st.update() instanceof Expr.Binary update) || update.op() != Expr.BinOp.ADD) throw unsupported("an update that is not decay · S + k ⊗ v");
    boolean leftHasState = Exprs.reads(update.left()).stream().anyMatch(x -> x.tensor().equals(st.name()));
    Expr fresh = leftHasState ? update.right() : update.left();
    Expr.Read k = Exprs.reads(fresh).stream().filter(x -> Exprs.indices(x).contains(d)).findFirst()
        .orElseThrow(() -> unsupported("a key read that is not indexed by " + d));
    Expr.Read v = Exprs.reads(fresh).stream().filter(x -> Exprs.indices(x).contains(e)).findFirst()
        .orElseThrow(() -> unsupported("a value read that is not indexed by " + e));
    if (!(fresh instanceof Expr.Binary kv) || kv.op() != Expr.BinOp.MUL || Exprs.reads(fresh).size() != 2) {
      throw unsupported("a state increment that is not one key times one value");
    }
    Expr.Read sRead = Exprs.reads(readout.body()).stream().filter(x -> x.tensor().equals(st.name())).findFirst()
        .orElseThrow(() -> unsupported("a readout that does not read the state"));
    Map<String, String> toState = new HashMap<>();
    for (int i = 0; i < sRead.indices().size(); i++) {
      if (!(sRead.indices().get(i) instanceof Expr.Index x)) throw unsupported("a readout of the state with index arithmetic");
      toState.put(x.name(), names.get(i));
    }
    Expr.Read q = Exprs.reads(readout.body()).stream().filter(x -> !x.tensor().equals(st.name())).findFirst()
        .map(x -> (Expr.Read) Exprs.rewrite(x, y -> y instanceof Expr.Index i && toState.containsKey(i.name()) ? new Expr.Index(toState.get(i.name())) : y))
        .orElseThrow(() -> unsupported("a readout without a query"));
    if (!(readout.body() instanceof Expr.Binary rb) || rb.op() != Expr.BinOp.MUL) throw unsupported("a readout that is not q · S");
    List<String> outAxes = readout.indices().stream().map(iv -> toState.getOrDefault(iv.name(), iv.name())).toList();

    Map<String, Integer> ext = run.extents(st.indices());
    ext.putAll(run.extents(List.of(s.step())));
    int steps = ext.get(t);
    int dd = ext.get(d);
    int ee = ext.get(e);
    AttentionKernels.Dims dims = new AttentionKernels.Dims(steps, steps, dd, ee, List.of(new AttentionKernels.Stage.Factor("decay")), 0, "");
    MeshKernel kern = steps == 1 ? AttentionKernels.decode(run.grid(), dims) : AttentionKernels.prefill(run.grid(), dims);
    Map<String, DenseTensor> tensors = run.tensors();
    Map<String, Integer> bv = new HashMap<>();
    for (int bi = 0; bi < Views.size(batch, ext); bi++) {
      Views.unflatten(bi, batch, ext, bv);
      Map<String, MeshExec.Matrix> in = new HashMap<>();
      in.put("Q", gather(q, t, d, bv, ext));
      in.put("K", gather(k, t, d, bv, ext));
      in.put("V", gather(v, t, e, bv, ext));
      in.put("decay", decayMatrix(r, batch, bv, t, steps));
      MeshExec.Run out = run.simulate(readout.out(), kern, in, Map.of("O", new int[] {steps, ee}), null);
      Views.scatter(out.outputs().get("O"), tensors.get(readout.out()), outAxes, List.of(t), List.of(e), bv, ext);
    }
  }

  private MeshExec.Matrix gather(Expr.Read read, String row, String col, Map<String, Integer> bv, Map<String, Integer> ext) throws RunException {
    for (Expr sub : read.indices()) {
      boolean plain = sub instanceof Expr.Index i && (i.name().equals(row) || i.name().equals(col) || bv.containsKey(i.name()));
      if (!plain && (Exprs.indices(sub).contains(row) || Exprs.indices(sub).contains(col))) {
        throw unsupported("a read of " + read.tensor() + " with index arithmetic on " + row + " or " + col);
      }
    }
    try {
      return Views.gather(run.tensors().get(read.tensor()), read.indices(), List.of(row), List.of(col), bv, ext, run.dims());
    } catch (IndexOutOfBoundsException ex) {
      throw new RunException(RunErrors.OUT_OF_BOUNDS, "while reading " + read.tensor() + ": " + ex.getMessage(),
          "check the index arithmetic against the dimensions bound for this run");
    }
  }

  /** L[t, s] = a_(s+1) ⋯ a_t for s ≤ t, else 0, with a_t the decay at step t (1 without a decay). */
  private MeshExec.Matrix decayMatrix(Op.RecurrentAttention r, List<String> batch, Map<String, Integer> bv, String t, int steps)
      throws RunException {
    double[] a = new double[steps];
    Map<String, Long> idx = new HashMap<>();
    for (String b : batch) idx.put(b, (long) bv.get(b));
    for (int i = 0; i < steps; i++) {
      idx.put(t, (long) i);
      try {
        a[i] = r.decayKind() == Op.DecayKind.NONE ? 1 : ScalarEval.eval(r.decay(), run.dims(), idx, this::read);
      } catch (IndexOutOfBoundsException ex) {
        throw new RunException(RunErrors.OUT_OF_BOUNDS, "while computing the decay: " + ex.getMessage(),
            "check the index arithmetic against the dimensions bound for this run");
      }
    }
    float[] l = new float[steps * steps];
    for (int i = 0; i < steps; i++) {
      double prod = 1;
      for (int j = i; j >= 0; j--) {
        l[i * steps + j] = (float) prod;
        prod *= a[j];
      }
    }
    return new MeshExec.Matrix(steps, steps, l);
  }

  private double read(String tensor, long[] at) {
    return Views.element(run.tensors(), tensor, at);
  }
}
