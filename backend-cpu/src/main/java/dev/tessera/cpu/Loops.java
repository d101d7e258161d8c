package dev.tessera.cpu;

import static org.objectweb.asm.Opcodes.*;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/** Emits counted loops {@code for (i = from; i < to; i++)} with int locals. */
final class Loops {
  private Loops() {}

  /** Something emitted inside a loop. */
  interface Body {
    void emit();
  }

  /** A loop whose bounds are int locals. */
  static void forLocals(MethodVisitor mv, int var, int fromLocal, int toLocal, Body body) {
    mv.visitVarInsn(ILOAD, fromLocal);
    loop(mv, var, toLocal, body);
  }

  /** A loop from 0 to the value of an int local. */
  static void upTo(MethodVisitor mv, int var, int toLocal, Body body) {
    mv.visitInsn(ICONST_0);
    loop(mv, var, toLocal, body);
  }

  private static void loop(MethodVisitor mv, int var, int toLocal, Body body) {
    mv.visitVarInsn(ISTORE, var);
    Label top = new Label();
    Label exit = new Label();
    mv.visitLabel(top);
    mv.visitVarInsn(ILOAD, var);
    mv.visitVarInsn(ILOAD, toLocal);
    mv.visitJumpInsn(IF_ICMPGE, exit);
    body.emit();
    mv.visitIincInsn(var, 1);
    mv.visitJumpInsn(GOTO, top);
    mv.visitLabel(exit);
  }
}
