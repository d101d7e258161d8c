package dev.tessera.ir;

import dev.tessera.ir.Expr.BinOp;
import dev.tessera.ir.Expr.Binary;
import dev.tessera.ir.Expr.Call;
import dev.tessera.ir.Expr.Const;
import dev.tessera.ir.Expr.Dim;
import dev.tessera.ir.Expr.Fn;
import dev.tessera.ir.Expr.Index;
import dev.tessera.ir.Expr.Read;
import dev.tessera.ir.Expr.UnOp;
import dev.tessera.ir.Expr.Unary;
import dev.tessera.ir.Expr.Var;
import java.util.List;
import java.util.Optional;

/** Short constructors for building IR by hand in tests. */
final class IrFixtures {
  private IrFixtures() {}

  static Const i(long v) {
    return Const.of(v);
  }

  static Const f(double v) {
    return Const.of(v);
  }

  static Index ix(String name) {
    return new Index(name);
  }

  static Dim dim(String name) {
    return new Dim(name);
  }

  static Var var(String name) {
    return new Var(name);
  }

  static Read read(String tensor, Expr... indices) {
    return new Read(tensor, List.of(indices));
  }

  static Binary bin(BinOp op, Expr a, Expr b) {
    return new Binary(op, a, b);
  }

  static Unary neg(Expr e) {
    return new Unary(UnOp.NEG, e);
  }

  static Unary not(Expr e) {
    return new Unary(UnOp.NOT, e);
  }

  static Call call(Fn fn, Expr... args) {
    return new Call(fn, List.of(args));
  }

  static IndexVar iv(String name, Expr extent) {
    return new IndexVar(name, extent);
  }

  static IndexVar iv(String name, String dim) {
    return new IndexVar(name, new Dim(dim));
  }

  static TensorDecl input(String name, ElemType t, Expr... shape) {
    return new TensorDecl(name, t, List.of(shape), TensorDecl.Role.INPUT, Optional.empty());
  }

  static TensorDecl output(String name, Expr... shape) {
    return new TensorDecl(name, ElemType.F32, List.of(shape), TensorDecl.Role.OUTPUT, Optional.empty());
  }

  static TensorDecl temp(String name, Expr... shape) {
    return new TensorDecl(name, ElemType.F32, List.of(shape), TensorDecl.Role.TEMP, Optional.empty());
  }

  static Op.Compute compute(String out, List<IndexVar> idx, Expr body) {
    return new Op.Compute(out, idx, body, Optional.empty());
  }

  static Op.Compute compute(String out, List<IndexVar> idx, Expr body, Expr mask) {
    return new Op.Compute(out, idx, body, Optional.of(mask));
  }

  static Op.Contract sum(String out, List<IndexVar> idx, List<IndexVar> reduce, Expr body) {
    return new Op.Contract(out, idx, ReduceKind.SUM, reduce, body);
  }

  static Kernel kernel(String name, List<TensorDecl> tensors, List<Op> ops) {
    return new Kernel(name, tensors, List.of(), List.of(), ops);
  }

  static Module module(Kernel... kernels) {
    return new Module(List.of(), List.of(kernels));
  }

  /** A kernel computing {@code y[i] = body} over {@code i:N}, for expression round trips. */
  static Kernel exprKernel(Expr body) {
    return kernel("e", List.of(input("x", ElemType.F32, dim("N")), output("y", dim("N"))),
        List.of(compute("y", List.of(iv("i", "N")), body)));
  }

  /** Softmax in online form, with a combine of two partial states. */
  static NormalizerDef softmax() {
    return new NormalizerDef("softmax",
        List.of(new NormalizerDef.StateVar("m", f(Double.NEGATIVE_INFINITY)), new NormalizerDef.StateVar("l", i(0))),
        List.of(
            new NormalizerDef.Assign("m2", true, call(Fn.MAX, var("m"), new Expr.RowReduce(ReduceKind.MAX, var("x")))),
            new NormalizerDef.Assign("p", false, call(Fn.EXP, bin(BinOp.SUB, var("x"), var("m2")))),
            new NormalizerDef.Assign("rescale", false, call(Fn.EXP, bin(BinOp.SUB, var("m"), var("m2")))),
            new NormalizerDef.Assign("l", false,
                bin(BinOp.ADD, bin(BinOp.MUL, var("l"), var("rescale")), new Expr.RowReduce(ReduceKind.SUM, var("p")))),
            new NormalizerDef.Assign("m", false, var("m2"))),
        bin(BinOp.DIV, i(1), var("l")),
        List.of(
            new NormalizerDef.Assign("m", false, call(Fn.MAX, new Expr.Field("a", "m"), new Expr.Field("b", "m"))),
            new NormalizerDef.Assign("wa", false, call(Fn.EXP, bin(BinOp.SUB, new Expr.Field("a", "m"), var("m")))),
            new NormalizerDef.Assign("wb", false, call(Fn.EXP, bin(BinOp.SUB, new Expr.Field("b", "m"), var("m")))),
            new NormalizerDef.Assign("l", false, bin(BinOp.ADD,
                bin(BinOp.MUL, new Expr.Field("a", "l"), var("wa")), bin(BinOp.MUL, new Expr.Field("b", "l"), var("wb"))))));
  }
}
