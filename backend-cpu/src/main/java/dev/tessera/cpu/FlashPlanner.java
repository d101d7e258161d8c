package dev.tessera.cpu;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;
import dev.tessera.ir.ReduceKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a parallel attention template can run fused and builds its {@link FlashSpec}.
 * It needs the score to be a dot product of two reads over one index, the aggregation a product of
 * the weights and one read, and each read a matrix in its row and column indices; anything else
 * falls back to the generic loop nests (correct, but it materialises the scores).
 */
final class FlashPlanner {
  private final Module module;
  private final int blockM;
  private final int blockN;
  private final int splitKv;

  int blockM() {
    return blockM;
  }

  int blockN() {
    return blockN;
  }

  FlashPlanner(Module module, int blockM, int blockN, int splitKv) {
    this.module = module;
    this.blockM = blockM;
    this.blockN = blockN;
    this.splitKv = splitKv;
  }

  Plan plan(Op.ParallelAttention a, TileEmitter tiles, NormalizerEmitter normalizers) {
    Op.Contract score = a.score();
    Op.Contract agg = a.aggregate();
    if (score.reduce().size() != 1 || agg.reduce().size() != 1 || agg.kind() != ReduceKind.SUM) return null;
    List<Expr.Read> sf = reads(score.body());
    List<Expr.Read> af = reads(agg.body());
    if (sf == null || af == null) return null;
    String d = score.reduce().get(0).name();
    List<String> space = score.indices().stream().map(IndexVar::name).toList();
    Expr.Read weights = af.stream().filter(r -> r.tensor().equals(lastTemp(a))).findFirst().orElse(null);
    if (weights == null) return null;
    Expr.Read vRead = af.get(0) == weights ? af.get(1) : af.get(0);
    Map<String, String> toScore = new HashMap<>();
    for (int i = 0; i < weights.indices().size(); i++) {
      if (!(weights.indices().get(i) instanceof Expr.Index x)) return null;
      toScore.put(x.name(), space.get(i));
    }
    String n = toScore.get(agg.reduce().get(0).name());
    if (n == null) return null;
    Expr.Read kRead = sf.stream().filter(r -> Exprs.indices(r).contains(n)).findFirst().orElse(null);
    if (kRead == null) return null;
    Expr.Read qRead = sf.get(0) == kRead ? sf.get(1) : sf.get(0);
    List<String> outer = space.stream().filter(x -> !x.equals(n)).toList();
    List<String> rowCandidates = outer.stream().filter(x -> !Exprs.indices(kRead).contains(x)).toList();
    if (rowCandidates.isEmpty()) return null;
    String m = rowCandidates.get(rowCandidates.size() - 1);
    List<String> batch = outer.stream().filter(x -> !x.equals(m)).toList();
    String e = agg.indices().stream().map(IndexVar::name).filter(x -> !toScore.containsKey(x)).findFirst().orElse(null);
    if (e == null) return null;
    Expr.Read vMapped = rename(vRead, toScore);
    List<Expr> outSubs = agg.indices().stream().map(iv -> (Expr) new Expr.Index(toScore.getOrDefault(iv.name(), iv.name()))).toList();
    FlashSpec.Access q = access(qRead.tensor(), qRead.indices(), m, d, batch);
    FlashSpec.Access k = access(kRead.tensor(), kRead.indices(), n, d, batch);
    FlashSpec.Access v = access(vMapped.tensor(), vMapped.indices(), n, e, batch);
    FlashSpec.Access o = access(agg.out(), outSubs, m, e, batch);
    if (q == null || k == null || v == null || o == null) return null;
    int normId = -1;
    int stateVars = 0;
    int scratchRows = 1;
    int passes = 1;
    boolean combinable = true;
    boolean softmax = false;
    if (a.normalize().isPresent()) {
      String name = a.normalize().get().normalizer();
      normId = normalizers.id(name);
      stateVars = module.normalizer(name).orElseThrow().state().size();
      scratchRows = StepRows.scratchRows(module.normalizer(name).orElseThrow());
      var analysis = dev.tessera.passes.OnlineAnalysis.analyse(module.normalizer(name).orElseThrow());
      passes = analysis.passes();
      combinable = analysis.combinable();
      softmax = passes == 1 && OnlineSoftmax.matches(module.normalizer(name).orElseThrow());
    }
    Expr alpha = foldableScale(a);
    int skip = alpha == null ? 0 : 1;
    boolean identityWhenFull = a.modifiers().size() == skip && a.normalize().map(x ->
        x.input() instanceof Expr.Read r && r.tensor().equals(skip == 0 ? score.out() : a.modifiers().get(0).out())).orElse(skip == 0);
    boolean identity = identityWhenFull && a.normalize().map(x -> x.mask().isEmpty()).orElse(true);
    int tile = tiles.add(a, batch, m, n, skip);
    List<Expr> batchExtents = batch.stream().map(b -> extent(score, b)).toList();
    Expr eExtent = agg.indices().stream().filter(iv -> iv.name().equals(e)).findFirst().orElseThrow().extent();
    List<Expr> modMasks = a.modifiers().stream().map(c -> c.mask().orElse(null)).toList();
    return new Plan.Flash(new FlashSpec(tile, identity, identityWhenFull, alpha == null ? Expr.Const.of(1) : alpha, normId,
        softmax && identityWhenFull, stateVars, scratchRows, passes, combinable, batch, batchExtents, m, n, extent(score, m),
        extent(score, n), score.reduce().get(0).extent(), eExtent, q, k, v, o,
        a.normalize().flatMap(Op.Normalize::mask).orElse(null), modMasks, blockM, blockN, splitKv));
  }

  /**
   * A first modifier {@code c * S} with {@code c} built from constants and dimensions only (the
   * usual 1/√D) can be applied as the score product's alpha; returns c, or null.
   */
  private static Expr foldableScale(Op.ParallelAttention a) {
    if (a.modifiers().isEmpty() || a.modifiers().get(0).mask().isPresent()) return null;
    Op.Compute first = a.modifiers().get(0);
    if (!(first.body() instanceof Expr.Binary b) || b.op() != Expr.BinOp.MUL) return null;
    Expr read = b.right() instanceof Expr.Read ? b.right() : b.left();
    Expr scale = read == b.right() ? b.left() : b.right();
    boolean identityRead = read instanceof Expr.Read r && r.tensor().equals(a.score().out())
        && r.indices().equals(first.indices().stream().map(iv -> (Expr) iv.ref()).toList());
    boolean constant = Exprs.reads(scale).isEmpty() && Exprs.indices(scale).isEmpty();
    return identityRead && constant ? scale : null;
  }

  private static String lastTemp(Op.ParallelAttention a) {
    if (a.normalize().isPresent()) return a.normalize().get().out();
    return a.modifiers().isEmpty() ? a.score().out() : a.modifiers().get(a.modifiers().size() - 1).out();
  }

  private static Expr extent(Op.Contract c, String index) {
    return c.indices().stream().filter(iv -> iv.name().equals(index)).findFirst().orElseThrow().extent();
  }

  /** The two reads of a product {@code a * b}, or null when the body is anything else. */
  private static List<Expr.Read> reads(Expr body) {
    if (body instanceof Expr.Binary b && b.op() == Expr.BinOp.MUL && b.left() instanceof Expr.Read l
        && b.right() instanceof Expr.Read r) {
      return List.of(l, r);
    }
    return null;
  }

  private static Expr.Read rename(Expr.Read r, Map<String, String> names) {
    return (Expr.Read) Exprs.rewrite(r, x -> x instanceof Expr.Index i && names.containsKey(i.name()) ? new Expr.Index(names.get(i.name())) : x);
  }

  /** A matrix view of a read, or null when row or column is not a lone subscript or others depend on them. */
  static FlashSpec.Access access(String tensor, List<Expr> subs, String row, String col, List<String> batch) {
    int rowPos = -1;
    int colPos = -1;
    for (int i = 0; i < subs.size(); i++) {
      Expr s = subs.get(i);
      if (s instanceof Expr.Index x && x.name().equals(row) && rowPos < 0) {
        rowPos = i;
      } else if (s instanceof Expr.Index x && x.name().equals(col) && colPos < 0) {
        colPos = i;
      } else if (!batch.containsAll(Exprs.indices(s))) {
        return null;
      }
    }
    if (rowPos < 0 || colPos < 0) return null;
    return new FlashSpec.Access(tensor, new ArrayList<>(subs), row, col, rowPos, colPos);
  }
}
