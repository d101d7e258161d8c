package dev.tessera.ir;

import dev.tessera.ir.Expr.BinOp;
import dev.tessera.ir.Expr.Fn;

/**
 * The meaning of every scalar operator and built-in function, in double precision. The reference
 * interpreter and the normalizer evaluator use it; backends must agree with it.
 */
public final class Semantics {
  private Semantics() {}

  /** Thrown for an integer division or modulo by zero. */
  public static final class DivisionByZero extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    DivisionByZero() {
      super("integer division by zero");
    }
  }

  public static double binary(BinOp op, double a, double b) {
    return switch (op) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case IDIV -> {
        if ((long) b == 0) throw new DivisionByZero();
        yield Math.floorDiv((long) a, (long) b);
      }
      case MOD -> {
        if ((long) b == 0) throw new DivisionByZero();
        yield Math.floorMod((long) a, (long) b);
      }
      case LT -> bool(a < b);
      case LE -> bool(a <= b);
      case GT -> bool(a > b);
      case GE -> bool(a >= b);
      case EQ -> bool(a == b);
      case NE -> bool(a != b);
      case AND -> bool(a != 0 && b != 0);
      case OR -> bool(a != 0 || b != 0);
    };
  }

  public static double unary(Expr.UnOp op, double a) {
    return switch (op) {
      case NEG -> -a;
      case NOT -> bool(a == 0);
    };
  }

  /** Applies a function of arity 1 or 2 ({@code select} is lazy and handled by evaluators). */
  public static double call(Fn fn, double a, double b) {
    return switch (fn) {
      case EXP -> Math.exp(a);
      case EXP2 -> Math.pow(2, a);
      case LOG -> Math.log(a);
      case TANH -> Math.tanh(a);
      case SIGMOID -> sigmoid(a);
      case RELU -> a > 0 ? a : 0;
      case SILU -> a * sigmoid(a);
      case SQRT -> Math.sqrt(a);
      case RSQRT -> 1 / Math.sqrt(a);
      case ABS -> Math.abs(a);
      case FLOOR -> Math.floor(a);
      case MIN -> Math.min(a, b);
      case MAX -> Math.max(a, b);
      case POW -> Math.pow(a, b);
      case CDIV -> {
        if ((long) b == 0) throw new DivisionByZero();
        yield -Math.floorDiv(-(long) a, (long) b);
      }
      case SELECT -> throw new IllegalArgumentException("select is evaluated lazily");
    };
  }

  public static double sigmoid(double a) {
    return a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
  }

  private static double bool(boolean b) {
    return b ? 1 : 0;
  }
}
