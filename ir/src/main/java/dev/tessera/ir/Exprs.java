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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Structural helpers over expressions: children, rewriting, and the names an expression mentions. */
public final class Exprs {
  private Exprs() {}

  public static List<Expr> children(Expr e) {
    return switch (e) {
      case Const c -> List.of();
      case Index i -> List.of();
      case Dim d -> List.of();
      case Var v -> List.of();
      case Field f -> List.of();
      case Read r -> r.indices();
      case Unary u -> List.of(u.operand());
      case Binary b -> List.of(b.left(), b.right());
      case Call c -> c.args();
      case RowReduce r -> List.of(r.body());
    };
  }

  /** Rebuilds {@code e} bottom-up, giving {@code f} each node after its children were rewritten. */
  public static Expr rewrite(Expr e, Function<Expr, Expr> f) {
    Expr rebuilt = switch (e) {
      case Const c -> c;
      case Index i -> i;
      case Dim d -> d;
      case Var v -> v;
      case Field fl -> fl;
      case Read r -> new Read(r.tensor(), r.indices().stream().map(x -> rewrite(x, f)).toList());
      case Unary u -> new Unary(u.op(), rewrite(u.operand(), f));
      case Binary b -> new Binary(b.op(), rewrite(b.left(), f), rewrite(b.right(), f));
      case Call c -> new Call(c.fn(), c.args().stream().map(x -> rewrite(x, f)).toList());
      case RowReduce r -> new RowReduce(r.kind(), rewrite(r.body(), f));
    };
    return f.apply(rebuilt);
  }

  /** All nodes in pre-order. */
  public static List<Expr> nodes(Expr e) {
    List<Expr> out = new ArrayList<>();
    collect(e, out);
    return out;
  }

  private static void collect(Expr e, List<Expr> out) {
    out.add(e);
    for (Expr c : children(e)) collect(c, out);
  }

  /** Adds the dimension names of {@code e} to {@code out}, keeping first-mention order. */
  public static void dims(Expr e, List<String> out) {
    for (Expr n : nodes(e)) if (n instanceof Dim d && !out.contains(d.name())) out.add(d.name());
  }

  public static List<String> indices(Expr e) {
    List<String> out = new ArrayList<>();
    for (Expr n : nodes(e)) if (n instanceof Index i && !out.contains(i.name())) out.add(i.name());
    return out;
  }

  public static List<Read> reads(Expr e) {
    List<Read> out = new ArrayList<>();
    for (Expr n : nodes(e)) if (n instanceof Read r) out.add(r);
    return out;
  }

  public static List<String> tensorsRead(Expr e) {
    List<String> out = new ArrayList<>();
    for (Read r : reads(e)) if (!out.contains(r.tensor())) out.add(r.tensor());
    return out;
  }
}
