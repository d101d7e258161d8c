package dev.tessera.ir;

import dev.tessera.ir.Expr.BinOp;
import dev.tessera.ir.Expr.Fn;
import dev.tessera.ir.Expr.UnOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random kernel expressions over indices i, j, dimensions N, M and tensors x, s, for round-trip tests. */
final class RandomExprs {
  private RandomExprs() {}

  static Expr expr(Random r, int depth) {
    int pick = depth == 0 ? r.nextInt(4) : r.nextInt(10);
    return switch (pick) {
      case 0 -> constant(r);
      case 1 -> new Expr.Index(r.nextBoolean() ? "i" : "j");
      case 2 -> new Expr.Dim(r.nextBoolean() ? "N" : "M");
      case 3 -> new Expr.Read("s", List.of());
      case 4 -> new Expr.Read("x", List.of(expr(r, depth - 1), expr(r, depth - 1)));
      case 5 -> new Expr.Unary(UnOp.values()[r.nextInt(UnOp.values().length)], expr(r, depth - 1));
      case 6 -> call(r, depth);
      default -> new Expr.Binary(BinOp.values()[r.nextInt(BinOp.values().length)], expr(r, depth - 1), expr(r, depth - 1));
    };
  }

  private static Expr call(Random r, int depth) {
    Fn fn = Fn.values()[r.nextInt(Fn.values().length)];
    List<Expr> args = new ArrayList<>();
    for (int k = 0; k < fn.arity(); k++) args.add(expr(r, depth - 1));
    return new Expr.Call(fn, args);
  }

  private static Expr constant(Random r) {
    return switch (r.nextInt(8)) {
      case 0 -> Expr.Const.of(r.nextInt(201) - 100);
      case 1 -> Expr.Const.of(r.nextLong() >> r.nextInt(64));
      case 2 -> Expr.Const.of(r.nextGaussian() * Math.pow(10, r.nextInt(41) - 20));
      case 3 -> Expr.Const.of(r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
      case 4 -> Expr.Const.of(Double.NaN);
      case 5 -> Expr.Const.of(r.nextBoolean() ? 0.0 : -0.0);
      case 6 -> Expr.Const.of((double) (r.nextInt(21) - 10));
      default -> Expr.Const.of(Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL) * (r.nextBoolean() ? 1 : -1));
    };
  }
}
