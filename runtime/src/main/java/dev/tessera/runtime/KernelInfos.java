package dev.tessera.runtime;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.Extents;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Op;
import dev.tessera.scheduler.cost.KernelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Describes a kernel (after the pass pipeline) to a cost model: its costliest template op —
 * parallel attention, recurrent attention or a contraction — with its dimensions bound.
 */
public final class KernelInfos {
  /** Query and key positions sampled per axis when estimating how much of the score matrix a mask lets through. */
  static final int MASK_SAMPLES = 64;

  private KernelInfos() {}

  /** The description, or empty when the kernel has no template op. */
  public static Optional<KernelInfo> of(Kernel kernel, Map<String, Long> dims) {
    KernelInfo best = null;
    for (Op op : kernel.ops()) {
      KernelInfo k = describe(op, dims);
      if (k != null && (best == null || work(k) > work(best))) best = k;
    }
    return Optional.ofNullable(best);
  }

  private static double work(KernelInfo k) {
    return (double) k.batch() * k.m() * k.n() * k.d() * k.visibleFraction();
  }

  private static KernelInfo describe(Op op, Map<String, Long> dims) {
    return switch (op) {
      case Op.ParallelAttention a -> parallel(a, dims);
      case Op.RecurrentAttention r -> recurrent(r, dims);
      case Op.Einsum e -> {
        List<IndexVar> ix = e.contraction().indices();
        long n = ix.isEmpty() ? 1 : extent(ix.get(ix.size() - 1), dims);
        long m = ix.size() < 2 ? 1 : extent(ix.get(ix.size() - 2), dims);
        yield new KernelInfo(KernelInfo.Kind.CONTRACTION, product(ix, 0, Math.max(0, ix.size() - 2), dims), m, n,
            product(e.contraction().reduce(), 0, e.contraction().reduce().size(), dims), 0, 1, 0);
      }
      default -> null;
    };
  }

  private static KernelInfo parallel(Op.ParallelAttention a, Map<String, Long> dims) {
    List<IndexVar> ix = a.score().indices();
    IndexVar mVar = ix.get(ix.size() - 2);
    IndexVar nVar = ix.get(ix.size() - 1);
    long m = extent(mVar, dims);
    long n = extent(nVar, dims);
    List<IndexVar> out = a.aggregate().indices();
    long e = extent(out.get(out.size() - 1), dims);
    List<Expr> masks = new ArrayList<>();
    for (Op.Compute c : a.modifiers()) c.mask().ifPresent(masks::add);
    a.normalize().flatMap(Op.Normalize::mask).ifPresent(masks::add);
    double visible = masks.isEmpty() ? 1 : visibleFraction(masks, mVar.name(), m, nVar.name(), n, dims);
    return new KernelInfo(KernelInfo.Kind.PARALLEL, product(ix, 0, ix.size() - 2, dims), m, n,
        product(a.score().reduce(), 0, a.score().reduce().size(), dims), e, visible, Math.max(1, a.passes()));
  }

  private static KernelInfo recurrent(Op.RecurrentAttention r, Map<String, Long> dims) {
    long t = extent(r.scan().step(), dims);
    List<IndexVar> state = r.scan().states().get(0).indices();
    long d = extent(state.get(state.size() - 2), dims);
    long e = extent(state.get(state.size() - 1), dims);
    return new KernelInfo(KernelInfo.Kind.RECURRENT, product(state, 0, state.size() - 2, dims), t, t, d, e, 1, 0);
  }

  /**
   * The fraction of a grid of (query, key) samples every mask lets through, other indices at 0. A
   * mask that reads a tensor (a block mask) cannot be judged without its data and counts as all visible.
   */
  static double visibleFraction(List<Expr> masks, String mName, long m, String nName, long n, Map<String, Long> dims) {
    int visible = 0;
    int total = 0;
    long sm = Math.min(m, MASK_SAMPLES);
    long sn = Math.min(n, MASK_SAMPLES);
    for (long i = 0; i < sm; i++) {
      for (long j = 0; j < sn; j++) {
        long q = m == 1 ? 0 : i * (m - 1) / Math.max(1, sm - 1);
        long k = n == 1 ? 0 : j * (n - 1) / Math.max(1, sn - 1);
        boolean all = true;
        for (Expr mask : masks) {
          Expr bound = Exprs.rewrite(mask, x -> x instanceof Expr.Index ix
              ? new Expr.Const(ix.name().equals(mName) ? q : ix.name().equals(nName) ? k : 0, true) : x);
          try {
            all &= Extents.eval(bound, dims) != 0;
          } catch (IllegalArgumentException | IllegalStateException e) {
            return 1;
          }
        }
        visible += all ? 1 : 0;
        total++;
      }
    }
    return Math.max(1.0 / total, (double) visible / total);
  }

  private static long extent(IndexVar v, Map<String, Long> dims) {
    return Extents.extent(v.extent(), dims);
  }

  private static long product(List<IndexVar> vars, int from, int to, Map<String, Long> dims) {
    long p = 1;
    for (int i = from; i < to; i++) p *= extent(vars.get(i), dims);
    return p;
  }
}
