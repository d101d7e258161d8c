package dev.tessera.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.tessera.ir.Expr;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Op;
import dev.tessera.ir.ReduceKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;

/**
 * Compiles one op into a loop nest over its index space: the generic path for ops that no template
 * fuses. The first index that is not a scan step is split across workers ({@code [lo, hi)}); a scan
 * step index takes the {@code step} argument instead of a loop.
 */
final class LoopNestCompiler {
  static final String DESC = "([[F[[I[IIII)V";
  private static final int LO = 3;
  private static final int HI = 4;
  private static final int STEP = 5;

  private final ClassWriter cw;
  private final Slots slots;
  private final NormalizerEmitter normalizers;

  LoopNestCompiler(ClassWriter cw, Slots slots, NormalizerEmitter normalizers) {
    this.cw = cw;
    this.slots = slots;
    this.normalizers = normalizers;
  }

  /** The index split across workers: the first that is not the scan step, or -1. */
  static int parallelAxis(List<IndexVar> vars, String step) {
    for (int i = 0; i < vars.size(); i++) if (!vars.get(i).name().equals(step)) return i;
    return -1;
  }

  void compute(String name, Op.Compute c, String step) {
    List<Expr> used = new ArrayList<>(List.of(c.body()));
    c.mask().ifPresent(used::add);
    OpMethod m = start(name, used, Map.of(c.out(), c.indices().size()), c.indices());
    nest(m, c.indices(), step, () -> {
      m.mv.visitVarInsn(ALOAD, m.array(c.out()));
      m.offset(c.out(), refs(c.indices()));
      Label zero = new Label();
      Label store = new Label();
      if (c.mask().isPresent()) {
        m.em.emit(c.mask().get(), JType.BOOL);
        m.mv.visitJumpInsn(IFEQ, zero);
      }
      m.em.emit(c.body(), JType.FLOAT);
      if (c.mask().isPresent()) {
        m.mv.visitJumpInsn(GOTO, store);
        m.mv.visitLabel(zero);
        m.mv.visitInsn(FCONST_0);
        m.mv.visitLabel(store);
      }
      m.mv.visitInsn(FASTORE);
    });
    m.finish();
  }

  void contract(String name, Op.Contract c, String step) {
    List<IndexVar> all = new ArrayList<>(c.indices());
    all.addAll(c.reduce());
    OpMethod m = start(name, List.of(c.body()), Map.of(c.out(), c.indices().size()), all);
    int acc = m.newLocal(1);
    nest(m, c.indices(), step, () -> {
      m.em.pushFloat((float) c.kind().identity());
      m.mv.visitVarInsn(FSTORE, acc);
      nest(m, c.reduce(), null, () -> {
        m.mv.visitVarInsn(FLOAD, acc);
        m.em.emit(c.body(), JType.FLOAT);
        combine(m, c.kind());
        m.mv.visitVarInsn(FSTORE, acc);
      }, false);
      m.mv.visitVarInsn(ALOAD, m.array(c.out()));
      m.offset(c.out(), refs(c.indices()));
      m.mv.visitVarInsn(FLOAD, acc);
      m.mv.visitInsn(FASTORE);
    });
    m.finish();
  }

  static void combine(OpMethod m, ReduceKind kind) {
    switch (kind) {
      case SUM -> m.mv.visitInsn(FADD);
      case MAX -> m.mv.visitMethodInsn(INVOKESTATIC, "dev/tessera/cpu/CpuMath", "max", "(FF)F", false);
      case MIN -> m.mv.visitMethodInsn(INVOKESTATIC, "dev/tessera/cpu/CpuMath", "min", "(FF)F", false);
    }
  }

  /** Writes {@code value} into {@code target} over the state's indices (its init, or its update into the next buffer). */
  void state(String name, Op.StateDef st, Expr value, String target, IndexVar stepVar) {
    List<IndexVar> all = new ArrayList<>(st.indices());
    all.add(stepVar);
    Map<String, Integer> written = new LinkedHashMap<>();
    written.put(target, st.indices().size());
    written.put(st.name(), st.indices().size());
    OpMethod m = start(name, List.of(value), written, all);
    m.mv.visitVarInsn(ILOAD, STEP);
    m.mv.visitVarInsn(ISTORE, m.localOf(stepVar.name()));
    nest(m, st.indices(), null, () -> {
      m.mv.visitVarInsn(ALOAD, m.array(target));
      m.offset(target, refs(st.indices()));
      m.em.emit(value, JType.FLOAT);
      m.mv.visitInsn(FASTORE);
    });
    m.finish();
  }

  /** The generic normalizer op: per row, gathers visible inputs, runs the normalizer once, scatters weights. */
  void normalize(String name, Op.Normalize n, String step) {
    List<Expr> used = new ArrayList<>(List.of(n.input()));
    n.mask().ifPresent(used::add);
    OpMethod m = start(name, used, Map.of(n.out(), n.indices().size()), n.indices());
    int axis = indexOf(n.indices(), n.axis());
    List<IndexVar> rows = new ArrayList<>(n.indices());
    IndexVar axisVar = rows.remove(axis);
    NormalizerEmitter.RowBuffers buf = normalizers.rowBuffers(m, n.normalizer(), m.dim0(axisVar.extent()));
    int count = m.newLocal(1);
    int k = m.localOf(axisVar.name());
    nest(m, rows, step, () -> {
      m.mv.visitInsn(ICONST_0);
      m.mv.visitVarInsn(ISTORE, count);
      Loops.upTo(m.mv, k, buf.length(), () -> gather(m, n, buf, count));
      normalizers.runRow(m, n.normalizer(), buf, count);
      Loops.upTo(m.mv, buf.j(), count, () -> {
        m.mv.visitVarInsn(ALOAD, buf.where());
        m.mv.visitVarInsn(ILOAD, buf.j());
        m.mv.visitInsn(IALOAD);
        m.mv.visitVarInsn(ISTORE, k);
        m.mv.visitVarInsn(ALOAD, m.array(n.out()));
        m.offset(n.out(), refs(n.indices()));
        m.mv.visitVarInsn(ALOAD, buf.x());
        m.mv.visitVarInsn(ILOAD, buf.j());
        m.mv.visitInsn(FALOAD);
        m.mv.visitInsn(FASTORE);
      });
    });
    m.finish();
  }

  private void gather(OpMethod m, Op.Normalize n, NormalizerEmitter.RowBuffers buf, int count) {
    m.mv.visitVarInsn(ALOAD, m.array(n.out()));
    m.offset(n.out(), refs(n.indices()));
    m.mv.visitInsn(FCONST_0);
    m.mv.visitInsn(FASTORE);
    Label skip = new Label();
    if (n.mask().isPresent()) {
      m.em.emit(n.mask().get(), JType.BOOL);
      m.mv.visitJumpInsn(IFEQ, skip);
    }
    m.mv.visitVarInsn(ALOAD, buf.x());
    m.mv.visitVarInsn(ILOAD, count);
    m.em.emit(n.input(), JType.FLOAT);
    m.mv.visitInsn(FASTORE);
    m.mv.visitVarInsn(ALOAD, buf.where());
    m.mv.visitVarInsn(ILOAD, count);
    m.mv.visitVarInsn(ILOAD, m.localOf(n.axis()));
    m.mv.visitInsn(IASTORE);
    m.mv.visitIincInsn(count, 1);
    m.mv.visitLabel(skip);
  }

  private static int indexOf(List<IndexVar> vars, String name) {
    for (int i = 0; i < vars.size(); i++) if (vars.get(i).name().equals(name)) return i;
    throw new IllegalStateException("no index " + name);
  }

  private static List<Expr> refs(List<IndexVar> vars) {
    return vars.stream().map(v -> (Expr) v.ref()).toList();
  }

  /** Starts a method, loading what it uses and giving every index variable an int local and an extent local. */
  private OpMethod start(String name, List<Expr> exprs, Map<String, Integer> written, List<IndexVar> vars) {
    OpMethod m = new OpMethod(cw, name, DESC, STEP + 1, slots);
    List<Expr> all = new ArrayList<>(exprs);
    for (IndexVar v : vars) all.add(v.extent());
    m.prologue(all, new LinkedHashMap<>(written));
    for (IndexVar v : vars) m.declareIndex(v);
    return m;
  }

  private void nest(OpMethod m, List<IndexVar> vars, String step, Loops.Body body) {
    nest(m, vars, step, body, true);
  }

  /** Emits loops over {@code vars}; the parallel axis runs over [lo, hi) when {@code split}. */
  private void nest(OpMethod m, List<IndexVar> vars, String step, Loops.Body body, boolean split) {
    int par = split ? parallelAxis(vars, step) : -1;
    emitLevel(m, vars, step, par, 0, body);
  }

  private void emitLevel(OpMethod m, List<IndexVar> vars, String step, int par, int level, Loops.Body body) {
    if (level == vars.size()) {
      body.emit();
      return;
    }
    IndexVar v = vars.get(level);
    int var = m.localOf(v.name());
    Loops.Body inner = () -> emitLevel(m, vars, step, par, level + 1, body);
    if (v.name().equals(step)) {
      m.mv.visitVarInsn(ILOAD, STEP);
      m.mv.visitVarInsn(ISTORE, var);
      inner.emit();
    } else if (level == par) {
      Loops.forLocals(m.mv, var, LO, HI, inner);
    } else {
      Loops.upTo(m.mv, var, m.extentOf(v.name()), inner);
    }
  }
}
