package dev.tessera.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;

/**
 * Emits, per fused attention template, the code run on each tile of raw scores: the score modifiers
 * in order (a modifier's mask makes its value 0), then the normalizer's input and mask, which marks
 * the entry visible or not. Each intermediate is a float local, never a tensor.
 * Signature: {@code (s, ld, rows, cols, vis, t, st, dv, batch, m0, n0, full)}.
 */
final class TileEmitter {
  static final String DESC = "([FIII[B[[F[[I[I[IIIZ)V";
  private static final int S = 0;
  private static final int LD = 1;
  private static final int ROWS = 2;
  private static final int COLS = 3;
  private static final int VIS = 4;
  private static final int BATCH = 8;
  private static final int M0 = 9;
  private static final int N0 = 10;
  private static final int FULL = 11;

  private final ClassWriter cw;
  private final Slots slots;
  private int count;

  TileEmitter(ClassWriter cw, Slots slots) {
    this.cw = cw;
    this.slots = slots;
  }

  int count() {
    return count;
  }

  /**
   * Emits the tile method of template {@code a}; {@code batch} are the batch index names in order.
   * The first {@code skip} modifiers are applied elsewhere (a constant scale folded into the score
   * product), so the tile starts from their result.
   */
  int add(Op.ParallelAttention a, List<String> batch, String row, String key, int skip) {
    int id = count++;
    OpMethod m = new OpMethod(cw, "tile" + id, DESC, 12, slots).params(5, 6, 7);
    List<Op.Compute> mods = a.modifiers().subList(skip, a.modifiers().size());
    List<PointwiseChain.Pass> chain = PointwiseChain.of(a, skip);
    List<Expr> used = new ArrayList<>();
    if (chain != null) {
      for (PointwiseChain.Pass p : chain) if (p instanceof PointwiseChain.Arith ar) used.add(ar.expr());
    } else {
      for (Op.Compute c : mods) {
        used.add(c.body());
        c.mask().ifPresent(used::add);
      }
      a.normalize().ifPresent(n -> used.add(n.input()));
    }
    a.normalize().flatMap(Op.Normalize::mask).ifPresent(used::add);
    int value = m.newLocal(1);
    m.substitute(a.score().out(), value);
    m.substitute(PointwiseChain.VALUE, value);
    for (Op.Compute c : a.modifiers()) m.substitute(c.out(), value);
    m.prologue(used, new LinkedHashMap<>());
    for (int i = 0; i < batch.size(); i++) {
      int l = m.newLocal(1);
      m.mv.visitVarInsn(ALOAD, BATCH);
      m.em.pushInt(i);
      m.mv.visitInsn(IALOAD);
      m.mv.visitVarInsn(ISTORE, l);
      m.bindIndex(batch.get(i), l);
    }
    int r = m.newLocal(1);
    int c = m.newLocal(1);
    int mi = m.newLocal(1);
    int ni = m.newLocal(1);
    int at = m.newLocal(1);
    m.bindIndex(row, mi);
    m.bindIndex(key, ni);
    if (chain != null) {
      passes(m, chain, value, r, c, at);
      a.normalize().flatMap(Op.Normalize::mask).ifPresent(mask -> visibility(m, mask, r, c, mi, ni, at));
      m.finish();
      return id;
    }
    Loops.upTo(m.mv, r, ROWS, () -> {
      sum(m.mv, M0, r, mi);
      Loops.upTo(m.mv, c, COLS, () -> element(m, a, mods, value, r, c, ni, at));
    });
    m.finish();
    return id;
  }

  private void element(OpMethod m, Op.ParallelAttention a, List<Op.Compute> mods, int value, int r, int c, int ni, int at) {
    var mv = m.mv;
    sum(mv, N0, c, ni);
    mv.visitVarInsn(ILOAD, r);
    mv.visitVarInsn(ILOAD, LD);
    mv.visitInsn(IMUL);
    mv.visitVarInsn(ILOAD, c);
    mv.visitInsn(IADD);
    mv.visitVarInsn(ISTORE, at);
    loadScore(mv, at, value);
    for (Op.Compute mod : mods) {
      maskedValue(m, mod.body(), mod.mask().orElse(null), value);
    }
    if (a.normalize().isPresent()) {
      Op.Normalize n = a.normalize().get();
      m.em.emit(n.input(), JType.FLOAT);
      mv.visitVarInsn(FSTORE, value);
      mv.visitVarInsn(ALOAD, VIS);
      mv.visitVarInsn(ILOAD, at);
      if (n.mask().isPresent()) unlessFull(m, () -> m.em.emit(n.mask().get(), JType.BOOL), () -> mv.visitInsn(ICONST_1));
      else mv.visitInsn(ICONST_1);
      mv.visitInsn(BASTORE);
    }
    mv.visitVarInsn(ALOAD, S);
    mv.visitVarInsn(ILOAD, at);
    mv.visitVarInsn(FLOAD, value);
    mv.visitInsn(FASTORE);
  }

  /** Row passes: arithmetic loops over one array (which C2 vectorises) and whole-row library functions. */
  private void passes(OpMethod m, List<PointwiseChain.Pass> chain, int value, int r, int c, int at) {
    var mv = m.mv;
    int rowOff = m.newLocal(1);
    Loops.upTo(mv, r, ROWS, () -> {
      mv.visitVarInsn(ILOAD, r);
      mv.visitVarInsn(ILOAD, LD);
      mv.visitInsn(IMUL);
      mv.visitVarInsn(ISTORE, rowOff);
      for (PointwiseChain.Pass p : chain) {
        switch (p) {
          case PointwiseChain.Arith ar -> Loops.upTo(mv, c, COLS, () -> {
            sum(mv, rowOff, c, at);
            loadScore(mv, at, value);
            mv.visitVarInsn(ALOAD, S);
            mv.visitVarInsn(ILOAD, at);
            m.em.emit(ar.expr(), JType.FLOAT);
            mv.visitInsn(FASTORE);
          });
          case PointwiseChain.Fn f -> {
            m.em.pushInt(f.fn());
            mv.visitVarInsn(ALOAD, S);
            mv.visitVarInsn(ILOAD, rowOff);
            mv.visitVarInsn(ILOAD, COLS);
            mv.visitMethodInsn(INVOKESTATIC, "dev/tessera/cpu/kernels/Elementwise", "applyInPlace", "(I[FII)V", false);
          }
        }
      }
    });
  }

  /** vis = mask, on tiles the mask does not fully cover. */
  private void visibility(OpMethod m, Expr mask, int r, int c, int mi, int ni, int at) {
    var mv = m.mv;
    Label skip = new Label();
    mv.visitVarInsn(ILOAD, FULL);
    mv.visitJumpInsn(IFNE, skip);
    Loops.upTo(mv, r, ROWS, () -> {
      sum(mv, M0, r, mi);
      Loops.upTo(mv, c, COLS, () -> {
        sum(mv, N0, c, ni);
        mv.visitVarInsn(ALOAD, VIS);
        mv.visitVarInsn(ILOAD, r);
        mv.visitVarInsn(ILOAD, LD);
        mv.visitInsn(IMUL);
        mv.visitVarInsn(ILOAD, c);
        mv.visitInsn(IADD);
        m.em.emit(mask, JType.BOOL);
        mv.visitInsn(BASTORE);
      });
    });
    mv.visitLabel(skip);
  }

  /** target = local x + local y. */
  private static void sum(org.objectweb.asm.MethodVisitor mv, int x, int y, int target) {
    mv.visitVarInsn(ILOAD, x);
    mv.visitVarInsn(ILOAD, y);
    mv.visitInsn(IADD);
    mv.visitVarInsn(ISTORE, target);
  }

  /** value = s[at]. */
  private static void loadScore(org.objectweb.asm.MethodVisitor mv, int at, int value) {
    mv.visitVarInsn(ALOAD, S);
    mv.visitVarInsn(ILOAD, at);
    mv.visitInsn(FALOAD);
    mv.visitVarInsn(FSTORE, value);
  }

  /** value = (full || mask) ? body : 0. */
  private void maskedValue(OpMethod m, Expr body, Expr mask, int value) {
    var mv = m.mv;
    if (mask == null) {
      m.em.emit(body, JType.FLOAT);
      mv.visitVarInsn(FSTORE, value);
      return;
    }
    Label zero = new Label();
    Label store = new Label();
    Label compute = new Label();
    mv.visitVarInsn(ILOAD, FULL);
    mv.visitJumpInsn(IFNE, compute);
    m.em.emit(mask, JType.BOOL);
    mv.visitJumpInsn(IFEQ, zero);
    mv.visitLabel(compute);
    m.em.emit(body, JType.FLOAT);
    mv.visitJumpInsn(GOTO, store);
    mv.visitLabel(zero);
    mv.visitInsn(FCONST_0);
    mv.visitLabel(store);
    mv.visitVarInsn(FSTORE, value);
  }

  /** Pushes {@code full ? ifFull : otherwise}. */
  private static void unlessFull(OpMethod m, Loops.Body otherwise, Loops.Body ifFull) {
    Label full = new Label();
    Label end = new Label();
    m.mv.visitVarInsn(ILOAD, FULL);
    m.mv.visitJumpInsn(IFNE, full);
    otherwise.emit();
    m.mv.visitJumpInsn(GOTO, end);
    m.mv.visitLabel(full);
    ifFull.emit();
    m.mv.visitLabel(end);
  }
}
