package dev.tessera.ir;

import dev.tessera.diag.CompileException;
import dev.tessera.ir.Expr.BinOp;
import dev.tessera.ir.Expr.Binary;
import dev.tessera.ir.Expr.Call;
import dev.tessera.ir.Expr.Const;
import dev.tessera.ir.Expr.Dim;
import dev.tessera.ir.Expr.Field;
import dev.tessera.ir.Expr.Fn;
import dev.tessera.ir.Expr.Index;
import dev.tessera.ir.Expr.Read;
import dev.tessera.ir.Expr.RowReduce;
import dev.tessera.ir.Expr.UnOp;
import dev.tessera.ir.Expr.Unary;
import dev.tessera.ir.Expr.Var;
import dev.tessera.ir.IrLexer.Kind;
import dev.tessera.ir.IrLexer.Token;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The token cursor of {@link IrParser} and the expression grammar of the IR text form. Bare names
 * are resolved by a {@link Scope}: the printer writes index variables, dimensions and normalizer
 * variables alike as plain identifiers.
 */
final class IrExprParser {
  /** Deep enough for any printed IR, shallow enough that the parser never overflows the stack. */
  private static final int MAX_DEPTH = 500;

  private static final String FUNCTIONS = Arrays.stream(Fn.values()).map(Fn::text).collect(Collectors.joining(", "))
      + ", rowmax, rowmin, rowsum";

  /** How bare names resolve: to normalizer variables, or to the bound index variables and else to dimensions. */
  record Scope(boolean normalizer, Set<String> indices) {
    static final Scope DIMS = new Scope(false, Set.of());
    static final Scope NORMALIZER = new Scope(true, Set.of());

    Scope bind(Collection<String> names) {
      Set<String> all = new HashSet<>(indices);
      all.addAll(names);
      return new Scope(normalizer, Set.copyOf(all));
    }
  }

  private final List<Token> tokens;
  private final String file;
  private int pos;
  private int depth;

  IrExprParser(List<Token> tokens, String file) {
    this.tokens = tokens;
    this.file = file;
  }

  // ---- cursor ----

  Token peek() {
    return peek(0);
  }

  Token peek(int k) {
    return tokens.get(Math.min(pos + k, tokens.size() - 1));
  }

  Token next() {
    Token t = peek();
    if (t.kind() != Kind.EOF) pos++;
    return t;
  }

  boolean at(String s) {
    return peek().is(s);
  }

  boolean accept(String s) {
    if (!at(s)) return false;
    next();
    return true;
  }

  /** A keyword is a name not followed by '[', so a tensor may be called like a keyword. */
  boolean atKeyword(String keyword) {
    return peek().kind() == Kind.NAME && at(keyword) && !peek(1).is("[");
  }

  Token expect(String s) throws CompileException {
    if (!at(s)) throw expected("'" + s + "'");
    return next();
  }

  Token expectKeyword(String keyword) throws CompileException {
    if (peek().kind() != Kind.NAME || !at(keyword)) throw expected("'" + keyword + "'");
    return next();
  }

  Token name(String what) throws CompileException {
    if (peek().kind() != Kind.NAME) throw expected(what);
    return next();
  }

  /** Consumes the '}' that closes {@code open} and answers true, or answers false when more items follow. */
  boolean closes(Token open) throws CompileException {
    if (peek().kind() == Kind.EOF) {
      throw error(peek(), "unterminated block: '{' at " + where(open) + " is never closed", "add the missing '}'");
    }
    return accept("}");
  }

  CompileException expected(String what) {
    return error(peek(), "expected " + what + ", found " + peek().describe(), "");
  }

  CompileException error(Token at, String message, String hint) {
    return IrLexer.error(file, at.line(), at.col(), at.text().length(), message, hint);
  }

  static String where(Token t) {
    return t.line() + ":" + t.col();
  }

  void enter() throws CompileException {
    if (++depth > MAX_DEPTH) throw error(peek(), "nested more than " + MAX_DEPTH + " levels deep", "");
  }

  void leave() {
    depth--;
  }

  // ---- literals outside expressions ----

  /** A number with an optional sign, as value ranges are printed; {@code inf} and {@code nan} included. */
  double signedNumber() throws CompileException {
    boolean negative = accept("-");
    Token t = peek();
    double v;
    if (t.kind() == Kind.INT || t.kind() == Kind.FLOAT) {
      v = Double.parseDouble(t.text());
    } else if (t.kind() == Kind.NAME && (t.is("inf") || t.is("nan"))) {
      v = t.is("inf") ? Double.POSITIVE_INFINITY : Double.NaN;
    } else {
      throw expected("a number");
    }
    next();
    return negative ? -v : v;
  }

  long integer(boolean negative) throws CompileException {
    Token t = peek();
    if (t.kind() != Kind.INT) throw expected("an integer");
    next();
    try {
      return Long.parseLong((negative ? "-" : "") + t.text());
    } catch (NumberFormatException e) {
      throw error(t, "integer " + t.text() + " is out of range", "");
    }
  }

  // ---- expressions ----

  Expr expr(Scope s) throws CompileException {
    return binary(0, s);
  }

  /** Precedence climbing; the right operand binds one level tighter, which makes binaries left-associative. */
  private Expr binary(int minPrecedence, Scope s) throws CompileException {
    Expr left = unary(s);
    for (BinOp op = binOp(peek()); op != null && op.precedence() >= minPrecedence; op = binOp(peek())) {
      next();
      left = new Binary(op, left, binary(op.precedence() + 1, s));
    }
    return left;
  }

  private static BinOp binOp(Token t) {
    if (t.kind() != Kind.SYM) return null;
    for (BinOp op : BinOp.values()) if (op.symbol().equals(t.text())) return op;
    return null;
  }

  /** A '-' directly before a literal is part of it: the printer writes {@code -(3)} for a negated constant. */
  private Expr unary(Scope s) throws CompileException {
    enter();
    Expr e;
    if (accept("-")) {
      Token first = peek();
      Expr operand = unary(s);
      boolean literal = first.kind() == Kind.INT || first.kind() == Kind.FLOAT || first.is("inf");
      e = literal && operand instanceof Const c ? new Const(-c.value(), c.integral()) : new Unary(UnOp.NEG, operand);
    } else if (accept("!")) {
      e = new Unary(UnOp.NOT, unary(s));
    } else {
      e = primary(s);
    }
    leave();
    return e;
  }

  Expr primary(Scope s) throws CompileException {
    Token t = next();
    return switch (t.kind()) {
      case INT -> new Const(Double.parseDouble(t.text()), true);
      case FLOAT -> new Const(Double.parseDouble(t.text()), false);
      case NAME -> named(t, s);
      default -> {
        if (!t.is("(")) throw error(t, "expected an expression, found " + t.describe(), "");
        Expr inner = expr(s);
        closing(")", t);
        yield inner;
      }
    };
  }

  private Expr named(Token t, Scope s) throws CompileException {
    if (at("(")) return call(t, s);
    if (at("[")) return new Read(t.text(), list("]", next(), s));
    if (accept(".")) return new Field(t.text(), name("a field name after '.'").text());
    String n = t.text();
    if (n.equals("inf")) return new Const(Double.POSITIVE_INFINITY, false);
    if (n.equals("nan")) return new Const(Double.NaN, false);
    if (s.normalizer()) return new Var(n);
    return s.indices().contains(n) ? new Index(n) : new Dim(n);
  }

  private Expr call(Token name, Scope s) throws CompileException {
    Optional<Fn> fn = Fn.byName(name.text());
    ReduceKind row = rowReduce(name.text());
    if (fn.isEmpty() && row == null) {
      throw error(name, "unknown function '" + name.text() + "'", "functions are " + FUNCTIONS);
    }
    List<Expr> args = list(")", next(), s);
    int arity = fn.map(Fn::arity).orElse(1);
    if (args.size() != arity) {
      throw error(name, name.text() + " takes " + arity + (arity == 1 ? " argument" : " arguments") + ", not " + args.size(), "");
    }
    return fn.isPresent() ? new Call(fn.get(), args) : new RowReduce(row, args.get(0));
  }

  private static ReduceKind rowReduce(String name) {
    for (ReduceKind k : ReduceKind.values()) if (name.equals("row" + k.text())) return k;
    return null;
  }

  /** Comma-separated expressions after {@code open}, up to and including {@code close}. */
  List<Expr> list(String close, Token open, Scope s) throws CompileException {
    List<Expr> out = new ArrayList<>();
    if (accept(close)) return out;
    do {
      out.add(expr(s));
    } while (accept(","));
    closing(close, open);
    return out;
  }

  Token closing(String close, Token open) throws CompileException {
    if (at(close)) return next();
    String what = "'" + close + "' to close '" + open.text() + "' at " + where(open);
    throw error(peek(), "expected " + what + ", found " + peek().describe(), "");
  }
}
