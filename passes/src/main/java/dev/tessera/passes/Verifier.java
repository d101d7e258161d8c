package dev.tessera.passes;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;

import dev.tessera.ir.TensorDecl;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the invariants every pass must keep: tensors are declared, written before they are read
 * (scan states excepted), read with the right number of subscripts, indices are bound where they
 * are used, dimensions exist, and normalizers are defined.
 */
public final class Verifier {
  private Verifier() {}

  /** The problems found, empty when the module is well formed. */
  public static List<String> check(Module m) {
    List<String> problems = new ArrayList<>();
    for (Kernel k : m.kernels()) new KernelVerifier(m, k, problems).run();
    return problems;
  }

  private static final class KernelVerifier {
    private final Module module;
    private final Kernel k;
    private final List<String> problems;
    private final Set<String> written = new HashSet<>();

    KernelVerifier(Module module, Kernel k, List<String> problems) {
      this.module = module;
      this.k = k;
      this.problems = problems;
    }

    void run() {
      k.inputs().forEach(t -> written.add(t.name()));
      for (Op op : k.ops()) op(op, Set.of());
      for (TensorDecl t : k.outputs()) if (!written.contains(t.name())) problem("output " + t.name() + " is never written");
    }

    private void problem(String s) {
      problems.add(k.name() + ": " + s);
    }

    private void op(Op op, Set<String> outer) {
      switch (op) {
        case Op.Compute c -> {
          Set<String> b = bound(outer, c.indices(), List.of());
          expr(c.body(), b, c.out());
          c.mask().ifPresent(e -> expr(e, b, c.out()));
          write(c.out(), c.indices().size());
        }
        case Op.Contract c -> {
          expr(c.body(), bound(outer, c.indices(), c.reduce()), c.out());
          write(c.out(), c.indices().size());
        }
        case Op.Normalize n -> {
          if (module.normalizer(n.normalizer()).isEmpty()) problem("normalizer " + n.normalizer() + " is not defined");
          Set<String> b = bound(outer, n.indices(), List.of());
          expr(n.input(), b, n.out());
          n.mask().ifPresent(e -> expr(e, b, n.out()));
          write(n.out(), n.indices().size());
        }
        case Op.Scan s -> scan(s, outer);
        case Op.ParallelAttention a -> a.pieces().forEach(p -> op(p, outer));
        case Op.RecurrentAttention r -> scan(r.scan(), outer);
        case Op.Einsum e -> op(e.contraction(), outer);
      }
    }

    private void scan(Op.Scan s, Set<String> outer) {
      Set<String> withStep = bound(outer, List.of(s.step()), List.of());
      for (Op.StateDef st : s.states()) written.add(st.name());
      for (Op.StateDef st : s.states()) {
        Set<String> b = bound(withStep, st.indices(), List.of());
        expr(st.init(), b, st.name());
        expr(st.update(), b, st.name());
        write(st.name(), st.indices().size());
      }
      for (Op b : s.body()) op(b, withStep);
    }

    private Set<String> bound(Set<String> outer, List<IndexVar> a, List<IndexVar> b) {
      Set<String> s = new HashSet<>(outer);
      for (IndexVar v : a) {
        s.add(v.name());
        dims(v.extent(), v.name());
      }
      for (IndexVar v : b) {
        s.add(v.name());
        dims(v.extent(), v.name());
      }
      return s;
    }

    private void dims(Expr e, String where) {
      List<String> ds = new ArrayList<>();
      Exprs.dims(e, ds);
      for (String d : ds) if (!k.dims().contains(d)) problem("unknown dimension " + d + " in " + where);
    }

    private void write(String tensor, int rank) {
      var t = k.tensor(tensor);
      if (t.isEmpty()) {
        problem("op writes undeclared tensor " + tensor);
      } else if (t.get().role() == TensorDecl.Role.INPUT) {
        problem("op writes input " + tensor);
      } else if (t.get().rank() != rank) {
        problem(tensor + " has rank " + t.get().rank() + " but is written with " + rank + " indices");
      }
      written.add(tensor);
    }

    private void expr(Expr e, Set<String> bound, String where) {
      for (Expr n : Exprs.nodes(e)) {
        switch (n) {
          case Expr.Index i when !bound.contains(i.name()) -> problem("unbound index " + i.name() + " in " + where);
          case Expr.Read r -> read(r, where);
          case Expr.Var v -> problem("normalizer variable " + v.name() + " in kernel op " + where);
          default -> { }
        }
      }
      dims(e, where);
    }

    private void read(Expr.Read r, String where) {
      var t = k.tensor(r.tensor());
      if (t.isEmpty()) {
        problem(where + " reads undeclared tensor " + r.tensor());
      } else if (t.get().rank() != r.indices().size()) {
        problem(where + " reads " + r.tensor() + " with " + r.indices().size() + " subscripts; it has rank " + t.get().rank());
      } else if (!written.contains(r.tensor()) && !r.tensor().equals(where)) {
        problem(where + " reads " + r.tensor() + " before it is written");
      }
    }
  }
}
