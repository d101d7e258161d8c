package dev.tessera.passes;

import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;
import dev.tessera.ir.Ops;
import dev.tessera.ir.TensorDecl;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Removes ops whose results no output depends on, and the temporaries only they wrote. */
final class EliminateDeadCode extends KernelPass {
  @Override
  public String name() {
    return "eliminate-dead-code";
  }

  @Override
  public String summary() {
    return "drop ops and temporaries that no output depends on";
  }

  @Override
  Kernel run(Module module, Kernel k) {
    Set<String> live = new LinkedHashSet<>();
    k.outputs().forEach(t -> live.add(t.name()));
    List<Op> kept = new ArrayList<>();
    List<Op> ops = new ArrayList<>(k.ops());
    Collections.reverse(ops);
    for (Op op : ops) {
      if (op.outputs().stream().anyMatch(live::contains)) {
        kept.add(op);
        live.addAll(Ops.reads(op));
        if (op instanceof Op.Scan s) s.states().forEach(st -> live.add(st.name()));
        if (op instanceof Op.RecurrentAttention r) r.scan().states().forEach(st -> live.add(st.name()));
      }
    }
    Collections.reverse(kept);
    List<TensorDecl> tensors = k.tensors().stream()
        .filter(t -> t.role() != TensorDecl.Role.TEMP || live.contains(t.name())).toList();
    return new Kernel(k.name(), tensors, k.relations(), k.defaults(), kept);
  }
}
