package dev.tessera.runtime;

import dev.tessera.ir.Extents;
import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.NormalizerEval;
import dev.tessera.ir.Op;
import dev.tessera.ir.Semantics;
import dev.tessera.ir.SourceMap;
import dev.tessera.ir.TensorDecl;
import dev.tessera.runtime.ExprCompiler.Ev;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference interpreter: evaluates every IR op naively in double precision, before or after
 * template recognition (templates evaluate their pieces). It is the oracle for every backend.
 */
public final class Interpreter {
  private final Module module;
  private final SourceMap sources;
  private final ElemType rounding;

  public Interpreter(Module module, SourceMap sources) {
    this(module, sources, null);
  }

  private Interpreter(Module module, SourceMap sources, ElemType rounding) {
    this.module = module;
    this.sources = sources;
    this.rounding = rounding;
  }

  /**
   * The naïve evaluation in a low precision that DESIGN.md's f16/bf16 tolerance refers to: each op
   * computed exactly, its result rounded to {@code storage} as a framework running the ops one by
   * one in that type would store it (the pieces of an attention template too; a recurrence's state
   * stays exact between its steps).
   */
  public static Interpreter naive(Module module, SourceMap sources, ElemType storage) {
    return new Interpreter(module, sources, storage);
  }

  /** Runs {@code kernel} on bound dimensions and inputs (already in storage precision); returns its outputs. */
  public Map<String, DenseTensor> run(Kernel kernel, Map<String, Long> dims, Map<String, DenseTensor> inputs)
      throws CompileException {
    Map<String, DenseTensor> tensors = new HashMap<>(inputs);
    for (TensorDecl t : kernel.tensors()) {
      if (t.role() != TensorDecl.Role.INPUT) tensors.put(t.name(), DenseTensor.zeros(Extents.shape(t.shape(), dims)));
    }
    for (Op op : kernel.ops()) {
      try {
        eval(op, dims, tensors, null, 0);
      } catch (ExprCompiler.OutOfBounds e) {
        String out = op.outputs().get(0);
        throw new CompileException(Diagnostic.error(RunErrors.OUT_OF_BOUNDS, sources.tensor(kernel.name(), out),
            "while computing " + out + ": subscript " + e.axis + " of " + e.tensor + " is " + e.value + ", outside [0, " + e.extent + ")",
            "check the index arithmetic against the dimensions bound for this run"));
      } catch (Semantics.DivisionByZero e) {
        throw new CompileException(Diagnostic.error(RunErrors.BAD_VALUE, sources.tensor(kernel.name(), op.outputs().get(0)),
            "integer division by zero while computing " + op.outputs().get(0)));
      }
    }
    Map<String, DenseTensor> outs = new LinkedHashMap<>();
    for (TensorDecl t : kernel.outputs()) outs.put(t.name(), tensors.get(t.name()));
    return outs;
  }

  /** Evaluates one op; inside a scan, {@code step} names the step index, fixed at {@code stepValue}. */
  private void eval(Op op, Map<String, Long> dims, Map<String, DenseTensor> tensors, String step, int stepValue) {
    switch (op) {
      case Op.Compute c -> compute(c, dims, tensors, step, stepValue);
      case Op.Contract c -> contract(c, dims, tensors, step, stepValue);
      case Op.Normalize n -> normalize(n, dims, tensors, step, stepValue);
      case Op.Scan s -> scan(s, dims, tensors);
      case Op.ParallelAttention a -> a.pieces().forEach(p -> eval(p, dims, tensors, step, stepValue));
      case Op.RecurrentAttention r -> scan(r.scan(), dims, tensors);
      case Op.Einsum e -> contract(e.contraction(), dims, tensors, step, stepValue);
    }
    if (rounding != null && step == null && !(op instanceof Op.ParallelAttention)) {
      for (String o : op.outputs()) {
        double[] d = tensors.get(o).data();
        for (int i = 0; i < d.length; i++) d[i] = StorageTypes.round(rounding, d[i]);
      }
    }
  }

  /** An index space: slots for the op's variables, their extents, and which slot (if any) is fixed. */
  private record Space(Map<String, Integer> slots, int[] extents, int fixed, int fixedValue) {
    static Space of(List<IndexVar> vars, Map<String, Long> dims, String step, int stepValue) {
      Map<String, Integer> slots = new HashMap<>();
      int[] ext = new int[vars.size()];
      int fixed = -1;
      for (int i = 0; i < vars.size(); i++) {
        slots.put(vars.get(i).name(), i);
        ext[i] = Extents.extent(vars.get(i).extent(), dims);
        if (vars.get(i).name().equals(step)) fixed = i;
      }
      return new Space(slots, ext, fixed, stepValue);
    }

    /** Visits every point of slots [from, to) in row-major order; false when the space is empty. */
    boolean first(int[] env, int from, int to) {
      for (int i = from; i < to; i++) {
        env[i] = i == fixed ? fixedValue : 0;
        if (extents[i] == 0) return false;
      }
      return true;
    }

    boolean next(int[] env, int from, int to) {
      for (int i = to - 1; i >= from; i--) {
        if (i == fixed) continue;
        if (++env[i] < extents[i]) return true;
        env[i] = 0;
      }
      return false;
    }
  }

  private static int offset(DenseTensor out, int[] env, int rank) {
    int off = 0;
    for (int i = 0; i < rank; i++) off += env[i] * out.stride(i);
    return off;
  }

  private void compute(Op.Compute c, Map<String, Long> dims, Map<String, DenseTensor> tensors, String step, int sv) {
    Space sp = Space.of(c.indices(), dims, step, sv);
    ExprCompiler ec = new ExprCompiler(sp.slots(), dims, tensors);
    Ev body = ec.compile(c.body());
    Ev mask = c.mask().map(ec::compile).orElse(null);
    DenseTensor out = tensors.get(c.out());
    int n = c.indices().size();
    int[] env = new int[n];
    if (!sp.first(env, 0, n)) return;
    do {
      double v = mask == null || mask.eval(env) != 0 ? body.eval(env) : 0;
      out.data()[offset(out, env, n)] = v;
    } while (sp.next(env, 0, n));
  }

  private void contract(Op.Contract c, Map<String, Long> dims, Map<String, DenseTensor> tensors, String step, int sv) {
    List<IndexVar> all = new ArrayList<>(c.indices());
    all.addAll(c.reduce());
    Space sp = Space.of(all, dims, step, sv);
    Ev body = new ExprCompiler(sp.slots(), dims, tensors).compile(c.body());
    DenseTensor out = tensors.get(c.out());
    int n = c.indices().size();
    int total = all.size();
    int[] env = new int[total];
    if (!sp.first(env, 0, n)) return;
    do {
      double acc = c.kind().identity();
      if (sp.first(env, n, total)) {
        do {
          acc = c.kind().combine(acc, body.eval(env));
        } while (sp.next(env, n, total));
      }
      out.data()[offset(out, env, n)] = acc;
    } while (sp.next(env, 0, n));
  }

  private void normalize(Op.Normalize op, Map<String, Long> dims, Map<String, DenseTensor> tensors, String step, int sv) {
    NormalizerDef def = module.normalizer(op.normalizer())
        .orElseThrow(() -> new IllegalStateException("normalizer " + op.normalizer() + " missing from module"));
    NormalizerEval norm = new NormalizerEval(def);
    Space sp = Space.of(op.indices(), dims, step, sv);
    ExprCompiler ec = new ExprCompiler(sp.slots(), dims, tensors);
    Ev input = ec.compile(op.input());
    Ev mask = op.mask().map(ec::compile).orElse(null);
    DenseTensor out = tensors.get(op.out());
    int n = op.indices().size();
    int axis = sp.slots().get(op.axis());
    int len = sp.extents()[axis];
    int[] env = new int[n];
    double[] row = new double[len];
    int[] where = new int[len];
    int[] rowSpace = sp.extents().clone();
    rowSpace[axis] = 1;
    Space rows = new Space(sp.slots(), rowSpace, sp.fixed(), sv);
    if (!rows.first(env, 0, n)) return;
    do {
      int count = 0;
      for (int k = 0; k < len; k++) {
        env[axis] = k;
        if (mask == null || mask.eval(env) != 0) {
          row[count] = input.eval(env);
          where[count++] = k;
        }
        out.data()[offset(out, env, n)] = 0;
      }
      if (count > 0) {
        double[] p = norm.apply(java.util.Arrays.copyOf(row, count));
        for (int k = 0; k < count; k++) {
          env[axis] = where[k];
          out.data()[offset(out, env, n)] = p[k];
        }
      }
      env[axis] = 0;
    } while (rows.next(env, 0, n));
  }

  private void scan(Op.Scan s, Map<String, Long> dims, Map<String, DenseTensor> tensors) {
    int steps = Extents.extent(s.step().extent(), dims);
    String step = s.step().name();
    List<Ev> updates = new ArrayList<>();
    List<Space> spaces = new ArrayList<>();
    for (Op.StateDef st : s.states()) {
      List<IndexVar> vars = new ArrayList<>(st.indices());
      vars.add(s.step());
      Space sp = Space.of(vars, dims, null, 0);
      spaces.add(sp);
      ExprCompiler ec = new ExprCompiler(sp.slots(), dims, tensors);
      fill(tensors.get(st.name()), ec.compile(st.init()), sp, st.indices().size());
      updates.add(ec.compile(st.update()));
    }
    for (int t = 0; t < steps; t++) {
      List<double[]> fresh = new ArrayList<>();
      for (int i = 0; i < s.states().size(); i++) {
        DenseTensor state = tensors.get(s.states().get(i).name());
        double[] next = new double[state.size()];
        int n = s.states().get(i).indices().size();
        int[] env = new int[n + 1];
        env[n] = t;
        Space sp = spaces.get(i);
        if (sp.first(env, 0, n)) {
          do {
            next[offset(state, env, n)] = updates.get(i).eval(env);
          } while (sp.next(env, 0, n));
        }
        fresh.add(next);
      }
      for (int i = 0; i < fresh.size(); i++) {
        double[] data = tensors.get(s.states().get(i).name()).data();
        System.arraycopy(fresh.get(i), 0, data, 0, data.length);
      }
      for (Op b : s.body()) eval(b, dims, tensors, step, t);
    }
  }

  private static void fill(DenseTensor t, Ev init, Space sp, int n) {
    int[] env = new int[n + 1];
    if (!sp.first(env, 0, n)) return;
    do {
      t.data()[offset(t, env, n)] = init.eval(env);
    } while (sp.next(env, 0, n));
  }
}
