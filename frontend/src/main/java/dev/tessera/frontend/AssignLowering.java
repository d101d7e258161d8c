package dev.tessera.frontend;

import dev.tessera.frontend.ast.Ast;
import dev.tessera.ir.Expr;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lowers one assignment in two phases: {@link #check} resolves names and types and records index
 * uses; after the caller resolved every index extent, {@link #build} produces the ops: hoisted
 * reductions first, then a {@code Compute}, {@code Contract} or {@code Normalize} for the target.
 */
final class AssignLowering {
  private final KernelChecker kernel;
  private final Map<String, NormalizerDef> normalizers;
  private StmtChecker sc;
  private TensorInfo target;
  private List<IndexInfo> indices;
  private Expr body;
  private Optional<Expr> mask = Optional.empty();
  private Ast.NormalizeCall normalize;

  AssignLowering(KernelChecker kernel, Map<String, NormalizerDef> normalizers) {
    this.kernel = kernel;
    this.normalizers = normalizers;
  }

  /** Checks and lowers a statement at kernel level. */
  List<Op> lower(Ast.Assign a) {
    check(a, null);
    resolve();
    return build();
  }

  /** Checks the statement; {@code step} is the enclosing scan's index, which the target must use. */
  void check(Ast.Assign a, IndexInfo step) {
    sc = new StmtChecker(kernel);
    indices = new ArrayList<>();
    boolean usesStep = false;
    for (Ast.Ident id : a.target().indices()) {
      if (step != null && id.name().equals(step.name)) {
        sc.bindOuter(step);
        indices.add(step);
        usesStep = true;
      } else {
        indices.add(sc.bind(id));
      }
    }
    if (step != null && !usesStep) {
      throw kernel.diags().error(Codes.BAD_SCAN, a.target().span(), "a statement inside 'scan " + step.name + "' must be indexed by "
          + step.name, "write " + a.target().tensor().name() + "[..., " + step.name + ", ...] so each step writes its own slice");
    }
    target = kernel.target(a.target(), indices);
    if (a.value() instanceof Ast.NormalizeCall n) {
      checkNormalize(n);
    } else if (a.value() instanceof Ast.Reduce r && a.where().isEmpty()) {
      sc.reduceInto(r, indices);
    } else {
      body = sc.expect(a.value(), Ty.FLOAT, "the value of " + target.name);
    }
    if (a.where().isPresent()) mask = Optional.of(sc.expect(a.where().get(), Ty.BOOL, "a where clause"));
  }

  private void checkNormalize(Ast.NormalizeCall n) {
    if (!normalizers.containsKey(n.normalizer().name())) {
      if (kernel.normalizerFailed(n.normalizer().name())) throw kernel.diags().quietly();
      throw kernel.diags().error(Codes.UNKNOWN_NORMALIZER, n.normalizer().span(), "unknown normalizer '" + n.normalizer().name() + "'",
          Diagnostics.didYouMean(n.normalizer().name(), normalizers.keySet()));
    }
    if (indices.stream().noneMatch(i -> i.name.equals(n.axis().name()))) {
      throw kernel.diags().error(Codes.BAD_AXIS, n.axis().span(), "the normalizer runs along '" + n.axis().name()
          + "', which is not an index of " + target.name, "name one of the target's indices, usually the key index n");
    }
    normalize = n;
    body = sc.expect(n.input(), Ty.FLOAT, "the input of " + n.normalizer().name());
  }

  /** Index variables this statement introduced, for the caller to resolve. */
  List<IndexInfo> created() {
    return sc.created;
  }

  private void resolve() {
    for (IndexInfo i : sc.created) i.resolve(kernel.diags());
  }

  List<Op> build() {
    List<Op> ops = new ArrayList<>();
    List<IndexVar> vars = indices.stream().map(IndexInfo::var).toList();
    Op main = null;
    for (StmtChecker.Hoisted h : sc.hoisted) {
      List<IndexVar> over = h.over().stream().map(IndexInfo::var).toList();
      if (h.temp() == null) {
        main = new Op.Contract(target.name, vars, h.kind(), over, h.body());
      } else {
        h.temp().settle();
        ops.add(new Op.Contract(h.temp().name, h.free().stream().map(IndexInfo::var).toList(), h.kind(), over, h.body()));
      }
    }
    if (main == null && normalize != null) {
      main = new Op.Normalize(target.name, vars, normalize.axis().name(), normalize.normalizer().name(), body, mask);
    } else if (main == null) {
      main = new Op.Compute(target.name, vars, body, mask);
    }
    ops.add(main);
    target.settle();
    kernel.commit(target);
    return ops;
  }
}
