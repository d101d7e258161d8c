package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Op;
import dev.tessera.ir.ReduceKind;
import dev.tessera.ir.TensorDecl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A linear-attention recurrence {@code S[.., d, e] = f(S[.., d, e], t)}, {@code O[.., t, e] = Σ_d g(S[.., d, e], t)}
 * with the state in registers: one block per batch point, one thread per state column e holding
 * S[:, e] (d is a compile-time extent, the loop over it unrolled), serial over the steps. Each step
 * needs no communication between threads: the update of S[d, e] reads only itself and the readout
 * of O[t, e] sums over the thread's own column. This is not yet the chunked (matrix-form) kernel.
 */
final class RecurrentKernel {
  static final int MAX_D = 128;

  private final Op.Scan scan;
  private final Op.StateDef state;
  private final Op.Contract readout;
  private final Layout layout;
  private final List<IndexVar> batch;
  private final IndexVar d;
  private final IndexVar e;
  private final Map<String, String> readoutNames;

  private RecurrentKernel(Op.Scan scan, Op.StateDef state, Op.Contract readout, Layout layout, Map<String, String> readoutNames) {
    this.scan = scan;
    this.state = state;
    this.readout = readout;
    this.layout = layout;
    List<IndexVar> ix = state.indices();
    this.batch = ix.subList(0, ix.size() - 2);
    this.d = ix.get(ix.size() - 2);
    this.e = ix.get(ix.size() - 1);
    this.readoutNames = readoutNames;
  }

  static Optional<RecurrentKernel> of(Op.Scan scan, Layout layout) {
    if (scan.states().size() != 1 || scan.body().size() != 1 || !(scan.body().get(0) instanceof Op.Contract c)) return Optional.empty();
    Op.StateDef st = scan.states().get(0);
    if (st.indices().size() < 2 || c.kind() != ReduceKind.SUM || c.reduce().size() != 1) return Optional.empty();
    List<Expr> point = st.indices().stream().map(v -> (Expr) v.ref()).toList();
    if (!readsAt(st.update(), st.name(), point) || !Exprs.reads(st.init()).isEmpty()) return Optional.empty();
    if (layout.extent(st.indices().get(st.indices().size() - 2).extent()) > MAX_D) return Optional.empty();
    if (layout.extent(st.indices().get(st.indices().size() - 1).extent()) > 1024) return Optional.empty();
    Expr.Read sRead = Exprs.reads(c.body()).stream().filter(r -> r.tensor().equals(st.name())).findFirst().orElse(null);
    if (sRead == null) return Optional.empty();
    Map<String, String> names = new LinkedHashMap<>();
    for (int i = 0; i < sRead.indices().size(); i++) {
      if (!(sRead.indices().get(i) instanceof Expr.Index x) || names.containsKey(x.name())) return Optional.empty();
      names.put(x.name(), st.indices().get(i).name());
    }
    String rd = c.reduce().get(0).name();
    if (!st.indices().get(st.indices().size() - 2).name().equals(names.get(rd))) return Optional.empty();
    List<Expr> renamed = sRead.indices();
    if (!readsAt(c.body(), st.name(), renamed)) return Optional.empty();
    List<String> outNames = new ArrayList<>();
    for (IndexVar v : c.indices()) if (!v.name().equals(scan.step().name())) outNames.add(v.name());
    List<String> expected = new ArrayList<>();
    for (IndexVar v : st.indices()) if (!v.name().equals(names.get(rd))) expected.add(v.name());
    List<String> mapped = outNames.stream().map(n -> names.getOrDefault(n, "?")).toList();
    if (!mapped.equals(expected) || c.indices().stream().noneMatch(v -> v.name().equals(scan.step().name()))) return Optional.empty();
    return Optional.of(new RecurrentKernel(scan, st, c, layout, names));
  }

  /** Every read of {@code tensor} in {@code e} is at exactly {@code point}. */
  private static boolean readsAt(Expr e, String tensor, List<Expr> point) {
    return Exprs.reads(e).stream().filter(r -> r.tensor().equals(tensor)).allMatch(r -> r.indices().equals(point));
  }

  /** The readout's index names mapped to the state's (from the readout's read of the state). */
  Map<String, String> readoutNames() {
    return readoutNames;
  }

  int threads() {
    long ex = layout.extent(e.extent());
    return (int) Math.min(1024, Math.max(32, (ex + 31) / 32 * 32));
  }

  long grid() {
    long g = 1;
    for (IndexVar v : batch) g *= layout.extent(v.extent());
    return Math.max(1, g);
  }

  List<Launch.Param> params() {
    List<String> reads = new ArrayList<>();
    OpBodies.collectReads(state.update(), reads);
    OpBodies.collectReads(readout.body(), reads);
    List<Launch.Param> ps = new ArrayList<>();
    for (String r : reads) if (!r.equals(state.name())) ps.add(new Launch.Param(r, false));
    ps.add(new Launch.Param(readout.out(), true));
    if (keepsState()) ps.add(new Launch.Param(state.name(), true));
    return ps;
  }

  /** A state that is not a temporary is the caller's: its final value is written back. */
  private boolean keepsState() {
    return layout.buffer(state.name()).role() != TensorDecl.Role.TEMP;
  }

  void body(CodeWriter w) {
    long dx = layout.extent(d.extent());
    long ex = layout.extent(e.extent());
    Map<String, String> idx = layout.decode(w, batch, "(long long)blockIdx.x");
    String ei = Names.index(e.name());
    String di = Names.index(d.name());
    String ti = Names.index(scan.step().name());
    idx.put(e.name(), ei);
    idx.put(d.name(), di);
    idx.put(scan.step().name(), ti);
    w.line("const long long " + ei + " = threadIdx.x;");
    w.line("if (" + ei + " >= " + ex + "LL) return;  // no barriers below: idle threads may leave");
    w.line("float s[" + dx + "];  // the state column S[.., :, e], in registers");
    CudaExpr stateEx = new CudaExpr(layout, idx, v -> v);
    w.line("#pragma unroll");
    w.open("for (int dd = 0; dd < " + dx + "; ++dd) {");
    if (Exprs.indices(state.init()).contains(d.name())) w.line("const long long " + di + " = dd;");
    w.line("s[dd] = " + stateEx.emit(state.init()).asFloat() + ";");
    w.close("}");
    w.open("for (long long " + ti + " = 0; " + ti + " < " + layout.extent(scan.step().extent()) + "LL; ++" + ti + ") {");
    w.line("float acc = 0.0f;");
    w.line("#pragma unroll");
    w.open("for (int dd = 0; dd < " + dx + "; ++dd) {");
    w.line("const long long " + di + " = dd;");
    w.line("s[dd] = " + stateEx.emit(replace(state.update(), state.name())).asFloat() + ";");
    Map<String, String> rIdx = new LinkedHashMap<>();
    for (Map.Entry<String, String> m : readoutNames.entrySet()) rIdx.put(m.getKey(), idx.get(m.getValue()));
    rIdx.put(scan.step().name(), ti);
    for (IndexVar v : readout.indices()) rIdx.putIfAbsent(v.name(), idx.get(v.name()));
    w.line("acc += " + new CudaExpr(layout, rIdx, v -> v).emit(replace(readout.body(), state.name())).asFloat() + ";");
    w.close("}");
    List<Expr> outSubs = readout.indices().stream().map(v -> (Expr) v.ref()).toList();
    w.line(Names.param(readout.out()) + "[" + new CudaExpr(layout, rIdx, null).offset(readout.out(), outSubs) + "] = "
        + layout.buffer(readout.out()).type().store("acc") + ";");
    w.close("}");
    if (keepsState()) {
      w.line("#pragma unroll");
      w.open("for (int dd = 0; dd < " + dx + "; ++dd) {");
      w.line("const long long " + di + " = dd;");
      List<Expr> subs = state.indices().stream().map(v -> (Expr) v.ref()).toList();
      w.line(Names.param(state.name()) + "[" + stateEx.offset(state.name(), subs) + "] = " + layout.buffer(state.name()).type().store("s[dd]") + ";");
      w.close("}");
    }
  }

  private static Expr replace(Expr e, String state) {
    return Exprs.rewrite(e, x -> x instanceof Expr.Read r && r.tensor().equals(state) ? new Expr.Var("s[dd]") : x);
  }
}
