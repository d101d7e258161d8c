package dev.tessera.cuda;

import dev.tessera.ir.ElemType;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Op;
import dev.tessera.scheduler.Shapes;
import java.util.List;

/**
 * The sizes a schedule's legality is checked against: those of the kernel's first attention (its
 * last two score indices are the query and key rows), else of its first contraction, else unit.
 */
final class ProblemShapes {
  private ProblemShapes() {}

  static Shapes of(Kernel k, Layout layout, ElemType dtype) {
    for (Op op : k.ops()) {
      if (op instanceof Op.ParallelAttention a && a.score().indices().size() >= 2) {
        List<IndexVar> s = a.score().indices();
        List<IndexVar> o = a.aggregate().indices();
        return new Shapes(layout.extent(s.get(s.size() - 2).extent()), layout.extent(s.get(s.size() - 1).extent()),
            reduced(layout, a.score()), layout.extent(o.get(o.size() - 1).extent()), dtype);
      }
      if (op instanceof Op.Einsum e && !e.contraction().indices().isEmpty()) {
        List<IndexVar> s = e.contraction().indices();
        long m = s.size() >= 2 ? layout.extent(s.get(s.size() - 2).extent()) : 1;
        return new Shapes(m, layout.extent(s.get(s.size() - 1).extent()), reduced(layout, e.contraction()), 0, dtype);
      }
    }
    return new Shapes(1, 1, 1, 0, dtype);
  }

  private static long reduced(Layout layout, Op.Contract c) {
    long d = 1;
    for (IndexVar r : c.reduce()) d *= layout.extent(r.extent());
    return Math.max(1, d);
  }
}
