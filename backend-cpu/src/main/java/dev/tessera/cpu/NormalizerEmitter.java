package dev.tessera.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Module;
import dev.tessera.ir.NormalizerDef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Generates a normalizer's init, step, finish and combine as static methods working on many rows
 * at once. In the step, statements run in order for one row: scalar ones once, vector ones (those
 * reading the block {@code x}) in a loop over the row's columns into scratch rows; row reductions
 * loop over the visible columns only.
 */
final class NormalizerEmitter {
  static final String INIT = "([FII)V";
  static final String STEP = "([FIIII[B[FI[F[F)V";
  static final String FINISH = "([FII[F)V";
  static final String COMBINE = "([F[FII[F[F)V";

  private final ClassWriter cw;
  private final Module module;
  private final String owner;

  NormalizerEmitter(ClassWriter cw, Module module, String owner) {
    this.cw = cw;
    this.module = module;
    this.owner = owner;
  }

  int id(String name) {
    for (int i = 0; i < module.normalizers().size(); i++) if (module.normalizers().get(i).name().equals(name)) return i;
    throw new IllegalStateException("normalizer " + name + " missing");
  }

  void emitAll() {
    for (int i = 0; i < module.normalizers().size(); i++) {
      NormalizerDef d = module.normalizers().get(i);
      init(i, d);
      new StepEmitter(cw, d, "nStep" + i).emit();
      finish(i, d);
      if (d.hasCombine()) combine(i, d);
    }
  }

  private void init(int id, NormalizerDef d) {
    MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_PRIVATE, "nInit" + id, INIT, null, null);
    mv.visitCode();
    ExprEmitter em = new ExprEmitter(mv, (leaf, e) -> {
      throw new IllegalStateException("state initial values are constants");
    });
    Loops.upTo(mv, 3, 2, () -> {
      for (int k = 0; k < d.state().size(); k++) {
        stateAddress(mv, em, 0, k, 1, 3);
        em.emit(d.state().get(k).init(), JType.FLOAT);
        mv.visitInsn(FASTORE);
      }
    });
    end(mv);
  }

  /** Pushes {@code array, k * sld + r} for state variable k of row r. */
  static void stateAddress(MethodVisitor mv, ExprEmitter em, int array, int k, int sldLocal, int rowLocal) {
    mv.visitVarInsn(ALOAD, array);
    em.pushInt(k);
    mv.visitVarInsn(ILOAD, sldLocal);
    mv.visitInsn(IMUL);
    mv.visitVarInsn(ILOAD, rowLocal);
    mv.visitInsn(IADD);
  }

  private void finish(int id, NormalizerDef d) {
    MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_PRIVATE, "nFinish" + id, FINISH, null, null);
    mv.visitCode();
    int first = 5;
    Map<String, Integer> locals = new HashMap<>();
    for (int k = 0; k < d.state().size(); k++) locals.put(d.state().get(k).name(), first + k);
    ExprEmitter em = new ExprEmitter(mv, (leaf, e) -> {
      mv.visitVarInsn(FLOAD, locals.get(((Expr.Var) leaf).name()));
      return JType.FLOAT;
    });
    Loops.upTo(mv, 4, 2, () -> {
      for (int k = 0; k < d.state().size(); k++) {
        stateAddress(mv, em, 0, k, 1, 4);
        mv.visitInsn(FALOAD);
        mv.visitVarInsn(FSTORE, first + k);
      }
      mv.visitVarInsn(ALOAD, 3);
      mv.visitVarInsn(ILOAD, 4);
      em.emit(d.finish(), JType.FLOAT);
      mv.visitInsn(FASTORE);
    });
    end(mv);
  }

  private void combine(int id, NormalizerDef d) {
    MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_PRIVATE, "nCombine" + id, COMBINE, null, null);
    mv.visitCode();
    int row = 6;
    Map<String, Integer> locals = new HashMap<>();
    int next = 7;
    for (NormalizerDef.StateVar s : d.state()) {
      locals.put("a." + s.name(), next++);
      locals.put("b." + s.name(), next++);
    }
    for (NormalizerDef.Assign a : d.combine()) locals.putIfAbsent(a.target(), next++);
    ExprEmitter em = new ExprEmitter(mv, (leaf, e) -> {
      String key = leaf instanceof Expr.Field f ? f.side() + "." + f.name() : ((Expr.Var) leaf).name();
      mv.visitVarInsn(FLOAD, locals.get(key));
      return JType.FLOAT;
    });
    Loops.upTo(mv, row, 3, () -> {
      for (int k = 0; k < d.state().size(); k++) {
        for (int side = 0; side < 2; side++) {
          stateAddress(mv, em, side, k, 2, row);
          mv.visitInsn(FALOAD);
          mv.visitVarInsn(FSTORE, locals.get((side == 0 ? "a." : "b.") + d.state().get(k).name()));
        }
      }
      for (NormalizerDef.Assign a : d.combine()) {
        em.emit(a.value(), JType.FLOAT);
        mv.visitVarInsn(FSTORE, locals.get(a.target()));
      }
      for (int k = 0; k < d.state().size(); k++) {
        stateAddress(mv, em, 0, k, 2, row);
        mv.visitVarInsn(FLOAD, locals.get(d.state().get(k).name()));
        mv.visitInsn(FASTORE);
      }
      for (int w = 0; w < 2; w++) {
        mv.visitVarInsn(ALOAD, 4 + w);
        mv.visitVarInsn(ILOAD, row);
        mv.visitVarInsn(FLOAD, locals.get(w == 0 ? "wa" : "wb"));
        mv.visitInsn(FASTORE);
      }
    });
    end(mv);
  }

  static void end(MethodVisitor mv) {
    mv.visitInsn(RETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }

  /** Scratch the generic normalizer op allocates once per call: a row of inputs, their columns, state, scratch. */
  record RowBuffers(int length, int x, int where, int state, int scratch, int rescale, int factor, int j) {}

  RowBuffers rowBuffers(OpMethod m, String normalizer, int lengthLocal) {
    NormalizerDef d = module.normalizer(normalizer).orElseThrow();
    MethodVisitor mv = m.mv;
    int x = newArray(m, T_FLOAT, lengthLocal, 1);
    int where = newArray(m, T_INT, lengthLocal, 1);
    int state = m.newLocal(1);
    m.em.pushInt(Math.max(1, d.state().size()));
    mv.visitIntInsn(NEWARRAY, T_FLOAT);
    mv.visitVarInsn(ASTORE, state);
    int scratch = newArray(m, T_FLOAT, lengthLocal, StepRows.scratchRows(d));
    int rescale = m.newLocal(1);
    m.em.pushInt(1);
    mv.visitIntInsn(NEWARRAY, T_FLOAT);
    mv.visitVarInsn(ASTORE, rescale);
    int factor = m.newLocal(1);
    m.em.pushInt(1);
    mv.visitIntInsn(NEWARRAY, T_FLOAT);
    mv.visitVarInsn(ASTORE, factor);
    return new RowBuffers(lengthLocal, x, where, state, scratch, rescale, factor, m.newLocal(1));
  }

  private static int newArray(OpMethod m, int type, int lengthLocal, int rows) {
    int l = m.newLocal(1);
    m.mv.visitVarInsn(ILOAD, lengthLocal);
    m.em.pushInt(rows);
    m.mv.visitInsn(IMUL);
    m.mv.visitIntInsn(NEWARRAY, type);
    m.mv.visitVarInsn(ASTORE, l);
    return l;
  }

  /** Emits: when count > 0, init, one step over the whole row, finish, and x[j] *= factor. */
  void runRow(OpMethod m, String normalizer, RowBuffers b, int count) {
    int id = id(normalizer);
    MethodVisitor mv = m.mv;
    Label skip = new Label();
    mv.visitVarInsn(ILOAD, count);
    mv.visitJumpInsn(IFLE, skip);
    mv.visitVarInsn(ALOAD, b.state());
    mv.visitInsn(ICONST_1);
    mv.visitInsn(ICONST_1);
    mv.visitMethodInsn(INVOKESTATIC, owner, "nInit" + id, INIT, false);
    mv.visitVarInsn(ALOAD, b.x());
    mv.visitInsn(ICONST_0);
    mv.visitVarInsn(ILOAD, count);
    mv.visitInsn(ICONST_1);
    mv.visitVarInsn(ILOAD, count);
    mv.visitInsn(ACONST_NULL);
    mv.visitVarInsn(ALOAD, b.state());
    mv.visitInsn(ICONST_1);
    mv.visitVarInsn(ALOAD, b.rescale());
    mv.visitVarInsn(ALOAD, b.scratch());
    mv.visitMethodInsn(INVOKESTATIC, owner, "nStep" + id, STEP, false);
    mv.visitVarInsn(ALOAD, b.state());
    mv.visitInsn(ICONST_1);
    mv.visitInsn(ICONST_1);
    mv.visitVarInsn(ALOAD, b.factor());
    mv.visitMethodInsn(INVOKESTATIC, owner, "nFinish" + id, FINISH, false);
    Loops.upTo(mv, b.j(), count, () -> {
      mv.visitVarInsn(ALOAD, b.x());
      mv.visitVarInsn(ILOAD, b.j());
      mv.visitInsn(DUP2);
      mv.visitInsn(FALOAD);
      mv.visitVarInsn(ALOAD, b.factor());
      mv.visitInsn(ICONST_0);
      mv.visitInsn(FALOAD);
      mv.visitInsn(FMUL);
      mv.visitInsn(FASTORE);
    });
    mv.visitLabel(skip);
  }

}
