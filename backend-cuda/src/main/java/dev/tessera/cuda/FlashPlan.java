package dev.tessera.cuda;

import dev.tessera.ir.ElemType;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.Op;
import dev.tessera.ir.ReduceKind;
import dev.tessera.ir.TensorDecl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a parallel attention template fits the fused flash kernel, and its pieces in the score
 * space's index names. It needs: a score {@code Σ_d Q·K} over one index, scores indexed
 * {@code [batch..., m, n]}; modifiers over the same space that read the previous value only at
 * the same point; an online normalizer (or none); an aggregate {@code Σ_n P·V}; Q, K, V and O
 * addressed as matrices whose column (d or e) is the last, unit-stride subscript; d and e
 * multiples of 16 up to 256; one floating storage type for Q, K, V.
 */
record FlashPlan(Op.ParallelAttention op, List<IndexVar> batch, IndexVar m, IndexVar n, IndexVar d, IndexVar e,
    Expr.Read q, Expr.Read k, Expr.Read v, String out, List<Expr> outSubs, CType type,
    List<Op.Compute> modifiers, Optional<NormalizerDef> normalizer, Optional<Expr> normInput, Optional<Expr> normMask) {

  static final int MAX_HEAD = 256;

  ElemType elemType() {
    return switch (type) {
      case F32 -> ElemType.F32;
      case F16 -> ElemType.F16;
      case BF16 -> ElemType.BF16;
      case I8 -> ElemType.I8;
      case BOOL -> ElemType.BOOL;
    };
  }

  static Optional<FlashPlan> of(Module module, Kernel kernel, Op.ParallelAttention a, Layout layout) {
    Op.Contract score = a.score();
    Op.Contract agg = a.aggregate();
    if (a.passes() != 1 || score.reduce().size() != 1 || agg.reduce().size() != 1 || agg.kind() != ReduceKind.SUM
        || score.kind() != ReduceKind.SUM || score.indices().size() < 2) {
      return Optional.empty();
    }
    List<IndexVar> space = score.indices();
    IndexVar m = space.get(space.size() - 2);
    IndexVar n = space.get(space.size() - 1);
    List<IndexVar> batch = space.subList(0, space.size() - 2);
    List<String> names = space.stream().map(IndexVar::name).toList();
    IndexVar d = score.reduce().get(0);
    List<Expr.Read> sf = product(score.body());
    List<Expr.Read> af = product(agg.body());
    if (sf == null || af == null) return Optional.empty();
    String last = score.out();
    for (Op.Compute c : a.modifiers()) {
      if (!sameSpace(c.indices(), names) || !readsOnlyAtPoint(c.body(), last, names, kernel)
          || !c.mask().map(x -> readsOnlyInputs(x, kernel)).orElse(true)) {
        return Optional.empty();
      }
      last = c.out();
    }
    Optional<NormalizerDef> norm = Optional.empty();
    if (a.normalize().isPresent()) {
      Op.Normalize nz = a.normalize().get();
      if (!sameSpace(nz.indices(), names) || !nz.axis().equals(n.name()) || !readsOnlyAtPoint(nz.input(), last, names, kernel)
          || !nz.mask().map(x -> readsOnlyInputs(x, kernel)).orElse(true)) {
        return Optional.empty();
      }
      norm = module.normalizer(nz.normalizer());
      if (norm.isEmpty()) return Optional.empty();
      last = nz.out();
    }
    String weights = last;
    Expr.Read w = af.stream().filter(r -> r.tensor().equals(weights)).findFirst().orElse(null);
    if (w == null || w.indices().size() != space.size()) return Optional.empty();
    Expr.Read vRaw = af.get(0) == w ? af.get(1) : af.get(0);
    Map<String, String> toScore = new HashMap<>();
    for (int i = 0; i < w.indices().size(); i++) {
      if (!(w.indices().get(i) instanceof Expr.Index x)) return Optional.empty();
      toScore.put(x.name(), names.get(i));
    }
    if (!n.name().equals(toScore.get(agg.reduce().get(0).name()))) return Optional.empty();
    IndexVar e = agg.indices().stream().filter(x -> !toScore.containsKey(x.name())).findFirst().orElse(null);
    if (e == null || agg.indices().size() != space.size()) return Optional.empty();
    Expr.Read v = (Expr.Read) Exprs.rewrite(vRaw, x -> x instanceof Expr.Index i && toScore.containsKey(i.name()) ? new Expr.Index(toScore.get(i.name())) : x);
    List<Expr> outSubs = agg.indices().stream().map(iv -> (Expr) new Expr.Index(toScore.getOrDefault(iv.name(), iv.name()))).toList();
    Expr.Read kRead = sf.stream().filter(r -> Exprs.indices(r).contains(n.name())).findFirst().orElse(null);
    if (kRead == null) return Optional.empty();
    Expr.Read qRead = sf.get(0) == kRead ? sf.get(1) : sf.get(0);
    List<String> batchNames = batch.stream().map(IndexVar::name).toList();
    if (!matrix(qRead, m.name(), d.name(), batchNames) || !matrix(kRead, n.name(), d.name(), batchNames)
        || !matrix(v, n.name(), e.name(), batchNames) || !matrix(new Expr.Read(agg.out(), outSubs), m.name(), e.name(), batchNames)) {
      return Optional.empty();
    }
    long dx = layout.extent(d.extent());
    long ex = layout.extent(e.extent());
    if (dx % 16 != 0 || ex % 16 != 0 || dx > MAX_HEAD || ex > MAX_HEAD) return Optional.empty();
    ElemType t = kernel.tensor(qRead.tensor()).map(TensorDecl::type).orElse(ElemType.I8);
    for (Expr.Read r : List.of(kRead, v)) {
      if (kernel.tensor(r.tensor()).map(TensorDecl::type).orElse(ElemType.I8) != t) return Optional.empty();
    }
    if (!t.isFloat()) return Optional.empty();
    return Optional.of(new FlashPlan(a, List.copyOf(batch), m, n, d, e, qRead, kRead, v, agg.out(), outSubs, CType.of(t),
        a.modifiers(), norm, a.normalize().map(Op.Normalize::input), a.normalize().flatMap(Op.Normalize::mask)));
  }

  /** The template's temporaries, which the flash kernel keeps in registers. */
  List<String> temps() {
    List<String> t = new ArrayList<>();
    t.add(op.score().out());
    for (Op.Compute c : modifiers) t.add(c.out());
    op.normalize().ifPresent(x -> t.add(x.out()));
    return t;
  }

  private static List<Expr.Read> product(Expr body) {
    if (body instanceof Expr.Binary b && b.op() == Expr.BinOp.MUL && b.left() instanceof Expr.Read l && b.right() instanceof Expr.Read r) {
      return List.of(l, r);
    }
    return null;
  }

  private static boolean sameSpace(List<IndexVar> vars, List<String> names) {
    return vars.stream().map(IndexVar::name).toList().equals(names);
  }

  /** Reads of {@code prev} only at the space's own point; every other read is of a kernel input. */
  private static boolean readsOnlyAtPoint(Expr e, String prev, List<String> names, Kernel kernel) {
    List<Expr> point = names.stream().map(x -> (Expr) new Expr.Index(x)).toList();
    for (Expr.Read r : Exprs.reads(e)) {
      if (r.tensor().equals(prev)) {
        if (!r.indices().equals(point)) return false;
      } else if (!isInput(r.tensor(), kernel)) {
        return false;
      }
    }
    return true;
  }

  private static boolean readsOnlyInputs(Expr e, Kernel kernel) {
    return Exprs.reads(e).stream().allMatch(r -> isInput(r.tensor(), kernel));
  }

  private static boolean isInput(String t, Kernel kernel) {
    return kernel.tensor(t).map(x -> x.role() == TensorDecl.Role.INPUT).orElse(false);
  }

  /** Row and column are lone subscripts, the column last (unit stride); the rest use batch indices only. */
  private static boolean matrix(Expr.Read r, String row, String col, List<String> batch) {
    List<Expr> subs = r.indices();
    if (subs.size() < 2 || !(subs.get(subs.size() - 1) instanceof Expr.Index c) || !c.name().equals(col)) return false;
    int rows = 0;
    for (int i = 0; i < subs.size() - 1; i++) {
      Expr s = subs.get(i);
      if (s instanceof Expr.Index x && x.name().equals(row)) {
        rows++;
      } else if (!batch.containsAll(Exprs.indices(s))) {
        return false;
      }
    }
    return rows == 1;
  }
}
