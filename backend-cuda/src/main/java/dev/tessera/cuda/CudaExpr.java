package dev.tessera.cuda;

import dev.tessera.ir.Expr;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Expressions to CUDA C. Each result carries its C type: indices, dimensions, integer literals,
 * comparisons and integer operators are {@code long long}; tensor reads and floating functions are
 * {@code float}. Integer division and modulo floor as {@link dev.tessera.ir.Semantics} does.
 */
final class CudaExpr {
  /** A C expression and whether it is integral. */
  record Code(String text, boolean integral) {
    String asFloat() {
      return integral ? "(float)(" + text + ")" : text;
    }

    String asInt() {
      return integral ? text : "(long long)(" + text + ")";
    }
  }

  private final Layout layout;
  private final Map<String, String> indices;
  private final Function<String, String> vars;

  /**
   * @param indices C names of the index variables in scope
   * @param vars C code of normalizer-local names ({@code x}, states, lets), or null outside a normalizer
   */
  CudaExpr(Layout layout, Map<String, String> indices, Function<String, String> vars) {
    this.layout = layout;
    this.indices = indices;
    this.vars = vars;
  }

  Code emit(Expr e) {
    return switch (e) {
      case Expr.Const c -> constant(c);
      case Expr.Index i -> new Code(index(i.name()), true);
      case Expr.Dim d -> new Code(dim(d.name()) + "LL", true);
      case Expr.Read r -> new Code(read(r), false);
      case Expr.Var v -> new Code(var(v.name()), false);
      case Expr.Field f -> new Code(var(f.side() + "." + f.name()), false);
      case Expr.Unary u -> unary(u);
      case Expr.Binary b -> binary(b);
      case Expr.Call c -> call(c);
      case Expr.RowReduce r -> throw new IllegalArgumentException("row reductions are emitted by the normalizer emitter");
    };
  }

  private String index(String name) {
    String c = indices.get(name);
    if (c == null) throw new IllegalStateException("index " + name + " is not in scope");
    return c;
  }

  private long dim(String name) {
    Long v = layout.dims().get(name);
    if (v == null) throw new IllegalStateException("dimension " + name + " is not bound");
    return v;
  }

  private String var(String name) {
    if (vars == null) throw new IllegalStateException("normalizer name " + name + " outside a normalizer");
    return vars.apply(name);
  }

  static Code constant(Expr.Const c) {
    double v = c.value();
    if (c.integral() && v == Math.rint(v) && Math.abs(v) < 9e15) return new Code((long) v + "LL", true);
    return new Code(floatLiteral(v), false);
  }

  static String floatLiteral(double v) {
    if (Double.isNaN(v)) return "__int_as_float(0x7fc00000)";
    if (v == Double.POSITIVE_INFINITY) return "__int_as_float(0x7f800000)";
    if (v == Double.NEGATIVE_INFINITY) return "__int_as_float(0xff800000)";
    String s = Float.toString((float) v);
    return (s.startsWith("-") ? "(" + s + "f)" : s + "f");
  }

  /** The element offset of a read, in {@code long long}. */
  String offset(String tensor, List<Expr> subs) {
    Layout.Buffer b = layout.buffer(tensor);
    if (subs.isEmpty()) return "0LL";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < subs.size(); i++) {
      if (i > 0) sb.append(" + ");
      String s = emit(subs.get(i)).asInt();
      sb.append(b.strides()[i] == 1 ? "(" + s + ")" : "(" + s + ") * " + b.strides()[i] + "LL");
    }
    return sb.toString();
  }

  private String read(Expr.Read r) {
    Layout.Buffer b = layout.buffer(r.tensor());
    return b.type().load(Names.param(r.tensor()) + "[" + offset(r.tensor(), r.indices()) + "]");
  }

  private Code unary(Expr.Unary u) {
    Code a = emit(u.operand());
    return switch (u.op()) {
      case NEG -> new Code("(-" + a.text + ")", a.integral);
      case NOT -> new Code("(long long)(!(" + a.text + "))", true);
    };
  }

  private Code binary(Expr.Binary b) {
    Code l = emit(b.left());
    Code r = emit(b.right());
    boolean ints = l.integral && r.integral;
    return switch (b.op()) {
      case ADD, SUB, MUL -> ints ? new Code("(" + l.text + " " + b.op().symbol() + " " + r.text + ")", true)
          : new Code("(" + l.asFloat() + " " + b.op().symbol() + " " + r.asFloat() + ")", false);
      case DIV -> new Code("(" + l.asFloat() + " / " + r.asFloat() + ")", false);
      case IDIV -> new Code("tsr_floordiv(" + l.asInt() + ", " + r.asInt() + ")", true);
      case MOD -> new Code("tsr_floormod(" + l.asInt() + ", " + r.asInt() + ")", true);
      case LT, LE, GT, GE, EQ, NE -> ints
          ? new Code("(long long)(" + l.text + " " + b.op().symbol() + " " + r.text + ")", true)
          : new Code("(long long)(" + l.asFloat() + " " + b.op().symbol() + " " + r.asFloat() + ")", true);
      case AND -> new Code("(long long)((" + l.text + ") != 0 && (" + r.text + ") != 0)", true);
      case OR -> new Code("(long long)((" + l.text + ") != 0 || (" + r.text + ") != 0)", true);
    };
  }

  private Code call(Expr.Call c) {
    List<Code> a = c.args().stream().map(this::emit).toList();
    return switch (c.fn()) {
      case EXP -> f("expf", a.get(0));
      case EXP2 -> f("exp2f", a.get(0));
      case LOG -> f("logf", a.get(0));
      case TANH -> f("tanhf", a.get(0));
      case SIGMOID -> f("tsr_sigmoid", a.get(0));
      case RELU -> f("tsr_relu", a.get(0));
      case SILU -> f("tsr_silu", a.get(0));
      case SQRT -> f("sqrtf", a.get(0));
      case RSQRT -> f("rsqrtf", a.get(0));
      case FLOOR -> f("floorf", a.get(0));
      case ABS -> a.get(0).integral ? new Code("llabs(" + a.get(0).text + ")", true) : f("fabsf", a.get(0));
      case MIN -> pair("tsr_min", "fminf", a);
      case MAX -> pair("tsr_max", "fmaxf", a);
      case POW -> new Code("powf(" + a.get(0).asFloat() + ", " + a.get(1).asFloat() + ")", false);
      case CDIV -> new Code("tsr_cdiv(" + a.get(0).asInt() + ", " + a.get(1).asInt() + ")", true);
      case SELECT -> select(a);
    };
  }

  private static Code f(String fn, Code x) {
    return new Code(fn + "(" + x.asFloat() + ")", false);
  }

  private static Code pair(String intFn, String floatFn, List<Code> a) {
    if (a.get(0).integral && a.get(1).integral) return new Code(intFn + "(" + a.get(0).text + ", " + a.get(1).text + ")", true);
    return new Code(floatFn + "(" + a.get(0).asFloat() + ", " + a.get(1).asFloat() + ")", false);
  }

  private static Code select(List<Code> a) {
    boolean ints = a.get(1).integral && a.get(2).integral;
    String x = ints ? a.get(1).text : a.get(1).asFloat();
    String y = ints ? a.get(2).text : a.get(2).asFloat();
    return new Code("((" + a.get(0).text + ") != 0 ? " + x + " : " + y + ")", ints);
  }
}
