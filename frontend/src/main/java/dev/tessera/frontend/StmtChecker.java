package dev.tessera.frontend;

import dev.tessera.frontend.Ty.Typed;
import dev.tessera.frontend.ast.Ast;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.ReduceKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the expressions of one kernel statement. Index names resolve to the statement's active
 * index variables, then to dimensions, then to 0-d tensors. A reduction nested inside a larger
 * expression is hoisted into a temporary tensor computed just before the statement.
 */
final class StmtChecker extends ExprChecker {
  /** A reduction lifted out of an expression into its own tensor. */
  record Hoisted(TensorInfo temp, List<IndexInfo> free, ReduceKind kind, List<IndexInfo> over, Expr body) {}

  private final KernelScope kernel;
  private final Map<String, IndexInfo> active = new LinkedHashMap<>();
  final List<IndexInfo> created = new ArrayList<>();
  final List<Hoisted> hoisted = new ArrayList<>();
  private boolean allowReduce = true;

  StmtChecker(KernelScope kernel) {
    super(kernel.diags());
    this.kernel = kernel;
  }

  /** Makes an index variable visible; reports E215 when the name is taken. */
  IndexInfo bind(Ast.Ident id) {
    String n = id.name();
    if (active.containsKey(n)) throw diags.error(Codes.INDEX_CLASH, id.span(), "index '" + n + "' is already in use here");
    if (kernel.isDim(n)) {
      throw diags.error(Codes.INDEX_CLASH, id.span(), "index '" + n + "' has the name of a dimension",
          "indices are usually lower case (m), dimensions upper case (M)");
    }
    if (kernel.tensor(n) != null) throw diags.error(Codes.INDEX_CLASH, id.span(), "index '" + n + "' has the name of a tensor");
    IndexInfo info = new IndexInfo(n, id.span());
    active.put(n, info);
    created.add(info);
    return info;
  }

  /** Makes an index variable of an enclosing construct (a scan's step) visible. */
  void bindOuter(IndexInfo info) {
    active.put(info.name, info);
  }

  void unbind(IndexInfo info) {
    active.remove(info.name);
  }

  void forbidReductions() {
    allowReduce = false;
  }

  @Override
  Typed name(Ast.Name n) {
    IndexInfo idx = active.get(n.name());
    if (idx != null) return new Typed(idx.var0(), Ty.INT);
    if (kernel.isDim(n.name())) return new Typed(new Expr.Dim(n.name()), Ty.INT);
    TensorInfo t = kernel.tensor(n.name());
    if (t != null) {
      if (t.rank != 0) {
        throw diags.error(Codes.INDEX_COUNT, n.span(), "'" + n.name() + "' has " + t.rank + " dimension" + (t.rank == 1 ? "" : "s")
            + " and needs subscripts", "write " + n.name() + "[...]");
      }
      readable(t, n.span());
      return new Typed(new Expr.Read(t.name, List.of()), typeOf(t));
    }
    if (kernel.failed(n.name())) throw diags.quietly();
    List<String> known = new ArrayList<>(active.keySet());
    known.addAll(kernel.names());
    throw diags.error(Codes.UNKNOWN_NAME, n.span(), "unknown name '" + n.name() + "'", Diagnostics.didYouMean(n.name(), known));
  }

  @Override
  Typed read(Ast.Read r) {
    TensorInfo t = kernel.tensor(r.tensor().name());
    if (t == null) {
      if (kernel.failed(r.tensor().name())) throw diags.quietly();
      throw diags.error(Codes.UNKNOWN_NAME, r.tensor().span(), "unknown tensor '" + r.tensor().name() + "'",
          Diagnostics.didYouMean(r.tensor().name(), kernel.names()));
    }
    readable(t, r.tensor().span());
    if (r.indices().size() != t.rank) {
      throw diags.error(Codes.INDEX_COUNT, r.span(), "'" + t.name + "' has " + t.rank + " dimension" + (t.rank == 1 ? "" : "s")
          + " but " + r.indices().size() + " subscript" + (r.indices().size() == 1 ? " is" : "s are") + " given");
    }
    List<Expr> idx = new ArrayList<>();
    for (int p = 0; p < t.rank; p++) {
      Ast.Expr sub = r.indices().get(p);
      Typed ti = check(sub);
      if (ti.ty() != Ty.INT) {
        throw diags.error(Codes.NON_INTEGER_INDEX, sub.span(), "a subscript must be an integer expression, but this is " + ti.ty().text(),
            "subscripts combine indices, dimensions and integer literals with + - * / %");
      }
      if (sub instanceof Ast.Name n && active.containsKey(n.name()) && t.shape != null) {
        active.get(n.name()).candidate(t.shape.get(p), sub.span(), t.name);
      }
      idx.add(ti.expr());
    }
    return new Typed(new Expr.Read(t.name, idx), typeOf(t));
  }

  /** Outputs can be read only once a statement has assigned them. */
  private void readable(TensorInfo t, dev.tessera.diag.Span at) {
    if (t.role == dev.tessera.ir.TensorDecl.Role.OUTPUT && !kernel.assigned(t.name)) {
      throw diags.error(Codes.UNKNOWN_NAME, at, "output '" + t.name + "' is read before it is assigned",
          "compute the value in a temporary first, then assign the output from it");
    }
  }

  private static Ty typeOf(TensorInfo t) {
    if (t.type == ElemType.BOOL) return Ty.BOOL;
    return t.type == ElemType.I8 ? Ty.INT : Ty.FLOAT;
  }

  @Override
  Typed field(Ast.FieldRef f) {
    throw diags.error(Codes.MISPLACED, f.span(), "'" + f.side() + "." + f.name() + "' is only meaningful inside a normalizer's combine");
  }

  @Override
  Typed reduce(Ast.Reduce r) {
    return reduceInto(r, null);
  }

  /** Checks a reduction; when {@code top} is null its result is hoisted into a temporary. */
  Typed reduceInto(Ast.Reduce r, List<IndexInfo> top) {
    if (!allowReduce) throw diags.error(Codes.MISPLACED, r.span(), "a state update cannot contain a reduction", "compute it in a statement of its own before the scan");
    List<String> outer = new ArrayList<>(active.keySet());
    List<IndexInfo> over = new ArrayList<>();
    for (Ast.Ident id : r.over()) over.add(bind(id));
    Typed body = check(r.body());
    if (!body.ty().numeric()) throw diags.error(Codes.TYPE_MISMATCH, r.body().span(), "a reduction needs a number to reduce, not a condition");
    over.forEach(this::unbind);
    ReduceKind kind = ReduceKind.valueOf(r.kind().toUpperCase(java.util.Locale.ROOT));
    if (top != null) {
      hoisted.add(new Hoisted(null, top, kind, over, body.expr()));
      return body;
    }
    List<String> used = Exprs.indices(body.expr());
    List<IndexInfo> free = outer.stream().filter(used::contains).map(active::get).toList();
    TensorInfo temp = kernel.newTemp(r.span(), free);
    hoisted.add(new Hoisted(temp, free, kind, over, body.expr()));
    List<Expr> subs = free.stream().map(i -> (Expr) i.var0()).toList();
    return new Typed(new Expr.Read(temp.name, subs), Ty.FLOAT);
  }

  @Override
  Typed normalizeCall(Ast.NormalizeCall n) {
    throw diags.error(Codes.MISPLACED, n.span(), "a normalizer must be the whole right-hand side of a statement",
        "write P[...] = " + n.normalizer().name() + "[" + n.axis().name() + "](...) on its own, then use P");
  }
}
