package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.NormalizerDef;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Merges the key-range splits of a split-KV flash run with the normalizer's own combine: one
 * thread per output element folds the splits that saw a visible key, weighting the running output
 * by {@code wa} and the split's by {@code wb}, then applies finish. Without a normalizer the
 * partial outputs simply add.
 */
final class CombineKernel {
  private final FlashPlan plan;
  private final Layout layout;
  private final int splits;
  private final long blocks;
  private final int bm;
  private final int width;

  CombineKernel(FlashPlan plan, Layout layout, int splits, long blocks, int bm, int width) {
    this.plan = plan;
    this.layout = layout;
    this.splits = splits;
    this.blocks = blocks;
    this.bm = bm;
    this.width = width;
  }

  List<Launch.Param> params() {
    return List.of(new Launch.Param(FlashKernel.partial(plan.out()), false), new Launch.Param(FlashKernel.states(plan.out()), false),
        new Launch.Param(plan.out(), true));
  }

  long total() {
    return blocks * bm * layout.extent(plan.e().extent());
  }

  void body(CodeWriter w) {
    long e = layout.extent(plan.e().extent());
    long m = layout.extent(plan.m().extent());
    long qTiles = (m + bm - 1) / bm;
    String part = Names.param(FlashKernel.partial(plan.out()));
    String st = Names.param(FlashKernel.states(plan.out()));
    w.open("for (long long lin = (long long)blockIdx.x * blockDim.x + threadIdx.x; lin < " + total() + "LL; lin += (long long)gridDim.x * blockDim.x) {");
    w.line("const long long col = lin % " + e + "LL;");
    w.line("const long long r = (lin / " + e + "LL) % " + bm + "LL;");
    w.line("const long long blk = lin / " + (e * bm) + "LL;");
    w.line("const long long row = (blk % " + qTiles + "LL) * " + bm + "LL + r;");
    w.line("if (row >= " + m + "LL) continue;");
    w.line("const long long bpt = blk / " + qTiles + "LL;");
    Map<String, String> idx = layout.decode(w, plan.batch(), "bpt");
    w.line("(void)bpt;");
    Optional<NormalizerDef> norm = plan.normalizer().filter(n -> !n.stateless());
    int n = width - 1;
    for (int k = 0; k < n; k++) w.line("float ca_" + k + " = 0.0f;");
    w.line("float acc = 0.0f;");
    w.line("int seen = 0;");
    w.open("for (int sp = 0; sp < " + splits + "; ++sp) {");
    w.line("const long long prow = ((long long)sp * " + blocks + "LL + blk) * " + bm + "LL + r;");
    w.line("if (" + st + "[prow * " + width + "LL + " + n + "] == 0.0f) continue;");
    w.line("const float ob = " + part + "[prow * " + e + "LL + col];");
    for (int k = 0; k < n; k++) w.line("const float cb_" + k + " = " + st + "[prow * " + width + "LL + " + k + "];");
    w.open("if (!seen) {");
    for (int k = 0; k < n; k++) w.line("ca_" + k + " = cb_" + k + ";");
    w.line("acc = ob;");
    w.line("seen = 1;");
    w.line("continue;");
    w.close("}");
    CudaExpr ex = new CudaExpr(layout, idx, v -> v);
    if (norm.isPresent()) {
      Map<String, Expr> env = resolve(norm.get());
      w.line("const float wa = " + ex.emit(env.get("wa")).asFloat() + ";");
      w.line("const float wb = " + ex.emit(env.get("wb")).asFloat() + ";");
      for (int k = 0; k < n; k++) w.line("const float na_" + k + " = " + ex.emit(env.get(norm.get().state().get(k).name())).asFloat() + ";");
      for (int k = 0; k < n; k++) w.line("ca_" + k + " = na_" + k + ";");
      w.line("acc = wa * acc + wb * ob;");
    } else {
      w.line("acc += ob;");
    }
    w.close("}");
    String fin = norm.map(def -> finish(def, ex)).orElse("1.0f");
    Map<String, String> names = new LinkedHashMap<>(idx);
    names.put(plan.m().name(), "row");
    names.put(plan.e().name(), "col");
    String off = new CudaExpr(layout, names, null).offset(plan.out(), plan.outSubs());
    w.line(Names.param(plan.out()) + "[" + off + "] = " + layout.buffer(plan.out()).type().store("seen ? acc * " + fin + " : 0.0f") + ";");
    w.close("}");
  }

  /** The combine's outputs (wa, wb, every state) as expressions of the two sides' states. */
  private static Map<String, Expr> resolve(NormalizerDef def) {
    Map<String, Expr> env = new HashMap<>();
    for (int k = 0; k < def.state().size(); k++) env.put(def.state().get(k).name(), new Expr.Var("ca_" + k));
    env.put("wa", Expr.Const.of(1));
    env.put("wb", Expr.Const.of(1));
    for (NormalizerDef.Assign a : def.combine()) {
      env.put(a.target(), Exprs.rewrite(a.value(), x -> switch (x) {
        case Expr.Field f -> new Expr.Var((f.side().equals("a") ? "ca_" : "cb_") + index(def, f.name()));
        case Expr.Var v when v.name().startsWith("ca_") || v.name().startsWith("cb_") -> v;
        case Expr.Var v -> env.get(v.name());
        default -> x;
      }));
    }
    return env;
  }

  private static int index(NormalizerDef def, String state) {
    for (int k = 0; k < def.state().size(); k++) if (def.state().get(k).name().equals(state)) return k;
    throw new IllegalStateException("normalizer " + def.name() + " has no state " + state);
  }

  private static String finish(NormalizerDef def, CudaExpr ex) {
    if (def.finish() == null) return "1.0f";
    return "(" + ex.emit(Exprs.rewrite(def.finish(), x -> x instanceof Expr.Var v ? new Expr.Var("ca_" + index(def, v.name())) : x)).asFloat() + ")";
  }
}
