package dev.tessera.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.tessera.ir.Expr;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.ReduceKind;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Emits a normalizer's step: {@code (x, xOff, ld, rows, cols, vis, state, sld, rescale, scratch)}.
 * Vector values live in scratch rows of {@code cols} floats (row 0 is {@code p}); scalars in locals.
 */
final class StepEmitter implements ExprEmitter.Leaves {
  private static final int X = 0;
  private static final int X_OFF = 1;
  private static final int LD = 2;
  private static final int ROWS = 3;
  private static final int COLS = 4;
  private static final int VIS = 5;
  private static final int STATE = 6;
  private static final int SLD = 7;
  private static final int RESCALE = 8;
  private static final int SCRATCH = 9;
  private static final int R = 10;
  private static final int ROW_OFF = 11;
  private static final int ROW_BASE = 12;
  private static final int RUN = 13;
  private static final int MASKED = 14;

  private final NormalizerDef def;
  private final MethodVisitor mv;
  private final ExprEmitter em;
  private final Set<String> vectors;
  private final Map<String, Integer> scratchRow = new HashMap<>();
  private final Map<String, Integer> scalars = new HashMap<>();
  /** Vectors whose unmasked row sum the exp call that wrote them left in a local. */
  private final Map<String, Integer> rowSums = new HashMap<>();
  /** Whether p is computed in place in x's row (nothing reads x once p is assigned). */
  private final boolean pInX;
  private int next = 15;
  private int column = -1;

  StepEmitter(ClassWriter cw, NormalizerDef def, String name) {
    this.def = def;
    this.mv = cw.visitMethod(ACC_STATIC | ACC_PRIVATE, name, NormalizerEmitter.STEP, null, null);
    this.em = new ExprEmitter(mv, this);
    this.vectors = StepRows.vectorNames(def);
    scratchRow.put("p", 0);
    for (String v : vectors) if (!v.equals("x") && !v.equals("p")) scratchRow.put(v, scratchRow.size());
    for (NormalizerDef.StateVar s : def.state()) scalars.put(s.name(), next++);
    scalars.put("rescale", next++);
    for (NormalizerDef.Assign a : def.step()) if (!vectors.contains(a.target())) scalars.putIfAbsent(a.target(), next++);
    this.pInX = StepRows.pInPlace(def);
  }

  void emit() {
    mv.visitCode();
    Loops.upTo(mv, R, ROWS, this::row);
    NormalizerEmitter.end(mv);
  }

  private void row() {
    mv.visitVarInsn(ILOAD, X_OFF);
    mv.visitVarInsn(ILOAD, R);
    mv.visitVarInsn(ILOAD, LD);
    mv.visitInsn(IMUL);
    mv.visitInsn(IADD);
    mv.visitVarInsn(ISTORE, ROW_BASE);
    findRun();
    Label visible = new Label();
    Label done = new Label();
    mv.visitVarInsn(ILOAD, RUN);
    mv.visitJumpInsn(IFGT, visible);
    storeRescale(() -> mv.visitInsn(FCONST_1));
    zeroRow();
    mv.visitJumpInsn(GOTO, done);
    mv.visitLabel(visible);
    for (int k = 0; k < def.state().size(); k++) {
      NormalizerEmitter.stateAddress(mv, em, STATE, k, SLD, R);
      mv.visitInsn(FALOAD);
      mv.visitVarInsn(FSTORE, scalars.get(def.state().get(k).name()));
    }
    mv.visitInsn(FCONST_1);
    mv.visitVarInsn(FSTORE, scalars.get("rescale"));
    for (NormalizerDef.Assign a : def.step()) assign(a);
    for (int k = 0; k < def.state().size(); k++) {
      NormalizerEmitter.stateAddress(mv, em, STATE, k, SLD, R);
      mv.visitVarInsn(FLOAD, scalars.get(def.state().get(k).name()));
      mv.visitInsn(FASTORE);
    }
    storeRescale(() -> mv.visitVarInsn(FLOAD, scalars.get("rescale")));
    writeWeights();
    mv.visitLabel(done);
  }

  /**
   * Sets ROW_OFF, RUN (columns to process) and MASKED for the row: all columns when nothing is
   * masked; the contiguous run of visible columns when there is one (processed as unmasked);
   * otherwise all columns with the mask checked per column.
   */
  private void findRun() {
    Label masked = new Label();
    Label end = new Label();
    mv.visitInsn(ICONST_0);
    mv.visitVarInsn(ISTORE, MASKED);
    mv.visitVarInsn(ILOAD, ROW_BASE);
    mv.visitVarInsn(ISTORE, ROW_OFF);
    mv.visitVarInsn(ILOAD, COLS);
    mv.visitVarInsn(ISTORE, RUN);
    mv.visitVarInsn(ALOAD, VIS);
    mv.visitJumpInsn(IFNULL, end);
    mv.visitVarInsn(ALOAD, VIS);
    mv.visitVarInsn(ILOAD, ROW_BASE);
    mv.visitVarInsn(ILOAD, COLS);
    mv.visitMethodInsn(INVOKESTATIC, "dev/tessera/cpu/Rows", "visibleRun", "([BII)I", false);
    mv.visitInsn(DUP);
    mv.visitJumpInsn(IFLT, masked);
    mv.visitInsn(DUP);
    em.pushInt(16);
    mv.visitInsn(IUSHR);
    mv.visitVarInsn(ILOAD, ROW_BASE);
    mv.visitInsn(IADD);
    mv.visitVarInsn(ISTORE, ROW_OFF);
    em.pushInt(0xFFFF);
    mv.visitInsn(IAND);
    mv.visitVarInsn(ISTORE, RUN);
    mv.visitJumpInsn(GOTO, end);
    mv.visitLabel(masked);
    mv.visitInsn(POP);
    mv.visitInsn(ICONST_1);
    mv.visitVarInsn(ISTORE, MASKED);
    mv.visitLabel(end);
  }

  /** x[rowBase .. rowBase + cols) = 0. */
  private void zeroRow() {
    mv.visitVarInsn(ALOAD, X);
    mv.visitVarInsn(ILOAD, ROW_BASE);
    mv.visitVarInsn(ILOAD, ROW_BASE);
    mv.visitVarInsn(ILOAD, COLS);
    mv.visitInsn(IADD);
    mv.visitInsn(FCONST_0);
    mv.visitMethodInsn(INVOKESTATIC, "java/util/Arrays", "fill", "([FIIF)V", false);
  }

  private void storeRescale(Loops.Body value) {
    mv.visitVarInsn(ALOAD, RESCALE);
    mv.visitVarInsn(ILOAD, R);
    value.emit();
    mv.visitInsn(FASTORE);
  }

  private void loadVis(int c) {
    mv.visitVarInsn(ALOAD, VIS);
    mv.visitVarInsn(ILOAD, ROW_OFF);
    mv.visitVarInsn(ILOAD, c);
    mv.visitInsn(IADD);
    mv.visitInsn(BALOAD);
  }

  /** Jumps to {@code hidden} when column {@code c} is not visible. */
  private void ifHidden(int c, Label hidden) {
    Label visible = new Label();
    mv.visitVarInsn(ILOAD, MASKED);
    mv.visitJumpInsn(IFEQ, visible);
    loadVis(c);
    mv.visitJumpInsn(IFEQ, hidden);
    mv.visitLabel(visible);
  }

  /** Writes the row's weights: p on the processed columns (0 where masked), 0 on the others. */
  private void writeWeights() {
    Label masked = new Label();
    Label done = new Label();
    mv.visitVarInsn(ILOAD, MASKED);
    mv.visitJumpInsn(IFNE, masked);
    if (pInX) {
      zeroOutsideRun();
    } else {
      zeroRow();
      rowArray("p");
      mv.visitVarInsn(ALOAD, X);
      mv.visitVarInsn(ILOAD, ROW_OFF);
      mv.visitVarInsn(ILOAD, RUN);
      mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V", false);
    }
    mv.visitJumpInsn(GOTO, done);
    mv.visitLabel(masked);
    int c = newLocal();
    Loops.upTo(mv, c, COLS, () -> {
      mv.visitVarInsn(ALOAD, X);
      mv.visitVarInsn(ILOAD, ROW_OFF);
      mv.visitVarInsn(ILOAD, c);
      mv.visitInsn(IADD);
      Label hidden = new Label();
      Label store = new Label();
      ifHidden(c, hidden);
      loadScratch("p", c);
      mv.visitJumpInsn(GOTO, store);
      mv.visitLabel(hidden);
      mv.visitInsn(FCONST_0);
      mv.visitLabel(store);
      mv.visitInsn(FASTORE);
    });
    mv.visitLabel(done);
  }

  /** x[rowBase .. rowOff) = 0 and x[rowOff + run .. rowBase + cols) = 0: the weights outside the visible run. */
  private void zeroOutsideRun() {
    mv.visitVarInsn(ALOAD, X);
    mv.visitVarInsn(ILOAD, ROW_BASE);
    mv.visitVarInsn(ILOAD, ROW_OFF);
    mv.visitInsn(FCONST_0);
    mv.visitMethodInsn(INVOKESTATIC, "java/util/Arrays", "fill", "([FIIF)V", false);
    mv.visitVarInsn(ALOAD, X);
    mv.visitVarInsn(ILOAD, ROW_OFF);
    mv.visitVarInsn(ILOAD, RUN);
    mv.visitInsn(IADD);
    mv.visitVarInsn(ILOAD, ROW_BASE);
    mv.visitVarInsn(ILOAD, COLS);
    mv.visitInsn(IADD);
    mv.visitInsn(FCONST_0);
    mv.visitMethodInsn(INVOKESTATIC, "java/util/Arrays", "fill", "([FIIF)V", false);
  }

  private void assign(NormalizerDef.Assign a) {
    rowSums.remove(a.target());
    if (!vectors.contains(a.target())) {
      em.emit(a.value(), JType.FLOAT);
      mv.visitVarInsn(FSTORE, scalars.get(a.target()));
      return;
    }
    if (shiftedExp(a)) return;
    boolean exp = a.value() instanceof Expr.Call call && call.fn() == Expr.Fn.EXP;
    Expr value = exp ? ((Expr.Call) a.value()).args().get(0) : a.value();
    int c = newLocal();
    Loops.upTo(mv, c, RUN, () -> {
      scratchAddress(a.target(), c);
      int saved = column;
      column = c;
      em.emit(value, JType.FLOAT);
      column = saved;
      mv.visitInsn(FASTORE);
    });
    if (exp) {
      // a whole row through exp: one call that the Vector API can run lane-parallel
      rowArray(a.target());
      mv.visitVarInsn(ILOAD, RUN);
      mv.visitMethodInsn(INVOKESTATIC, "dev/tessera/cpu/kernels/Elementwise", "expInPlace", "([FII)V", false);
    }
  }

  /**
   * {@code v = exp(w - s)} with w a stored row and s one value per row (the softmax weights): one
   * library call over the row, which also returns the row's sum. Columns that are not visible get
   * values too; nothing reads them.
   */
  private boolean shiftedExp(NormalizerDef.Assign a) {
    if (!(a.value() instanceof Expr.Call call) || call.fn() != Expr.Fn.EXP) return false;
    if (!(call.args().get(0) instanceof Expr.Binary b) || b.op() != Expr.BinOp.SUB) return false;
    if (!(b.left() instanceof Expr.Var w) || !vectors.contains(w.name()) || StepRows.isVector(b.right(), vectors)) return false;
    rowArray(w.name());
    em.emit(b.right(), JType.FLOAT);
    rowArray(a.target());
    mv.visitVarInsn(ILOAD, RUN);
    mv.visitMethodInsn(INVOKESTATIC, "dev/tessera/cpu/kernels/Elementwise", "expShifted", "([FIF[FII)F", false);
    int sum = newLocal();
    mv.visitVarInsn(FSTORE, sum);
    rowSums.put(a.target(), sum);
    return true;
  }

  private void scratchAddress(String name, int c) {
    if (name.equals("p") && pInX) {
      mv.visitVarInsn(ALOAD, X);
      mv.visitVarInsn(ILOAD, ROW_OFF);
      mv.visitVarInsn(ILOAD, c);
      mv.visitInsn(IADD);
      return;
    }
    mv.visitVarInsn(ALOAD, SCRATCH);
    em.pushInt(scratchRow.get(name));
    mv.visitVarInsn(ILOAD, COLS);
    mv.visitInsn(IMUL);
    mv.visitVarInsn(ILOAD, c);
    mv.visitInsn(IADD);
  }

  private void loadScratch(String name, int c) {
    scratchAddress(name, c);
    mv.visitInsn(FALOAD);
  }

  private int newLocal() {
    return next++;
  }

  @Override
  public JType emit(Expr leaf, ExprEmitter e) {
    switch (leaf) {
      case Expr.Var v when v.name().equals("x") -> {
        requireColumn(v);
        mv.visitVarInsn(ALOAD, X);
        mv.visitVarInsn(ILOAD, ROW_OFF);
        mv.visitVarInsn(ILOAD, column);
        mv.visitInsn(IADD);
        mv.visitInsn(FALOAD);
      }
      case Expr.Var v when vectors.contains(v.name()) -> {
        requireColumn(v);
        loadScratch(v.name(), column);
      }
      case Expr.Var v -> mv.visitVarInsn(FLOAD, scalars.get(v.name()));
      case Expr.RowReduce r -> rowReduce(r);
      default -> throw new IllegalStateException("unexpected leaf in a normalizer step: " + leaf);
    }
    return JType.FLOAT;
  }

  private void requireColumn(Expr.Var v) {
    if (column < 0) throw new IllegalStateException(v.name() + " used as a scalar in normalizer " + def.name());
  }

  private void rowReduce(Expr.RowReduce r) {
    if (r.body() instanceof Expr.Var v && vectors.contains(v.name())) {
      // a reduction of a stored row: a library call when every column is visible
      Label masked = new Label();
      Label done = new Label();
      mv.visitVarInsn(ILOAD, MASKED);
      mv.visitJumpInsn(IFNE, masked);
      if (r.kind() == ReduceKind.SUM && rowSums.containsKey(v.name())) {
        mv.visitVarInsn(FLOAD, rowSums.get(v.name()));
      } else {
        em.pushInt(r.kind() == ReduceKind.MAX ? 0 : r.kind() == ReduceKind.SUM ? 1 : 2);
        rowArray(v.name());
        mv.visitVarInsn(ILOAD, RUN);
        mv.visitMethodInsn(INVOKESTATIC, "dev/tessera/cpu/kernels/Elementwise", "reduce", "(I[FII)F", false);
      }
      mv.visitJumpInsn(GOTO, done);
      mv.visitLabel(masked);
      maskedReduce(r);
      mv.visitLabel(done);
      return;
    }
    maskedReduce(r);
  }

  /** Pushes the array and offset where vector {@code name}'s row starts. */
  private void rowArray(String name) {
    if (name.equals("x") || name.equals("p") && pInX) {
      mv.visitVarInsn(ALOAD, X);
      mv.visitVarInsn(ILOAD, ROW_OFF);
    } else {
      mv.visitVarInsn(ALOAD, SCRATCH);
      em.pushInt(scratchRow.get(name));
      mv.visitVarInsn(ILOAD, COLS);
      mv.visitInsn(IMUL);
    }
  }

  private void maskedReduce(Expr.RowReduce r) {
    int acc = newLocal();
    int c = newLocal();
    em.pushFloat((float) r.kind().identity());
    mv.visitVarInsn(FSTORE, acc);
    Loops.upTo(mv, c, RUN, () -> {
      Label hidden = new Label();
      ifHidden(c, hidden);
      int saved = column;
      column = c;
      mv.visitVarInsn(FLOAD, acc);
      em.emit(r.body(), JType.FLOAT);
      column = saved;
      reduce(r.kind());
      mv.visitVarInsn(FSTORE, acc);
      mv.visitLabel(hidden);
    });
    mv.visitVarInsn(FLOAD, acc);
  }

  private void reduce(ReduceKind kind) {
    switch (kind) {
      case SUM -> mv.visitInsn(FADD);
      case MAX -> mv.visitMethodInsn(INVOKESTATIC, "dev/tessera/cpu/CpuMath", "max", "(FF)F", false);
      case MIN -> mv.visitMethodInsn(INVOKESTATIC, "dev/tessera/cpu/CpuMath", "min", "(FF)F", false);
    }
  }

}
