package dev.tessera.frontend;

import dev.tessera.frontend.Ty.Typed;
import dev.tessera.frontend.ast.Ast;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Expr.BinOp;
import dev.tessera.ir.Expr.Fn;
import java.util.ArrayList;
import java.util.List;

/**
 * Type-checks expressions and lowers them to IR. Operators and built-in functions are handled here;
 * what a name, a read or a reduction means depends on where the expression stands, so subclasses
 * (kernel statements, normalizer bodies) resolve those.
 */
abstract class ExprChecker {
  protected final Diagnostics diags;

  ExprChecker(Diagnostics diags) {
    this.diags = diags;
  }

  abstract Typed name(Ast.Name n);

  abstract Typed read(Ast.Read r);

  abstract Typed field(Ast.FieldRef f);

  abstract Typed reduce(Ast.Reduce r);

  abstract Typed normalizeCall(Ast.NormalizeCall n);

  /** A call this context defines beyond the built-ins (rowmax in normalizers), or null. */
  Typed extraCall(Ast.Call c) {
    return null;
  }

  /** Names of the calls {@link #extraCall} knows, for hints. */
  List<String> extraCallNames() {
    return List.of();
  }

  Typed check(Ast.Expr e) {
    return switch (e) {
      case Ast.Number n -> new Typed(new Expr.Const(n.value(), n.integral()), n.integral() ? Ty.INT : Ty.FLOAT);
      case Ast.Name n -> name(n);
      case Ast.FieldRef f -> field(f);
      case Ast.Read r -> read(r);
      case Ast.Call c -> call(c);
      case Ast.NormalizeCall n -> normalizeCall(n);
      case Ast.Unary u -> unary(u);
      case Ast.Binary b -> binary(b);
      case Ast.Reduce r -> reduce(r);
    };
  }

  Expr expect(Ast.Expr e, Ty want, String what) {
    Typed t = check(e);
    if (want == Ty.BOOL ? t.ty() != Ty.BOOL : !t.ty().numeric()) {
      throw diags.error(Codes.TYPE_MISMATCH, e.span(), what + " must be " + want.text() + ", but this is " + t.ty().text(),
          want == Ty.BOOL ? "compare values with <, <=, ==, ... to make a condition" : "use select(cond, a, b) to turn a condition into a value");
    }
    return t.expr();
  }

  private Typed unary(Ast.Unary u) {
    if (u.op().equals("!")) return new Typed(new Expr.Unary(Expr.UnOp.NOT, expect(u.operand(), Ty.BOOL, "the operand of '!'")), Ty.BOOL);
    Typed t = check(u.operand());
    numeric(t, u.operand(), "the operand of '-'");
    if (t.expr() instanceof Expr.Const c) return new Typed(new Expr.Const(-c.value(), c.integral()), t.ty());
    return new Typed(new Expr.Unary(Expr.UnOp.NEG, t.expr()), t.ty());
  }

  private Typed binary(Ast.Binary b) {
    String op = b.op();
    if (op.equals("&&") || op.equals("||")) {
      Expr l = expect(b.left(), Ty.BOOL, "the left side of '" + op + "'");
      Expr r = expect(b.right(), Ty.BOOL, "the right side of '" + op + "'");
      return new Typed(new Expr.Binary(op.equals("&&") ? BinOp.AND : BinOp.OR, l, r), Ty.BOOL);
    }
    Typed l = check(b.left());
    Typed r = check(b.right());
    if ((op.equals("==") || op.equals("!=")) && l.ty() == Ty.BOOL && r.ty() == Ty.BOOL) {
      return new Typed(new Expr.Binary(op.equals("==") ? BinOp.EQ : BinOp.NE, l.expr(), r.expr()), Ty.BOOL);
    }
    numeric(l, b.left(), "the left side of '" + op + "'");
    numeric(r, b.right(), "the right side of '" + op + "'");
    boolean ints = l.ty() == Ty.INT && r.ty() == Ty.INT;
    BinOp bop = switch (op) {
      case "+" -> BinOp.ADD;
      case "-" -> BinOp.SUB;
      case "*" -> BinOp.MUL;
      case "/" -> ints ? BinOp.IDIV : BinOp.DIV;
      case "%" -> BinOp.MOD;
      case "<" -> BinOp.LT;
      case "<=" -> BinOp.LE;
      case ">" -> BinOp.GT;
      case ">=" -> BinOp.GE;
      case "==" -> BinOp.EQ;
      case "!=" -> BinOp.NE;
      default -> throw new IllegalStateException("operator " + op);
    };
    if (bop == BinOp.MOD && !ints) {
      throw diags.error(Codes.TYPE_MISMATCH, b.span(), "'%' needs integer operands", "it is meant for index arithmetic");
    }
    Ty ty = bop.isComparison() ? Ty.BOOL : ints ? Ty.INT : Ty.FLOAT;
    return new Typed(new Expr.Binary(bop, l.expr(), r.expr()), ty);
  }

  private void numeric(Typed t, Ast.Expr e, String what) {
    if (!t.ty().numeric()) {
      throw diags.error(Codes.TYPE_MISMATCH, e.span(), what + " must be a number, but it is a condition",
          "use select(cond, a, b) to turn a condition into a value");
    }
  }

  private Typed call(Ast.Call c) {
    Typed extra = extraCall(c);
    if (extra != null) return extra;
    Fn fn = Fn.byName(c.fn().name()).orElseThrow(() -> unknownFunction(c));
    if (c.args().size() != fn.arity()) {
      throw diags.error(Codes.ARITY, c.span(), fn.text() + " takes " + fn.arity() + " argument"
          + (fn.arity() == 1 ? "" : "s") + ", not " + c.args().size());
    }
    if (fn == Fn.SELECT) return select(c);
    List<Expr> args = new ArrayList<>();
    boolean allInt = true;
    for (Ast.Expr a : c.args()) {
      Typed t = check(a);
      numeric(t, a, "an argument of " + fn.text());
      allInt &= t.ty() == Ty.INT;
      args.add(t.expr());
    }
    boolean intResult = allInt && (fn == Fn.MIN || fn == Fn.MAX || fn == Fn.ABS || fn == Fn.CDIV);
    if (fn == Fn.CDIV && !allInt) {
      throw diags.error(Codes.TYPE_MISMATCH, c.span(), "cdiv needs integer arguments", "it rounds an integer division up");
    }
    return new Typed(new Expr.Call(fn, args), intResult ? Ty.INT : Ty.FLOAT);
  }

  private Typed select(Ast.Call c) {
    Expr cond = expect(c.args().get(0), Ty.BOOL, "the first argument of select");
    Typed a = check(c.args().get(1));
    Typed b = check(c.args().get(2));
    if (a.ty().numeric() != b.ty().numeric()) {
      throw diags.error(Codes.TYPE_MISMATCH, c.span(), "the two branches of select must both be numbers or both conditions");
    }
    Ty ty = a.ty() == Ty.BOOL ? Ty.BOOL : a.ty() == Ty.INT && b.ty() == Ty.INT ? Ty.INT : Ty.FLOAT;
    return new Typed(new Expr.Call(Fn.SELECT, List.of(cond, a.expr(), b.expr())), ty);
  }

  private Diagnostics.Abandon unknownFunction(Ast.Call c) {
    List<String> known = new ArrayList<>();
    for (Fn f : Fn.values()) known.add(f.text());
    known.addAll(extraCallNames());
    String hint = Diagnostics.didYouMean(c.fn().name(), known);
    if (hint.isEmpty()) hint = "known functions: " + String.join(", ", known);
    return diags.error(Codes.UNKNOWN_FUNCTION, c.fn().span(), "unknown function '" + c.fn().name() + "'", hint);
  }
}
