package dev.tessera.frontend;

import dev.tessera.diag.Span;
import dev.tessera.frontend.Ty.Typed;
import dev.tessera.frontend.ast.Ast;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.Op;
import dev.tessera.ir.SourceMap;
import dev.tessera.ir.TensorDecl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Checks one kernel: its signature, dimension relations and statements, and lowers it to IR. */
final class KernelChecker implements KernelScope {
  private final Diagnostics diags;
  private final SourceMap sources;
  private final Map<String, NormalizerDef> normalizers;
  private final List<String> failedNormalizers;
  private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
  private final Set<String> dims = new LinkedHashSet<>();
  private final Set<String> assigned = new LinkedHashSet<>();
  private final Set<String> written = new LinkedHashSet<>();
  private final Set<String> failed = new LinkedHashSet<>();
  private String kernelName;
  private int tempCounter;

  KernelChecker(Diagnostics diags, SourceMap sources, Map<String, NormalizerDef> normalizers,
      List<String> failedNormalizers) {
    this.diags = diags;
    this.sources = sources;
    this.normalizers = normalizers;
    this.failedNormalizers = failedNormalizers;
  }

  Kernel check(Ast.KernelDecl k) {
    kernelName = k.name().name();
    sources.kernel(kernelName, k.name().span());
    for (Ast.Param p : k.inputs()) declare(p, TensorDecl.Role.INPUT);
    for (Ast.Param p : k.outputs()) declare(p, TensorDecl.Role.OUTPUT);
    List<Kernel.Relation> relations = relations(k.relations());
    List<Kernel.DimDefault> defaults = defaults(k.defaults());
    for (Ast.Stmt s : k.body()) written.addAll(targets(s));
    List<Op> ops = new ArrayList<>();
    for (Ast.Stmt s : k.body()) {
      try {
        switch (s) {
          case Ast.Assign a -> ops.addAll(new AssignLowering(this, normalizers).lower(a));
          case Ast.Scan sc -> ops.add(new ScanLowering(this, normalizers).lower(sc));
        }
      } catch (Diagnostics.Abandon e) {
        // reported; go on with the next statement so one run reports several errors
        failed.addAll(targets(s));
      }
    }
    for (TensorInfo t : tensors.values()) {
      if (t.role == TensorDecl.Role.OUTPUT && !assigned.contains(t.name) && !failed.contains(t.name)) {
        diags.error(Codes.OUTPUT_UNASSIGNED, t.span, "output '" + t.name + "' is never assigned", "add a statement " + t.name + "[...] = ...");
      }
    }
    List<TensorDecl> decls = tensors.values().stream().filter(t -> t.shape != null).map(TensorInfo::decl).toList();
    return new Kernel(kernelName, decls, relations, defaults, ops);
  }

  /** The tensors a statement writes, by the names the user gave them. */
  private static List<String> targets(Ast.Stmt s) {
    return switch (s) {
      case Ast.Assign a -> List.of(a.target().tensor().name());
      case Ast.Scan sc -> Stream.concat(sc.states().stream(), sc.body().stream()).map(a -> a.target().tensor().name()).toList();
    };
  }

  private void declare(Ast.Param p, TensorDecl.Role role) {
    String name = p.name().name();
    ElemType type = ElemType.parse(p.type().name()).orElseThrow(() -> diags.error(Codes.UNKNOWN_TYPE, p.type().span(),
        "unknown element type '" + p.type().name() + "'", "element types are f32, f16, bf16, i8 and bool"));
    if (tensors.containsKey(name)) throw diags.error(Codes.DUPLICATE, p.name().span(), "tensor '" + name + "' is declared twice");
    if (role == TensorDecl.Role.OUTPUT && !type.isFloat()) {
      throw diags.error(Codes.BAD_DECLARATION, p.type().span(), "output '" + name + "' must have a floating-point type, not " + type.text());
    }
    Optional<TensorDecl.ValueRange> range = Optional.empty();
    if (p.range().isPresent()) {
      Ast.Range r = p.range().get();
      if (role != TensorDecl.Role.INPUT) throw diags.error(Codes.BAD_DECLARATION, r.span(), "only inputs can have a value range");
      if (!(r.low() <= r.high())) throw diags.error(Codes.BAD_DECLARATION, r.span(), "the range is empty: " + r.low() + " > " + r.high());
      range = Optional.of(new TensorDecl.ValueRange(r.low(), r.high()));
    }
    List<Expr> shape = new ArrayList<>();
    for (Ast.DimRef d : p.shape()) {
      if (d.isLiteral()) {
        shape.add(Expr.Const.of(d.size()));
      } else {
        dims.add(d.name());
        sources.dim(kernelName, d.name(), d.span());
        shape.add(new Expr.Dim(d.name()));
      }
    }
    sources.tensor(kernelName, name, p.name().span());
    tensors.put(name, new TensorInfo(name, type, role, shape.size(), p.name().span(), shape, range));
  }

  private List<Kernel.Relation> relations(List<Ast.Relation> rels) {
    for (Ast.Relation r : rels) {
      dims.add(r.dim().name());
      sources.dim(kernelName, r.dim().name(), r.dim().span());
      collectDimNames(r.value());
    }
    List<Kernel.Relation> out = new ArrayList<>();
    Set<String> defined = new LinkedHashSet<>();
    for (Ast.Relation r : rels) {
      if (!defined.add(r.dim().name())) {
        throw diags.error(Codes.DUPLICATE, r.dim().span(), "dimension '" + r.dim().name() + "' is defined by two relations");
      }
      StmtChecker sc = new StmtChecker(this);
      Typed t = sc.check(r.value());
      if (t.ty() != Ty.INT) throw diags.error(Codes.TYPE_MISMATCH, r.value().span(), "a dimension relation must be an integer expression");
      if (!sc.hoisted.isEmpty()) throw diags.error(Codes.MISPLACED, r.value().span(), "a dimension relation cannot contain a reduction");
      out.add(new Kernel.Relation(r.dim().name(), t.expr()));
    }
    return out;
  }

  /** Names in relations are dimensions by mention ({@code H = G * Hk} introduces G). */
  private void collectDimNames(Ast.Expr e) {
    switch (e) {
      case Ast.Name n -> {
        if (tensors.containsKey(n.name())) {
          throw diags.error(Codes.TYPE_MISMATCH, n.span(), "'" + n.name() + "' is a tensor; relations relate dimensions");
        }
        if (dims.add(n.name())) sources.dim(kernelName, n.name(), n.span());
      }
      case Ast.Binary b -> {
        collectDimNames(b.left());
        collectDimNames(b.right());
      }
      case Ast.Unary u -> collectDimNames(u.operand());
      case Ast.Call c -> c.args().forEach(this::collectDimNames);
      default -> { }
    }
  }

  private List<Kernel.DimDefault> defaults(List<Ast.DimDefault> defs) {
    List<Kernel.DimDefault> out = new ArrayList<>();
    for (Ast.DimDefault d : defs) {
      String n = d.dim().name();
      if (!dims.contains(n)) {
        throw diags.error(Codes.UNKNOWN_DIM, d.dim().span(), "unknown dimension '" + n + "'", Diagnostics.didYouMean(n, dims));
      }
      if (out.stream().anyMatch(x -> x.dim().equals(n))) throw diags.error(Codes.DUPLICATE, d.dim().span(), "dimension '" + n + "' has two defaults");
      if (d.value() < 1) throw diags.error(Codes.BAD_DECLARATION, d.span(), "a dimension must be at least 1");
      out.add(new Kernel.DimDefault(n, d.value()));
    }
    return out;
  }

  /** Registers the target of an assignment, checking it may be written; returns its info. */
  TensorInfo target(Ast.Target t, List<IndexInfo> indices) {
    String name = t.tensor().name();
    TensorInfo info = tensors.get(name);
    if (info != null && info.role == TensorDecl.Role.INPUT) {
      throw diags.error(Codes.ASSIGN_INPUT, t.tensor().span(), "cannot assign to input '" + name + "'", "assign a new tensor instead");
    }
    if (assigned.contains(name)) throw diags.error(Codes.ASSIGNED_TWICE, t.tensor().span(), "'" + name + "' is assigned twice");
    if (info == null && dims.contains(name)) throw diags.error(Codes.INDEX_CLASH, t.tensor().span(), "'" + name + "' is a dimension");
    if (info != null) {
      if (info.rank != indices.size()) {
        throw diags.error(Codes.INDEX_COUNT, t.span(), "'" + name + "' is declared with " + info.rank + " dimensions but assigned with "
            + indices.size() + " indices");
      }
      for (int i = 0; i < indices.size(); i++) indices.get(i).fix(info.shape.get(i), name);
    } else {
      info = TensorInfo.temp(name, t.tensor().span(), indices);
      sources.tensor(kernelName, name, t.tensor().span());
    }
    return info;
  }

  /** Marks a target as written once its statement checked cleanly. */
  void commit(TensorInfo t) {
    assigned.add(t.name);
    tensors.putIfAbsent(t.name, t);
  }

  @Override
  public Diagnostics diags() {
    return diags;
  }

  @Override
  public boolean isDim(String name) {
    return dims.contains(name);
  }

  @Override
  public boolean assigned(String name) {
    return assigned.contains(name);
  }

  @Override
  public boolean failed(String name) {
    return failed.contains(name);
  }

  /** Whether a normalizer of that name is declared in the file but did not check. */
  boolean normalizerFailed(String name) {
    return failedNormalizers.contains(name);
  }

  @Override
  public TensorInfo tensor(String name) {
    return tensors.get(name);
  }

  @Override
  public List<String> names() {
    List<String> all = new ArrayList<>(dims);
    all.addAll(tensors.keySet());
    return all;
  }

  @Override
  public TensorInfo newTemp(Span span, List<IndexInfo> free) {
    String name;
    do {
      name = "_r" + tempCounter++;
    } while (tensors.containsKey(name) || written.contains(name) || dims.contains(name));
    TensorInfo t = TensorInfo.temp(name, span, free);
    tensors.put(name, t);
    return t;
  }
}
