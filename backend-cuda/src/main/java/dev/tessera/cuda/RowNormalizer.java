package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.Op;
import dev.tessera.ir.ReduceKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A normalizer over one whole row by one thread: the step runs once with the row's visible
 * scores as its block (from the initial state), then finish scales the weights. Names
 * are resolved symbolically: every per-row value becomes an expression, every row reduction one
 * loop, and only the reductions the weights and the finish depend on are emitted.
 */
final class RowNormalizer {
  private static final String X = "nv_x";

  private record Reduction(String name, ReduceKind kind, Expr body) {}

  private final NormalizerDef def;
  private final Layout layout;
  private final Map<String, String> idx;
  private final Op.Normalize op;
  private final IndexVar axis;
  private final List<Reduction> reductions = new ArrayList<>();
  private final Map<String, Expr> env = new HashMap<>();

  RowNormalizer(NormalizerDef def, Layout layout, Map<String, String> idx, Op.Normalize op, IndexVar axis) {
    this.def = def;
    this.layout = layout;
    this.idx = idx;
    this.op = op;
    this.axis = axis;
  }

  void emit(CodeWriter w, OpBodies.Store store) {
    for (NormalizerDef.StateVar s : def.state()) env.put(s.name(), resolve(s.init()));
    env.put("x", new Expr.Var(X));
    env.put("p", new Expr.Var(X));
    env.put("rescale", Expr.Const.of(1));
    for (NormalizerDef.Assign a : def.step()) env.put(a.target(), resolve(a.value()));
    Expr p = env.get("p");
    Expr finish = def.finish() == null ? Expr.Const.of(1) : resolve(def.finish());
    Set<String> needed = new LinkedHashSet<>();
    need(p, needed);
    need(finish, needed);
    CudaExpr ex = new CudaExpr(layout, idx, name -> name);
    String n = Names.index(axis.name());
    String loop = "for (long long " + n + " = 0; " + n + " < " + layout.extent(axis.extent()) + "LL; ++" + n + ") {";
    for (Reduction r : reductions) {
      if (!needed.contains(r.name())) continue;
      w.line("float " + r.name() + " = " + CudaExpr.floatLiteral(r.kind().identity()) + ";");
      w.open(loop);
      op.mask().ifPresent(m -> w.line("if ((" + ex.emit(m).text() + ") == 0) continue;"));
      if (mentions(r.body(), X)) w.line("const float " + X + " = " + ex.emit(op.input()).asFloat() + ";");
      w.line(OpBodies.combine(r.kind(), r.name(), ex.emit(r.body()).asFloat()));
      w.close("}");
    }
    w.line("const float finish = " + ex.emit(finish).asFloat() + ";");
    w.open(loop);
    w.line("float v = 0.0f;");
    w.open(op.mask().map(m -> "if ((" + ex.emit(m).text() + ") != 0) {").orElse("{"));
    if (mentions(p, X)) w.line("const float " + X + " = " + ex.emit(op.input()).asFloat() + ";");
    w.line("v = " + ex.emit(p).asFloat() + " * finish;");
    w.close("}");
    w.line(store.store(op.out(), op.indices(), ex, "v"));
    w.close("}");
  }

  /** Replaces names by their current values and hoists row reductions into loops. */
  private Expr resolve(Expr e) {
    return Exprs.rewrite(e, x -> switch (x) {
      case Expr.Var v when v.name().startsWith("nv_") || v.name().startsWith("nr_") -> v;
      case Expr.Var v -> {
        Expr value = env.get(v.name());
        if (value == null) throw new IllegalStateException("normalizer " + def.name() + ": " + v.name() + " has no value");
        yield value;
      }
      case Expr.RowReduce r -> {
        String name = "nr_" + reductions.size();
        reductions.add(new Reduction(name, r.kind(), r.body()));
        yield new Expr.Var(name);
      }
      default -> x;
    });
  }

  /** Adds the reductions {@code e} depends on, directly or through other reductions. */
  private void need(Expr e, Set<String> needed) {
    for (Expr n : Exprs.nodes(e)) {
      if (n instanceof Expr.Var v && v.name().startsWith("nr_") && needed.add(v.name())) {
        need(reductions.get(Integer.parseInt(v.name().substring(3))).body(), needed);
      }
    }
  }

  private static boolean mentions(Expr e, String var) {
    return Exprs.nodes(e).stream().anyMatch(n -> n instanceof Expr.Var v && v.name().equals(var));
  }
}
