package dev.tessera.ir;

import java.util.List;

/**
 * Scalar expressions evaluated at one point of an index space. Integer and floating arithmetic are
 * distinct operators ({@link BinOp#IDIV} versus {@link BinOp#DIV}) so evaluation needs no type pass;
 * booleans are 0 and 1.
 */
public sealed interface Expr {

  /** A literal; {@code integral} keeps integer literals printing as integers. */
  record Const(double value, boolean integral) implements Expr {
    public static Const of(long v) {
      return new Const(v, true);
    }

    public static Const of(double v) {
      return new Const(v, false);
    }
  }

  /** An index variable bound by the enclosing op. */
  record Index(String name) implements Expr {}

  /** A symbolic dimension, bound when the kernel runs. */
  record Dim(String name) implements Expr {}

  /** A tensor element; a 0-d tensor has no indices. */
  record Read(String tensor, List<Expr> indices) implements Expr {
    public Read {
      indices = List.copyOf(indices);
    }
  }

  /** A normalizer-local name: a state variable, a {@code let}, {@code x} or {@code p}. */
  record Var(String name) implements Expr {}

  /** One side's state variable inside a normalizer's combine ({@code a.m}). */
  record Field(String side, String name) implements Expr {}

  record Unary(UnOp op, Expr operand) implements Expr {}

  record Binary(BinOp op, Expr left, Expr right) implements Expr {}

  record Call(Fn fn, List<Expr> args) implements Expr {
    public Call {
      args = List.copyOf(args);
      if (args.size() != fn.arity()) throw new IllegalArgumentException(fn + " takes " + fn.arity());
    }
  }

  /** A reduction over a normalizer's key block ({@code rowmax(x)}, {@code rowsum(p)}). */
  record RowReduce(ReduceKind kind, Expr body) implements Expr {}

  /** Unary operators. */
  enum UnOp { NEG, NOT }

  /** Binary operators; IDIV and MOD are integer operators on indices and dimensions. */
  enum BinOp {
    ADD("+", 4), SUB("-", 4), MUL("*", 5), DIV("/", 5), IDIV("//", 5), MOD("%", 5),
    LT("<", 3), LE("<=", 3), GT(">", 3), GE(">=", 3), EQ("==", 2), NE("!=", 2),
    AND("&&", 1), OR("||", 0);

    private final String symbol;
    private final int precedence;

    BinOp(String symbol, int precedence) {
      this.symbol = symbol;
      this.precedence = precedence;
    }

    public String symbol() {
      return symbol;
    }

    public int precedence() {
      return precedence;
    }

    public boolean isComparison() {
      return precedence == 2 || precedence == 3;
    }
  }

  /** Built-in functions of the DSL. */
  enum Fn {
    EXP(1), EXP2(1), LOG(1), TANH(1), SIGMOID(1), RELU(1), SILU(1), SQRT(1), RSQRT(1), ABS(1),
    FLOOR(1), MIN(2), MAX(2), POW(2), CDIV(2), SELECT(3);

    private final int arity;

    Fn(int arity) {
      this.arity = arity;
    }

    public int arity() {
      return arity;
    }

    public String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static java.util.Optional<Fn> byName(String s) {
      for (Fn f : values()) if (f.text().equals(s)) return java.util.Optional.of(f);
      return java.util.Optional.empty();
    }
  }
}
