package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;
import dev.tessera.ir.Expr;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;
import dev.tessera.ir.ReduceKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generic, op-by-op code: one thread per output element for maps and reductions, one thread
 * per row for a normalizer. Correct for every op the IR has; the fast templates cover the common
 * attention shapes and fall back to this for the rest.
 */
final class OpBodies {
  private final Module module;
  private final Layout layout;

  OpBodies(Module module, Layout layout) {
    this.module = module;
    this.layout = layout;
  }

  /** Emits {@code op} (a Compute, Contract or Normalize) as a loop split among threads. */
  void emit(CodeWriter w, Op op, String fixed, ElementLoop.Stride stride) {
    switch (op) {
      case Op.Compute c -> compute(w, c, fixed, stride);
      case Op.Contract c -> contract(w, c, fixed, stride);
      case Op.Normalize n -> normalize(w, n, fixed, stride);
      case Op.Einsum e -> contract(w, e.contraction(), fixed, stride);
      case Op.Scan s -> throw new IllegalArgumentException("a scan is its own kernel");
      case Op.ParallelAttention a -> throw new IllegalArgumentException("attention is emitted piece by piece");
      case Op.RecurrentAttention r -> throw new IllegalArgumentException("a recurrence is its own kernel");
    }
  }

  /** The tensors {@code op} reads, in first-read order. */
  static List<String> reads(Op op) {
    List<String> out = new ArrayList<>();
    List<Expr> exprs = new ArrayList<>();
    switch (op) {
      case Op.Compute c -> {
        exprs.add(c.body());
        c.mask().ifPresent(exprs::add);
      }
      case Op.Contract c -> exprs.add(c.body());
      case Op.Normalize n -> {
        exprs.add(n.input());
        n.mask().ifPresent(exprs::add);
      }
      case Op.Einsum e -> exprs.add(e.contraction().body());
      default -> throw new IllegalArgumentException("not an element op: " + op);
    }
    for (Expr e : exprs) collectReads(e, out);
    return out;
  }

  static void collectReads(Expr e, List<String> out) {
    dev.tessera.ir.Exprs.reads(e).forEach(r -> {
      if (!out.contains(r.tensor())) out.add(r.tensor());
    });
  }

  private String store(String tensor, List<IndexVar> vars, CudaExpr ex, String value) {
    List<Expr> subs = vars.stream().map(v -> (Expr) v.ref()).toList();
    return Names.param(tensor) + "[" + ex.offset(tensor, subs) + "] = " + layout.buffer(tensor).type().store(value) + ";";
  }

  private void compute(CodeWriter w, Op.Compute c, String fixed, ElementLoop.Stride stride) {
    Map<String, String> idx = ElementLoop.open(w, layout, c.indices(), fixed, stride);
    CudaExpr ex = new CudaExpr(layout, idx, null);
    String body = ex.emit(c.body()).asFloat();
    String value = c.mask().map(m -> "(" + ex.emit(m).text() + ") != 0 ? " + body + " : 0.0f").orElse(body);
    w.line(store(c.out(), c.indices(), ex, value));
    ElementLoop.close(w);
  }

  private void contract(CodeWriter w, Op.Contract c, String fixed, ElementLoop.Stride stride) {
    Map<String, String> idx = ElementLoop.open(w, layout, c.indices(), fixed, stride);
    Map<String, String> all = new LinkedHashMap<>(idx);
    for (IndexVar r : c.reduce()) all.put(r.name(), Names.index(r.name()));
    CudaExpr ex = new CudaExpr(layout, all, null);
    w.line("float acc = " + CudaExpr.floatLiteral(c.kind().identity()) + ";");
    for (IndexVar r : c.reduce()) {
      String i = Names.index(r.name());
      w.open("for (long long " + i + " = 0; " + i + " < " + layout.extent(r.extent()) + "LL; ++" + i + ") {");
    }
    w.line(combine(c.kind(), "acc", ex.emit(c.body()).asFloat()));
    for (int k = 0; k < c.reduce().size(); k++) w.close("}");
    w.line(store(c.out(), c.indices(), new CudaExpr(layout, idx, null), "acc"));
    ElementLoop.close(w);
  }

  static String combine(ReduceKind kind, String acc, String value) {
    return switch (kind) {
      case SUM -> acc + " += " + value + ";";
      case MAX -> acc + " = fmaxf(" + acc + ", " + value + ");";
      case MIN -> acc + " = fminf(" + acc + ", " + value + ");";
    };
  }

  private void normalize(CodeWriter w, Op.Normalize n, String fixed, ElementLoop.Stride stride) {
    List<IndexVar> rowVars = n.indices().stream().filter(v -> !v.name().equals(n.axis())).toList();
    IndexVar axis = n.indices().stream().filter(v -> v.name().equals(n.axis())).findFirst().orElseThrow();
    Map<String, String> idx = new LinkedHashMap<>(ElementLoop.open(w, layout, rowVars, fixed, stride));
    idx.put(axis.name(), Names.index(axis.name()));
    new RowNormalizer(module.normalizer(n.normalizer()).orElseThrow(), layout, idx, n, axis).emit(w, this::store);
    ElementLoop.close(w);
  }

  /** Writes the store of one element of a normalizer's output. */
  interface Store {
    String store(String tensor, List<IndexVar> vars, CudaExpr ex, String value);
  }
}
