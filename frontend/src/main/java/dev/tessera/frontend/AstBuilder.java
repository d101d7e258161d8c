package dev.tessera.frontend;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Span;
import dev.tessera.frontend.ast.Ast;
import dev.tessera.frontend.grammar.TesseraParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/** Turns ANTLR's parse tree into the {@link Ast}, attaching a span to every node. */
final class AstBuilder {
  private final String file;

  AstBuilder(String file) {
    this.file = file;
  }

  Ast.File file(TesseraParser.FileContext ctx) throws CompileException {
    List<Ast.KernelDecl> kernels = new ArrayList<>();
    List<Ast.NormalizerDecl> norms = new ArrayList<>();
    for (TesseraParser.DeclContext d : ctx.decl()) {
      if (d.kernel() != null) kernels.add(kernel(d.kernel()));
      else norms.add(normalizer(d.normalizer()));
    }
    return new Ast.File(file, kernels, norms);
  }

  private Ast.KernelDecl kernel(TesseraParser.KernelContext k) throws CompileException {
    List<Ast.Param> ins = k.ins == null ? List.of() : params(k.ins);
    List<Ast.Relation> rels = new ArrayList<>();
    if (k.relations() != null) {
      for (TesseraParser.RelationContext r : k.relations().relation()) {
        rels.add(new Ast.Relation(span(r), ident(r.ID()), expr(r.expr())));
      }
    }
    List<Ast.DimDefault> defs = new ArrayList<>();
    if (k.defaults() != null) {
      for (TesseraParser.DimDefaultContext d : k.defaults().dimDefault()) {
        defs.add(new Ast.DimDefault(span(d), ident(d.ID()), size(d.INT())));
      }
    }
    List<Ast.Stmt> body = k.stmt().stream().map(this::stmt).toList();
    return new Ast.KernelDecl(span(k), ident(k.name), ins, params(k.outs), rels, defs, body);
  }

  private List<Ast.Param> params(TesseraParser.ParamsContext ps) throws CompileException {
    List<Ast.Param> out = new ArrayList<>();
    for (TesseraParser.ParamContext p : ps.param()) {
      List<Ast.DimRef> shape = new ArrayList<>();
      if (p.shape() != null) {
        for (TesseraParser.DimContext d : p.shape().dim()) {
          shape.add(d.INT() != null
              ? new Ast.DimRef(span(d), null, size(d.INT()))
              : new Ast.DimRef(span(d), d.ID().getText(), 0));
        }
      }
      Optional<Ast.Range> range = Optional.ofNullable(p.range())
          .map(r -> new Ast.Range(span(r), signed(r.lo), signed(r.hi)));
      out.add(new Ast.Param(span(p), ident(p.name), ident(p.type), shape, range));
    }
    return out;
  }

  /** A dimension size as written; one that does not fit a long is reported rather than thrown. */
  private long size(TerminalNode t) throws CompileException {
    try {
      return Long.parseLong(t.getText());
    } catch (NumberFormatException e) {
      throw new CompileException(Diagnostic.error(Codes.BAD_DECLARATION, span(t.getSymbol()),
          "the size " + t.getText() + " is too large", "a size must be below 2^63"));
    }
  }

  private static double signed(TesseraParser.SignedContext s) {
    String text = s.getChildCount() == 2 ? s.getChild(1).getText() : s.getChild(0).getText();
    double v = text.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(text);
    return s.getChildCount() == 2 ? -v : v;
  }

  private Ast.Stmt stmt(TesseraParser.StmtContext s) {
    if (s instanceof TesseraParser.AssignContext a) {
      return new Ast.Assign(span(a), target(a.target()), expr(a.expr()), where(a.whereClause()));
    }
    TesseraParser.ScanContext sc = (TesseraParser.ScanContext) s;
    List<Ast.Assign> states = new ArrayList<>();
    List<Ast.Assign> body = new ArrayList<>();
    for (TesseraParser.ScanItemContext item : sc.scanItem()) {
      if (item instanceof TesseraParser.StateInitContext st) {
        states.add(new Ast.Assign(span(st), target(st.target()), expr(st.expr()), Optional.empty()));
      } else {
        TesseraParser.ScanAssignContext as = (TesseraParser.ScanAssignContext) item;
        body.add(new Ast.Assign(span(as), target(as.target()), expr(as.expr()), where(as.whereClause())));
      }
    }
    return new Ast.Scan(span(sc), ident(sc.ID()), states, body);
  }

  private Optional<Ast.Expr> where(TesseraParser.WhereClauseContext w) {
    return w == null ? Optional.empty() : Optional.of(expr(w.expr()));
  }

  private Ast.Target target(TesseraParser.TargetContext t) {
    List<TerminalNode> ids = t.ID();
    List<Ast.Ident> indices = ids.subList(1, ids.size()).stream().map(this::ident).toList();
    return new Ast.Target(span(t), ident(ids.get(0)), indices);
  }

  private Ast.NormalizerDecl normalizer(TesseraParser.NormalizerContext n) {
    List<Ast.NormAssign> state = n.stateVar().stream()
        .map(s -> new Ast.NormAssign(span(s), ident(s.ID()), false, expr(s.expr()))).toList();
    List<Ast.NormAssign> step = normStmts(n.step().normStmt());
    Optional<Ast.Expr> finish = Optional.ofNullable(n.finish()).map(f -> expr(f.expr()));
    List<Ast.NormAssign> combine = n.combine() == null ? List.of() : normStmts(n.combine().normStmt());
    return new Ast.NormalizerDecl(span(n), ident(n.name), state, step, finish, combine, n.combine() != null);
  }

  private List<Ast.NormAssign> normStmts(List<TesseraParser.NormStmtContext> ss) {
    return ss.stream().map(s -> new Ast.NormAssign(span(s), ident(s.ID()), s.let != null, expr(s.expr()))).toList();
  }

  private Ast.Expr expr(TesseraParser.ExprContext e) {
    return switch (e) {
      case TesseraParser.AtomExprContext a -> atom(a.atom());
      case TesseraParser.UnaryContext u -> new Ast.Unary(span(u), u.op.getText(), expr(u.expr()));
      case TesseraParser.BinaryContext b -> new Ast.Binary(span(b.op), b.op.getText(), expr(b.expr(0)), expr(b.expr(1)));
      case TesseraParser.ReduceContext r -> new Ast.Reduce(span(r.red), r.red.getText(),
          r.ID().stream().map(this::ident).toList(), expr(r.expr()));
      default -> throw new IllegalStateException("unhandled expression " + e.getClass().getSimpleName());
    };
  }

  private Ast.Expr atom(TesseraParser.AtomContext a) {
    return switch (a) {
      case TesseraParser.IntLitContext i -> new Ast.Number(span(i), Double.parseDouble(i.getText()), true);
      case TesseraParser.FloatLitContext f -> new Ast.Number(span(f), Double.parseDouble(f.getText()), false);
      case TesseraParser.InfLitContext f -> new Ast.Number(span(f), Double.POSITIVE_INFINITY, false);
      case TesseraParser.NormalizeCallContext n -> new Ast.NormalizeCall(span(n), ident(n.ID(0)), ident(n.ID(1)),
          expr(n.expr()));
      case TesseraParser.CallContext c -> new Ast.Call(span(c), new Ast.Ident(span(c.fname()), c.fname().getText()),
          c.expr().stream().map(this::expr).toList());
      case TesseraParser.ReadContext r -> new Ast.Read(span(r), ident(r.ID()), r.expr().stream().map(this::expr).toList());
      case TesseraParser.FieldContext f -> new Ast.FieldRef(span(f), f.side.getText(), f.field.getText());
      case TesseraParser.NameContext n -> new Ast.Name(span(n), n.getText());
      case TesseraParser.ParenContext p -> expr(p.expr());
      default -> throw new IllegalStateException("unhandled atom " + a.getClass().getSimpleName());
    };
  }

  private Ast.Ident ident(TerminalNode t) {
    return new Ast.Ident(span(t.getSymbol()), t.getText());
  }

  private Ast.Ident ident(Token t) {
    return new Ast.Ident(span(t), t.getText());
  }

  private Span span(Token t) {
    return new Span(file, t.getLine(), t.getCharPositionInLine() + 1, t.getText().length());
  }

  /** A node's span covers its text when it is on one line, else its first token. */
  private Span span(ParserRuleContext c) {
    Token start = c.getStart();
    Token stop = c.getStop();
    int length = stop != null && stop.getLine() == start.getLine()
        ? stop.getStopIndex() - start.getStartIndex() + 1
        : start.getText().length();
    return new Span(file, start.getLine(), start.getCharPositionInLine() + 1, length);
  }
}
