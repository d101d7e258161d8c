package dev.tessera.ir;

import dev.tessera.ir.Expr.Binary;
import dev.tessera.ir.Expr.Call;
import dev.tessera.ir.Expr.Const;
import dev.tessera.ir.Expr.Dim;
import dev.tessera.ir.Expr.Field;
import dev.tessera.ir.Expr.Index;
import dev.tessera.ir.Expr.Read;
import dev.tessera.ir.Expr.RowReduce;
import dev.tessera.ir.Expr.Unary;
import dev.tessera.ir.Expr.Var;
import dev.tessera.ir.Op.Compute;
import dev.tessera.ir.Op.Contract;
import dev.tessera.ir.Op.Einsum;
import dev.tessera.ir.Op.Normalize;
import dev.tessera.ir.Op.ParallelAttention;
import dev.tessera.ir.Op.RecurrentAttention;
import dev.tessera.ir.Op.Scan;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Prints IR in its text form; {@link IrParser} reads it back to an equal value. */
public final class IrPrinter {
  private static final int UNARY_PRECEDENCE = 6;
  private static final int ATOM_PRECEDENCE = 7;

  private IrPrinter() {}

  public static String print(Module m) {
    CodeWriter w = new CodeWriter();
    for (NormalizerDef n : m.normalizers()) normalizer(w, n);
    for (Kernel k : m.kernels()) kernel(w, k);
    return w.toString();
  }

  public static String print(Kernel k) {
    CodeWriter w = new CodeWriter();
    kernel(w, k);
    return w.toString();
  }

  static void normalizer(CodeWriter w, NormalizerDef n) {
    w.open("normalizer " + n.name() + " {");
    for (NormalizerDef.StateVar s : n.state()) w.line("state " + s.name() + " = " + expr(s.init()));
    assignments(w, "step", n.step());
    w.line("finish = " + expr(n.finish()));
    if (n.hasCombine()) assignments(w, "combine", n.combine());
    w.close("}");
  }

  private static void assignments(CodeWriter w, String block, List<NormalizerDef.Assign> as) {
    w.open(block + " {");
    for (NormalizerDef.Assign a : as) w.line((a.local() ? "let " : "") + a.target() + " = " + expr(a.value()));
    w.close("}");
  }

  static void kernel(CodeWriter w, Kernel k) {
    w.open("kernel " + k.name() + " {");
    for (TensorDecl t : k.tensors()) w.line(decl(t));
    for (Kernel.Relation r : k.relations()) w.line("with " + r.dim() + " = " + expr(r.value()));
    for (Kernel.DimDefault d : k.defaults()) w.line("default " + d.dim() + " = " + d.value());
    for (Op op : k.ops()) op(w, op);
    w.close("}");
  }

  static String decl(TensorDecl t) {
    String role = switch (t.role()) {
      case INPUT -> "in";
      case OUTPUT -> "out";
      case TEMP -> "tmp";
    };
    String shape = t.shape().stream().map(IrPrinter::expr).collect(Collectors.joining(", ", "[", "]"));
    String range = t.range().map(r -> " range(" + number(r.low(), false) + ", " + number(r.high(), false) + ")")
        .orElse("");
    return role + " " + t.name() + ": " + t.type().text() + shape + range;
  }

  static void op(CodeWriter w, Op op) {
    switch (op) {
      case Compute c -> w.line(compute(c));
      case Contract c -> w.line(contract(c));
      case Normalize n -> w.line(normalize(n));
      case Scan s -> scan(w, s);
      case ParallelAttention a -> {
        w.open(a.passes() == 0 ? "attention {" : "attention passes=" + a.passes() + " {");
        w.line("score " + contract(a.score()));
        for (Compute m : a.modifiers()) w.line("modifier " + compute(m));
        a.normalize().ifPresent(n -> w.line("normalize " + normalize(n)));
        w.line("aggregate " + contract(a.aggregate()));
        w.close("}");
      }
      case RecurrentAttention r -> {
        w.open("recurrent " + r.decayKind().name().toLowerCase(Locale.ROOT) + "(" + expr(r.decay()) + ") {");
        scan(w, r.scan());
        w.close("}");
      }
      case Einsum e -> w.line("einsum " + contract(e.contraction()));
    }
  }

  private static void scan(CodeWriter w, Scan s) {
    w.open("scan " + indexVar(s.step()) + " {");
    for (Op.StateDef st : s.states()) {
      w.line("state " + st.name() + space(st.indices()) + " = " + expr(st.init()) + " -> " + expr(st.update()));
    }
    for (Op b : s.body()) op(w, b);
    w.close("}");
  }

  static String compute(Compute c) {
    return c.out() + space(c.indices()) + " = " + expr(c.body()) + c.mask().map(m -> " where " + expr(m)).orElse("");
  }

  static String contract(Contract c) {
    return c.out() + space(c.indices()) + " = " + c.kind().text() + space(c.reduce()) + " " + expr(c.body());
  }

  static String normalize(Normalize n) {
    return n.out() + space(n.indices()) + " = " + n.normalizer() + "[" + n.axis() + "](" + expr(n.input()) + ")"
        + n.mask().map(m -> " where " + expr(m)).orElse("");
  }

  static String space(List<IndexVar> vs) {
    return vs.stream().map(IrPrinter::indexVar).collect(Collectors.joining(", ", "[", "]"));
  }

  static String indexVar(IndexVar v) {
    return v.name() + ":" + operand(v.extent(), ATOM_PRECEDENCE);
  }

  public static String expr(Expr e) {
    return operand(e, 0);
  }

  private static String operand(Expr e, int context) {
    int p = precedence(e);
    String s = bare(e);
    return p < context ? "(" + s + ")" : s;
  }

  private static int precedence(Expr e) {
    return switch (e) {
      case Binary b -> b.op().precedence();
      case Unary u -> UNARY_PRECEDENCE;
      case Const c -> c.value() < 0 || (c.value() == 0 && 1 / c.value() < 0) ? UNARY_PRECEDENCE : ATOM_PRECEDENCE;
      default -> ATOM_PRECEDENCE;
    };
  }

  private static String bare(Expr e) {
    return switch (e) {
      case Const c -> number(c.value(), c.integral());
      case Index i -> i.name();
      case Dim d -> d.name();
      case Var v -> v.name();
      case Field f -> f.side() + "." + f.name();
      case Read r -> r.tensor() + r.indices().stream().map(IrPrinter::expr).collect(Collectors.joining(", ", "[", "]"));
      case Unary u -> (u.op() == Expr.UnOp.NEG ? "-" : "!") + unaryOperand(u.operand());
      case Binary b -> operand(b.left(), b.op().precedence()) + " " + b.op().symbol() + " "
          + operand(b.right(), b.op().precedence() + 1);
      case Call c -> c.fn().text() + c.args().stream().map(IrPrinter::expr).collect(Collectors.joining(", ", "(", ")"));
      case RowReduce r -> "row" + r.kind().text() + "(" + expr(r.body()) + ")";
    };
  }

  /** A literal under a unary operator is parenthesised so that it does not read back as a signed literal. */
  private static String unaryOperand(Expr operand) {
    if (operand instanceof Const) return "(" + bare(operand) + ")";
    return operand(operand, UNARY_PRECEDENCE);
  }

  static String number(double v, boolean integral) {
    if (Double.isNaN(v)) return "nan";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    if (integral && v == Math.rint(v)) return v == 0 && 1 / v < 0 ? "-0" : new java.math.BigDecimal(v).toPlainString();
    return Double.toString(v);
  }
}
