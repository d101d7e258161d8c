package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;
import dev.tessera.ir.Expr;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Op;
import dev.tessera.ir.TensorDecl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scan as one thread block: the steps run in order inside the kernel, and within a step the
 * state updates (into a scratch copy, since an update may read any element of the old state) and
 * then the body ops are split among the block's threads, with a barrier between phases.
 */
final class ScanKernel {
  private final Layout layout;
  private final OpBodies bodies;

  ScanKernel(Layout layout, OpBodies bodies) {
    this.layout = layout;
    this.bodies = bodies;
  }

  /** The scratch buffer holding a state's next value. */
  static String next(String state) {
    return state + "_next";
  }

  /** Registers the scratch buffers of {@code s} in the layout. */
  void addScratch(Op.Scan s) {
    for (Op.StateDef st : s.states()) {
      Layout.Buffer b = layout.buffer(st.name());
      layout.add(next(st.name()), TensorDecl.Role.TEMP, dev.tessera.ir.ElemType.F32, b.extents());
    }
  }

  /** Writes the kernel body; returns the buffers it touches, written ones marked. */
  List<Launch.Param> emit(CodeWriter w, Op.Scan s) {
    Map<String, Boolean> touched = new LinkedHashMap<>();
    String t = Names.index(s.step().name());
    for (Op.StateDef st : s.states()) {
      Map<String, String> idx = ElementLoop.open(w, layout, st.indices(), null, ElementLoop.Stride.BLOCK);
      CudaExpr ex = new CudaExpr(layout, idx, null);
      w.line(Names.param(st.name()) + "[" + ex.offset(st.name(), refs(st)) + "] = "
          + layout.buffer(st.name()).type().store(ex.emit(st.init()).asFloat()) + ";");
      ElementLoop.close(w);
      mark(touched, st.init(), st.name());
    }
    w.line("__syncthreads();");
    w.open("for (long long " + t + " = 0; " + t + " < " + layout.extent(s.step().extent()) + "LL; ++" + t + ") {");
    for (Op.StateDef st : s.states()) {
      List<IndexVar> vars = new ArrayList<>(st.indices());
      vars.add(s.step());
      Map<String, String> idx = ElementLoop.open(w, layout, vars, s.step().name(), ElementLoop.Stride.BLOCK);
      CudaExpr ex = new CudaExpr(layout, idx, null);
      w.line(Names.param(next(st.name())) + "[" + ex.offset(next(st.name()), refs(st)) + "] = " + ex.emit(st.update()).asFloat() + ";");
      ElementLoop.close(w);
      mark(touched, st.update(), next(st.name()));
    }
    w.line("__syncthreads();");
    for (Op.StateDef st : s.states()) {
      long n = layout.buffer(st.name()).elements();
      w.open("for (long long lin = threadIdx.x; lin < " + n + "LL; lin += blockDim.x) {");
      w.line(Names.param(st.name()) + "[lin] = " + layout.buffer(st.name()).type().store(Names.param(next(st.name())) + "[lin]") + ";");
      w.close("}");
    }
    w.line("__syncthreads();");
    for (Op b : s.body()) {
      bodies.emit(w, b, s.step().name(), ElementLoop.Stride.BLOCK);
      w.line("__syncthreads();");
      for (String r : OpBodies.reads(b)) touched.putIfAbsent(r, false);
      for (String o : b.outputs()) touched.put(o, true);
    }
    w.close("}");
    List<Launch.Param> params = new ArrayList<>();
    touched.forEach((k, v) -> params.add(new Launch.Param(k, v)));
    return params;
  }

  private static List<Expr> refs(Op.StateDef st) {
    return st.indices().stream().map(v -> (Expr) v.ref()).toList();
  }

  private static void mark(Map<String, Boolean> touched, Expr read, String written) {
    List<String> reads = new ArrayList<>();
    OpBodies.collectReads(read, reads);
    for (String r : reads) touched.putIfAbsent(r, false);
    touched.put(written, true);
  }
}
