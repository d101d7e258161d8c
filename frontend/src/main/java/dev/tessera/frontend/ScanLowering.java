package dev.tessera.frontend;

import dev.tessera.frontend.ast.Ast;
import dev.tessera.ir.Expr;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers {@code scan t { state S[...] = init  S[...] = update  O[..t..] = ... }} to an
 * {@link Op.Scan}. In an update, S reads the previous step's value; in the other statements it
 * reads the value just updated. Extents are resolved once the whole scan is checked, since the
 * step index and the states learn their ranges from several statements.
 */
final class ScanLowering {
  private final KernelChecker kernel;
  private final Map<String, NormalizerDef> normalizers;

  private static final class State {
    Ast.Assign decl;
    TensorInfo tensor;
    List<IndexInfo> indices;
    Expr init;
    Expr update;
  }

  ScanLowering(KernelChecker kernel, Map<String, NormalizerDef> normalizers) {
    this.kernel = kernel;
    this.normalizers = normalizers;
  }

  Op lower(Ast.Scan s) {
    IndexInfo step = new StmtChecker(kernel).bind(s.step());
    Map<String, State> states = new LinkedHashMap<>();
    for (Ast.Assign d : s.states()) declareState(d, states);
    List<AssignLowering> body = new ArrayList<>();
    for (Ast.Assign a : s.body()) {
      State st = states.get(a.target().tensor().name());
      if (st != null) {
        update(st, a, step);
      } else {
        AssignLowering l = new AssignLowering(kernel, normalizers);
        l.check(a, step);
        body.add(l);
      }
    }
    for (State st : states.values()) {
      if (st.update == null) {
        throw kernel.diags().error(Codes.BAD_SCAN, st.decl.target().span(), "state '" + st.tensor.name + "' is never updated",
            "add " + st.tensor.name + "[...] = ... inside the scan");
      }
    }
    if (body.isEmpty()) throw kernel.diags().error(Codes.BAD_SCAN, s.step().span(), "the scan produces no output");
    step.resolve(kernel.diags());
    for (State st : states.values()) {
      for (IndexInfo i : st.indices) i.resolve(kernel.diags());
      st.tensor.settle();
    }
    for (AssignLowering l : body) for (IndexInfo i : l.created()) i.resolve(kernel.diags());
    List<Op.StateDef> defs = new ArrayList<>();
    for (State st : states.values()) {
      List<IndexVar> vars = st.indices.stream().map(IndexInfo::var).toList();
      defs.add(new Op.StateDef(st.tensor.name, vars, st.init, st.update));
    }
    List<Op> ops = new ArrayList<>();
    for (AssignLowering l : body) ops.addAll(l.build());
    return new Op.Scan(step.var(), defs, ops);
  }

  private void declareState(Ast.Assign d, Map<String, State> states) {
    String name = d.target().tensor().name();
    if (kernel.tensor(name) != null || kernel.isDim(name)) {
      throw kernel.diags().error(Codes.DUPLICATE, d.target().tensor().span(), "'" + name + "' is already defined",
          "a state needs a name of its own");
    }
    StmtChecker sc = new StmtChecker(kernel);
    State st = new State();
    st.decl = d;
    st.indices = d.target().indices().stream().map(sc::bind).toList();
    st.init = sc.expect(d.value(), Ty.FLOAT, "the initial value of state " + name);
    if (!sc.hoisted.isEmpty()) throw kernel.diags().error(Codes.MISPLACED, d.value().span(), "a state's initial value cannot contain a reduction");
    st.tensor = TensorInfo.temp(name, d.target().tensor().span(), st.indices);
    kernel.commit(st.tensor);
    states.put(name, st);
  }

  private void update(State st, Ast.Assign a, IndexInfo step) {
    List<String> want = st.indices.stream().map(i -> i.name).toList();
    List<String> got = a.target().indices().stream().map(Ast.Ident::name).toList();
    if (!want.equals(got)) {
      throw kernel.diags().error(Codes.BAD_SCAN, a.target().span(), "the update of state '" + st.tensor.name + "' must use the indices "
          + want + " of its declaration, not " + got);
    }
    if (st.update != null) throw kernel.diags().error(Codes.ASSIGNED_TWICE, a.target().span(), "state '" + st.tensor.name + "' is updated twice");
    if (a.where().isPresent()) throw kernel.diags().error(Codes.MISPLACED, a.where().get().span(), "a state update cannot have a where clause",
        "use select(cond, new, " + st.tensor.name + "[...]) to keep the old value");
    StmtChecker sc = new StmtChecker(kernel);
    sc.bindOuter(step);
    for (IndexInfo i : st.indices) sc.bindOuter(i);
    sc.forbidReductions();
    st.update = sc.expect(a.value(), Ty.FLOAT, "the update of state " + st.tensor.name);
  }
}
