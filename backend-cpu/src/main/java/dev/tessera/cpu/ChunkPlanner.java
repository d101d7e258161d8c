package dev.tessera.cpu;

import dev.tessera.ir.ElemType;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Op;
import dev.tessera.ir.TensorDecl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prepares a recurrent template for the chunked executor: finds the roles of the state's indices
 * (batch, key channel d, value channel e), the K, V and Q reads, and adds a generated op that
 * evaluates the decay for every (batch, t[, d]) into a buffer. Returns null when the template's
 * reads are not matrices in their step and channel indices; the scan then runs step by step.
 */
final class ChunkPlanner {
  private ChunkPlanner() {}

  /** What the planner needs from the class builder. */
  interface Builder {
    /** Declares a temporary that exists only for the CPU kernel. */
    void addTemp(TensorDecl t);

    /** Compiles an elementwise op and returns its plan step. */
    Plan.Run compute(Op.Compute c);
  }

  static List<Plan> plan(Op.RecurrentAttention r, Builder b, int chunk, int id) {
    Op.Scan s = r.scan();
    Op.StateDef st = s.states().get(0);
    Op.Contract readout = (Op.Contract) s.body().get(0);
    String d = readout.reduce().get(0).name();
    List<String> names = st.indices().stream().map(IndexVar::name).toList();
    if (names.size() < 2 || !names.contains(d)) return null;
    String e = names.stream().filter(x -> !x.equals(d)).reduce((x, y) -> y).orElseThrow();
    if (!names.get(names.size() - 1).equals(e) && !names.get(names.size() - 2).equals(e)) return null;
    List<String> batch = names.stream().filter(x -> !x.equals(d) && !x.equals(e)).toList();
    String t = s.step().name();
    Expr.Binary update = (Expr.Binary) st.update();
    Expr fresh = Exprs.reads(update.left()).stream().anyMatch(x -> x.tensor().equals(st.name())) ? update.right() : update.left();
    List<Expr.Read> kv = Exprs.reads(fresh);
    Expr.Read kRead = kv.stream().filter(x -> Exprs.indices(x).contains(d)).findFirst().orElse(null);
    Expr.Read vRead = kv.stream().filter(x -> Exprs.indices(x).contains(e)).findFirst().orElse(null);
    Optional<Map<String, String>> toState = readoutNames(readout, st);
    if (kRead == null || vRead == null || kRead == vRead || toState.isEmpty()) return null;
    Expr.Read qRead = Exprs.reads(readout.body()).stream().filter(x -> !x.tensor().equals(st.name())).findFirst().orElse(null);
    if (qRead == null) return null;
    Map<String, String> m = toState.get();
    Expr.Read qMapped = rename(qRead, m);
    List<Expr> outSubs = readout.indices().stream().map(iv -> (Expr) new Expr.Index(m.getOrDefault(iv.name(), iv.name()))).toList();
    FlashSpec.Access q = access(qMapped.tensor(), qMapped.indices(), t, d, batch);
    FlashSpec.Access k = access(kRead.tensor(), kRead.indices(), t, d, batch);
    FlashSpec.Access v = access(vRead.tensor(), vRead.indices(), t, e, batch);
    FlashSpec.Access o = access(readout.out(), outSubs, t, e, batch);
    if (q == null || k == null || v == null || o == null) return null;
    List<Plan> steps = new ArrayList<>();
    String decay = null;
    if (r.decayKind() != Op.DecayKind.NONE) {
      decay = "_decay" + id;
      List<IndexVar> vars = new ArrayList<>();
      for (IndexVar iv : st.indices()) if (batch.contains(iv.name())) vars.add(iv);
      vars.add(s.step());
      if (r.decayKind() == Op.DecayKind.PER_CHANNEL) vars.add(st.indices().get(names.indexOf(d)));
      b.addTemp(new TensorDecl(decay, ElemType.F32, vars.stream().map(IndexVar::extent).toList(), TensorDecl.Role.TEMP, Optional.empty()));
      steps.add(b.compute(new Op.Compute(decay, vars, r.decay(), Optional.empty())));
    }
    List<Expr> batchExtents = st.indices().stream().filter(iv -> batch.contains(iv.name())).map(IndexVar::extent).toList();
    Expr dExt = st.indices().get(names.indexOf(d)).extent();
    Expr eExt = st.indices().get(names.indexOf(e)).extent();
    steps.add(new Plan.Chunked(new ChunkSpec(r.decayKind(), decay, batch, batchExtents, t, s.step().extent(), dExt, eExt, q, k, v, o, chunk)));
    return steps;
  }

  /** Maps the readout's index names to the state's, through the readout's read of the state. */
  private static Optional<Map<String, String>> readoutNames(Op.Contract readout, Op.StateDef st) {
    Expr.Read sRead = Exprs.reads(readout.body()).stream().filter(x -> x.tensor().equals(st.name())).findFirst().orElse(null);
    if (sRead == null) return Optional.empty();
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < sRead.indices().size(); i++) {
      if (!(sRead.indices().get(i) instanceof Expr.Index x)) return Optional.empty();
      m.put(x.name(), st.indices().get(i).name());
    }
    return Optional.of(m);
  }

  private static Expr.Read rename(Expr.Read r, Map<String, String> names) {
    return (Expr.Read) Exprs.rewrite(r, x -> x instanceof Expr.Index i && names.containsKey(i.name()) ? new Expr.Index(names.get(i.name())) : x);
  }

  private static FlashSpec.Access access(String tensor, List<Expr> subs, String row, String col, List<String> batch) {
    return FlashPlanner.access(tensor, subs, row, col, batch);
  }
}
