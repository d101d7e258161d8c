package dev.tessera.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.tessera.ir.Expr;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Emits JVM bytecode for scalar expressions. Operators and functions are handled here; leaves
 * (indices, dimensions, tensor reads, normalizer variables, row reductions) depend on the code
 * around them, so a {@link Leaves} callback emits those.
 */
final class ExprEmitter {
  private static final String MATH = "dev/tessera/cpu/CpuMath";

  /** Emits the value of a leaf and reports its kind. */
  interface Leaves {
    JType emit(Expr leaf, ExprEmitter em);
  }

  final MethodVisitor mv;
  private final Leaves leaves;

  ExprEmitter(MethodVisitor mv, Leaves leaves) {
    this.mv = mv;
    this.leaves = leaves;
  }

  /** The kind a value of {@code e} has; leaves other than indices and dimensions are floats. */
  static JType typeOf(Expr e) {
    return switch (e) {
      case Expr.Const c -> c.integral() && Math.abs(c.value()) < Integer.MAX_VALUE ? JType.INT : JType.FLOAT;
      case Expr.Index i -> JType.INT;
      case Expr.Dim d -> JType.INT;
      case Expr.Unary u -> u.op() == Expr.UnOp.NOT ? JType.BOOL : typeOf(u.operand()) == JType.FLOAT ? JType.FLOAT : JType.INT;
      case Expr.Binary b -> switch (b.op()) {
        case ADD, SUB, MUL -> JType.join(typeOf(b.left()), typeOf(b.right())) == JType.FLOAT ? JType.FLOAT : JType.INT;
        case DIV -> JType.FLOAT;
        case IDIV, MOD -> JType.INT;
        default -> JType.BOOL;
      };
      case Expr.Call c -> switch (c.fn()) {
        case MIN, MAX -> JType.join(typeOf(c.args().get(0)), typeOf(c.args().get(1))) == JType.FLOAT ? JType.FLOAT : JType.INT;
        case ABS -> typeOf(c.args().get(0)) == JType.FLOAT ? JType.FLOAT : JType.INT;
        case CDIV -> JType.INT;
        case SELECT -> JType.join(typeOf(c.args().get(1)), typeOf(c.args().get(2)));
        default -> JType.FLOAT;
      };
      default -> JType.FLOAT;
    };
  }

  /** Emits {@code e} converted to {@code want}. */
  void emit(Expr e, JType want) {
    convert(emitRaw(e), want);
  }

  void convert(JType have, JType want) {
    if (have == want || want == JType.INT && have == JType.BOOL) return;
    if (want == JType.FLOAT) {
      mv.visitInsn(I2F);
    } else if (want == JType.BOOL) {
      if (have == JType.FLOAT) {
        mv.visitInsn(FCONST_0);
        mv.visitInsn(FCMPL);
      }
      Label zero = new Label();
      Label end = new Label();
      mv.visitJumpInsn(IFEQ, zero);
      mv.visitInsn(ICONST_1);
      mv.visitJumpInsn(GOTO, end);
      mv.visitLabel(zero);
      mv.visitInsn(ICONST_0);
      mv.visitLabel(end);
    } else {
      mv.visitInsn(F2I);
    }
  }

  private final java.util.Map<Expr, Integer> hoisted = new java.util.HashMap<>();

  /**
   * Computes, into fresh locals, every largest subexpression of {@code exprs} that depends on
   * neither an index nor a tensor (such as {@code log(N)} or {@code rsqrt(D)}), so loops load it
   * instead of recomputing it. Must run before any branch, so the locals are always assigned.
   */
  void hoistInvariants(java.util.List<Expr> exprs, java.util.function.IntSupplier newLocal) {
    for (Expr e : exprs) hoist(e, newLocal);
  }

  private void hoist(Expr e, java.util.function.IntSupplier newLocal) {
    boolean compound = e instanceof Expr.Binary || e instanceof Expr.Call || e instanceof Expr.Unary;
    if (compound && invariant(e)) {
      if (!hoisted.containsKey(e)) {
        JType t = typeOf(e);
        emit(e, t);
        int local = newLocal.getAsInt();
        mv.visitVarInsn(t == JType.FLOAT ? FSTORE : ISTORE, local);
        hoisted.put(e, local);
      }
      return;
    }
    for (Expr c : dev.tessera.ir.Exprs.children(e)) hoist(c, newLocal);
  }

  private static boolean invariant(Expr e) {
    return dev.tessera.ir.Exprs.nodes(e).stream().allMatch(n -> n instanceof Expr.Const || n instanceof Expr.Dim
        || n instanceof Expr.Binary || n instanceof Expr.Unary || n instanceof Expr.Call);
  }

  private JType emitRaw(Expr e) {
    Integer local = hoisted.get(e);
    if (local != null) {
      JType t = typeOf(e);
      mv.visitVarInsn(t == JType.FLOAT ? FLOAD : ILOAD, local);
      return t;
    }
    return switch (e) {
      case Expr.Const c -> constant(c);
      case Expr.Unary u -> unary(u);
      case Expr.Binary b -> binary(b);
      case Expr.Call c -> call(c);
      default -> leaves.emit(e, this);
    };
  }

  void pushInt(int v) {
    if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
    else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
    else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, v);
    else mv.visitLdcInsn(v);
  }

  void pushFloat(float v) {
    if (v == 0f && 1 / v > 0) mv.visitInsn(FCONST_0);
    else if (v == 1f) mv.visitInsn(FCONST_1);
    else if (v == 2f) mv.visitInsn(FCONST_2);
    else mv.visitLdcInsn(v);
  }

  private JType constant(Expr.Const c) {
    if (typeOf(c) == JType.INT) {
      pushInt((int) c.value());
      return JType.INT;
    }
    pushFloat((float) c.value());
    return JType.FLOAT;
  }

  private JType unary(Expr.Unary u) {
    if (u.op() == Expr.UnOp.NOT) {
      emit(u.operand(), JType.BOOL);
      mv.visitInsn(ICONST_1);
      mv.visitInsn(IXOR);
      return JType.BOOL;
    }
    JType t = typeOf(u.operand()) == JType.FLOAT ? JType.FLOAT : JType.INT;
    emit(u.operand(), t);
    mv.visitInsn(t == JType.FLOAT ? FNEG : INEG);
    return t;
  }

  private JType binary(Expr.Binary b) {
    JType operands = JType.join(typeOf(b.left()), typeOf(b.right())) == JType.FLOAT ? JType.FLOAT : JType.INT;
    switch (b.op()) {
      case AND, OR -> {
        emit(b.left(), JType.BOOL);
        emit(b.right(), JType.BOOL);
        mv.visitInsn(b.op() == Expr.BinOp.AND ? IAND : IOR);
        return JType.BOOL;
      }
      case IDIV, MOD -> {
        emit(b.left(), JType.INT);
        emit(b.right(), JType.INT);
        mv.visitMethodInsn(INVOKESTATIC, MATH, b.op() == Expr.BinOp.IDIV ? "idiv" : "imod", "(II)I", false);
        return JType.INT;
      }
      case DIV -> {
        emit(b.left(), JType.FLOAT);
        emit(b.right(), JType.FLOAT);
        mv.visitInsn(FDIV);
        return JType.FLOAT;
      }
      case ADD, SUB, MUL -> {
        emit(b.left(), operands);
        emit(b.right(), operands);
        int op = switch (b.op()) {
          case ADD -> operands == JType.FLOAT ? FADD : IADD;
          case SUB -> operands == JType.FLOAT ? FSUB : ISUB;
          default -> operands == JType.FLOAT ? FMUL : IMUL;
        };
        mv.visitInsn(op);
        return operands;
      }
      default -> {
        return compare(b, operands);
      }
    }
  }

  private JType compare(Expr.Binary b, JType operands) {
    emit(b.left(), operands);
    emit(b.right(), operands);
    Label yes = new Label();
    Label end = new Label();
    if (operands == JType.FLOAT) {
      boolean lessish = b.op() == Expr.BinOp.LT || b.op() == Expr.BinOp.LE;
      mv.visitInsn(lessish ? FCMPG : FCMPL);
      mv.visitJumpInsn(switch (b.op()) {
        case LT -> IFLT;
        case LE -> IFLE;
        case GT -> IFGT;
        case GE -> IFGE;
        case EQ -> IFEQ;
        default -> IFNE;
      }, yes);
    } else {
      mv.visitJumpInsn(switch (b.op()) {
        case LT -> IF_ICMPLT;
        case LE -> IF_ICMPLE;
        case GT -> IF_ICMPGT;
        case GE -> IF_ICMPGE;
        case EQ -> IF_ICMPEQ;
        default -> IF_ICMPNE;
      }, yes);
    }
    mv.visitInsn(ICONST_0);
    mv.visitJumpInsn(GOTO, end);
    mv.visitLabel(yes);
    mv.visitInsn(ICONST_1);
    mv.visitLabel(end);
    return JType.BOOL;
  }

  private JType call(Expr.Call c) {
    JType t = typeOf(c);
    switch (c.fn()) {
      case SELECT -> {
        Label other = new Label();
        Label end = new Label();
        emit(c.args().get(0), JType.BOOL);
        mv.visitJumpInsn(IFEQ, other);
        emit(c.args().get(1), t == JType.BOOL ? JType.INT : t);
        mv.visitJumpInsn(GOTO, end);
        mv.visitLabel(other);
        emit(c.args().get(2), t == JType.BOOL ? JType.INT : t);
        mv.visitLabel(end);
        return t;
      }
      case CDIV -> {
        emit(c.args().get(0), JType.INT);
        emit(c.args().get(1), JType.INT);
        mv.visitMethodInsn(INVOKESTATIC, MATH, "cdiv", "(II)I", false);
        return JType.INT;
      }
      case MIN, MAX, ABS -> {
        String prefix = t == JType.INT ? "i" : "";
        String desc = t == JType.INT ? "I" : "F";
        for (Expr a : c.args()) emit(a, t);
        String sig = "(" + desc.repeat(c.args().size()) + ")" + desc;
        mv.visitMethodInsn(INVOKESTATIC, MATH, prefix + c.fn().text(), sig, false);
        return t;
      }
      default -> {
        for (Expr a : c.args()) emit(a, JType.FLOAT);
        mv.visitMethodInsn(INVOKESTATIC, MATH, c.fn().text(), "(" + "F".repeat(c.args().size()) + ")F", false);
        return JType.FLOAT;
      }
    }
  }
}
