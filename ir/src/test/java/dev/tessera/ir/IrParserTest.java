package dev.tessera.ir;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.tessera.ir.IrFixtures.bin;
import static dev.tessera.ir.IrFixtures.call;
import static dev.tessera.ir.IrFixtures.compute;
import static dev.tessera.ir.IrFixtures.dim;
import static dev.tessera.ir.IrFixtures.exprKernel;
import static dev.tessera.ir.IrFixtures.f;
import static dev.tessera.ir.IrFixtures.i;
import static dev.tessera.ir.IrFixtures.input;
import static dev.tessera.ir.IrFixtures.iv;
import static dev.tessera.ir.IrFixtures.ix;
import static dev.tessera.ir.IrFixtures.kernel;
import static dev.tessera.ir.IrFixtures.module;
import static dev.tessera.ir.IrFixtures.neg;
import static dev.tessera.ir.IrFixtures.not;
import static dev.tessera.ir.IrFixtures.output;
import static dev.tessera.ir.IrFixtures.read;
import static dev.tessera.ir.IrFixtures.sum;
import static dev.tessera.ir.IrFixtures.temp;
import static dev.tessera.ir.IrFixtures.var;

import dev.tessera.diag.CompileException;
import dev.tessera.ir.Expr.BinOp;
import dev.tessera.ir.Expr.Fn;
import dev.tessera.ir.Op.DecayKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IrParserTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  private static void assertRoundTrips(Module m) throws CompileException {
    String text = IrPrinter.print(m);
    Module back = IrParser.parse(text, "t.ir");
    assertWithMessage(text).that(back).isEqualTo(m);
    assertThat(IrPrinter.print(back)).isEqualTo(text);
  }

  private static void assertRoundTrips(Kernel k) throws CompileException {
    assertRoundTrips(module(k));
    String text = IrPrinter.print(k);
    assertWithMessage(text).that(IrParser.parseKernel(text, "t.ir")).isEqualTo(k);
  }

  static Stream<Expr> expressions() {
    Expr a = ix("i");
    Expr b = dim("N");
    Expr c = read("x", ix("i"));
    return Stream.of(
        // every literal form, signed and unsigned
        i(0), i(7), i(-7), i(1L << 53), f(0.125), f(-0.125), f(-0.0), f(1.0E-4), f(-1.0E10), f(INF), f(-INF),
        f(Double.NaN), f(Double.MIN_VALUE),
        // negation of literals and nested unaries
        neg(i(3)), neg(f(-2.5)), neg(neg(i(3))), neg(neg(a)), not(i(1)), not(not(a)), neg(f(INF)), neg(f(Double.NaN)),
        neg(bin(BinOp.MUL, a, b)), bin(BinOp.MUL, neg(a), b), not(bin(BinOp.EQ, a, b)), neg(c), not(call(Fn.ABS, c)),
        // negative literals as operands
        bin(BinOp.SUB, a, i(-2)), bin(BinOp.MUL, i(-2), a), bin(BinOp.ADD, f(-INF), a), bin(BinOp.SUB, a, neg(b)),
        bin(BinOp.SUB, a, neg(i(2))), bin(BinOp.DIV, i(-1), f(-0.0)),
        // precedence and associativity
        bin(BinOp.MUL, bin(BinOp.ADD, a, b), c), bin(BinOp.SUB, a, bin(BinOp.SUB, b, c)),
        bin(BinOp.SUB, bin(BinOp.SUB, a, b), c), bin(BinOp.IDIV, a, bin(BinOp.MUL, b, i(2))),
        bin(BinOp.MOD, bin(BinOp.IDIV, a, i(4)), b), bin(BinOp.DIV, a, bin(BinOp.DIV, b, c)),
        bin(BinOp.EQ, bin(BinOp.LT, a, b), bin(BinOp.GE, c, f(0.5))), bin(BinOp.LT, bin(BinOp.LT, a, b), c),
        bin(BinOp.LT, a, bin(BinOp.LT, b, c)), bin(BinOp.OR, a, bin(BinOp.AND, b, c)),
        bin(BinOp.AND, bin(BinOp.OR, a, b), c), bin(BinOp.NE, bin(BinOp.LE, a, b), bin(BinOp.GT, b, c)),
        bin(BinOp.AND, bin(BinOp.EQ, a, b), bin(BinOp.NE, b, c)),
        // reads, including 0-d reads and index arithmetic
        read("s"), read("x", bin(BinOp.MOD, bin(BinOp.ADD, a, i(1)), b)), read("x", read("x", a)),
        // calls
        call(Fn.SELECT, bin(BinOp.LT, a, b), c, neg(c)), bin(BinOp.MUL, call(Fn.EXP, c), c),
        call(Fn.MAX, call(Fn.MIN, a, i(-1)), call(Fn.POW, c, f(0.5))), call(Fn.CDIV, b, i(4)));
  }

  @ParameterizedTest
  @MethodSource("expressions")
  void expressionRoundTrips(Expr e) throws CompileException {
    assertRoundTrips(exprKernel(e));
  }

  @Test
  void everyFunctionRoundTrips() throws CompileException {
    for (Fn fn : Fn.values()) {
      Expr[] args = new Expr[fn.arity()];
      for (int k = 0; k < args.length; k++) args[k] = k == 0 ? read("x", ix("i")) : bin(BinOp.ADD, ix("i"), i(k));
      assertRoundTrips(exprKernel(call(fn, args)));
    }
  }

  @Test
  void randomExpressionsRoundTrip() throws CompileException {
    Random r = new Random(150);
    List<IndexVar> ij = List.of(iv("i", "N"), iv("j", "M"));
    for (int n = 0; n < 500; n++) {
      Expr e = RandomExprs.expr(r, 4);
      assertRoundTrips(kernel("r", List.of(), List.of(compute("y", ij, e, RandomExprs.expr(r, 2)))));
    }
  }

  @Test
  void normalizersWithAndWithoutCombineRoundTrip() throws CompileException {
    NormalizerDef plain = new NormalizerDef("relu_norm", List.of(),
        List.of(new NormalizerDef.Assign("p", false, call(Fn.RELU, var("x")))), i(1), List.of());
    NormalizerDef empty = new NormalizerDef("identity", List.of(), List.of(), f(1.0), List.of());
    NormalizerDef rowMin = new NormalizerDef("shift", List.of(new NormalizerDef.StateVar("lo", f(INF))),
        List.of(new NormalizerDef.Assign("lo", false, call(Fn.MIN, var("lo"),
                new Expr.RowReduce(ReduceKind.MIN, var("x")))),
            new NormalizerDef.Assign("let", false, var("lo")),
            new NormalizerDef.Assign("p", false, bin(BinOp.SUB, var("x"), var("let")))),
        neg(var("lo")), List.of());
    Module m = new Module(List.of(IrFixtures.softmax(), plain, empty, rowMin), List.of());
    assertRoundTrips(m);
  }

  @Test
  void everyOpKindRoundTrips() throws CompileException {
    Module m = new Module(List.of(IrFixtures.softmax()), List.of(attentionKernel(1), attentionKernel(0),
        scanKernel(), recurrentKernel(DecayKind.NONE, i(1)),
        recurrentKernel(DecayKind.SCALAR, read("g", ix("b"), ix("t"))),
        recurrentKernel(DecayKind.PER_CHANNEL, bin(BinOp.MUL, read("g", ix("b"), ix("t"), ix("d")), dim("T"))),
        plainOpsKernel()));
    assertRoundTrips(m);
  }

  @Test
  void kernelWithRelationsDefaultsExtentsAndRangesRoundTrips() throws CompileException {
    Kernel k = new Kernel("shapes",
        List.of(
            new TensorDecl("x", ElemType.BF16, List.of(dim("N"), bin(BinOp.IDIV, dim("H"), dim("Hk"))),
                TensorDecl.Role.INPUT, Optional.of(new TensorDecl.ValueRange(-INF, INF))),
            new TensorDecl("m", ElemType.BOOL, List.of(dim("N")), TensorDecl.Role.INPUT,
                Optional.of(new TensorDecl.ValueRange(0, 1))),
            new TensorDecl("q", ElemType.I8, List.of(i(4)), TensorDecl.Role.INPUT,
                Optional.of(new TensorDecl.ValueRange(-0.0, 1.0E-4))),
            input("z", ElemType.F16), output("y", dim("N"), dim("G")), temp("t")),
        List.of(new Kernel.Relation("G", bin(BinOp.IDIV, dim("H"), dim("Hk"))),
            new Kernel.Relation("P", call(Fn.CDIV, dim("N"), i(64)))),
        List.of(new Kernel.DimDefault("N", 128), new Kernel.DimDefault("Hk", -1),
            new Kernel.DimDefault("H", Long.MIN_VALUE)),
        List.of(compute("t", List.of(), read("z")),
            compute("y", List.of(iv("n", "N"), iv("g", bin(BinOp.IDIV, dim("H"), dim("Hk")))),
                bin(BinOp.MUL, read("x", ix("n"), ix("g")), read("t")), read("m", ix("n"))),
            compute("y", List.of(iv("n", call(Fn.CDIV, dim("N"), i(2))), iv("g", i(-1)), iv("h", neg(dim("H"))),
                iv("k", i(3)), iv("l", read("t"))), ix("n"))));
    assertRoundTrips(k);
  }

  @Test
  void keywordsMayNameTensorsAndIndices() throws CompileException {
    List<IndexVar> idx = List.of(iv("state", "N"));
    Kernel k = kernel("kw", List.of(input("sum", ElemType.F32, dim("N")), output("where", dim("N"))),
        List.of(compute("scan", idx, read("sum", ix("state"))),
            compute("where", idx, read("scan", ix("state")), read("in", ix("state"))),
            new Op.Contract("in", idx, ReduceKind.MAX, List.of(iv("where", "N")), read("sum", ix("where"))),
            compute("einsum", idx, bin(BinOp.ADD, dim("where"), dim("let")))));
    assertRoundTrips(k);
  }

  @Test
  void goldenTextParsesToHandBuiltKernel() throws CompileException {
    String text = """
        kernel attn {
          in q: f16[B, H, M, D] range(-1.0, 1.0)
          out o: f32[B, H, M, D]
          tmp s: f32[B, H, M, N]
          with G = H // Hk
          default D = 64
          s[b:B, h:H, m:M, n:N] = sum[d:D] q[b, h, m, d] * k[b, h // G, n, d]
          s[b:B, h:H, m:M, n:N] = softmax[n](s[b, h, m, n] * -0.125) where n <= m + N - M
        }
        """;
    List<IndexVar> bhm = List.of(iv("b", "B"), iv("h", "H"), iv("m", "M"));
    List<IndexVar> bhmn = append(bhm, iv("n", "N"));
    Expr s = read("s", ix("b"), ix("h"), ix("m"), ix("n"));
    Kernel expected = new Kernel("attn",
        List.of(new TensorDecl("q", ElemType.F16, List.of(dim("B"), dim("H"), dim("M"), dim("D")),
                TensorDecl.Role.INPUT, Optional.of(new TensorDecl.ValueRange(-1, 1))),
            output("o", dim("B"), dim("H"), dim("M"), dim("D")), temp("s", dim("B"), dim("H"), dim("M"), dim("N"))),
        List.of(new Kernel.Relation("G", bin(BinOp.IDIV, dim("H"), dim("Hk")))),
        List.of(new Kernel.DimDefault("D", 64)),
        List.of(sum("s", bhmn, List.of(iv("d", "D")), bin(BinOp.MUL, read("q", ix("b"), ix("h"), ix("m"), ix("d")),
                read("k", ix("b"), bin(BinOp.IDIV, ix("h"), dim("G")), ix("n"), ix("d")))),
            new Op.Normalize("s", bhmn, "n", "softmax", bin(BinOp.MUL, s, f(-0.125)),
                Optional.of(bin(BinOp.LE, ix("n"), bin(BinOp.SUB, bin(BinOp.ADD, ix("m"), dim("N")), dim("M")))))));
    assertThat(IrParser.parseKernel(text, "golden.ir")).isEqualTo(expected);
    assertThat(IrParser.parse(text, "golden.ir")).isEqualTo(module(expected));
  }

  @Test
  void emptyModuleParses() throws CompileException {
    assertThat(IrParser.parse("", "e.ir")).isEqualTo(new Module(List.of(), List.of()));
    assertThat(IrParser.parse(" \n\t\r\n", "e.ir")).isEqualTo(new Module(List.of(), List.of()));
  }

  // ---- kernels exercising every op kind ----

  private static List<IndexVar> append(List<IndexVar> vs, IndexVar v) {
    List<IndexVar> out = new ArrayList<>(vs);
    out.add(v);
    return out;
  }

  static Kernel attentionKernel(int passes) {
    List<IndexVar> bhm = List.of(iv("b", "B"), iv("h", "H"), iv("m", "M"));
    List<IndexVar> bhmn = append(bhm, iv("n", "N"));
    Expr s = read("s", ix("b"), ix("h"), ix("m"), ix("n"));
    Expr kvHead = bin(BinOp.IDIV, ix("h"), dim("G"));
    Op.Contract score = sum("s", bhmn, List.of(iv("d", "D")),
        bin(BinOp.MUL, read("q", ix("b"), ix("h"), ix("m"), ix("d")), read("k", ix("b"), kvHead, ix("n"), ix("d"))));
    List<Op.Compute> modifiers = List.of(compute("s", bhmn, bin(BinOp.MUL, s, f(0.125))),
        compute("s", bhmn, call(Fn.TANH, s), bin(BinOp.LE, ix("n"), bin(BinOp.SUB, bin(BinOp.ADD, ix("m"), dim("N")), dim("M")))));
    Optional<Op.Normalize> norm = passes == 0 ? Optional.empty()
        : Optional.of(new Op.Normalize("p", bhmn, "n", "softmax", s, Optional.of(bin(BinOp.LE, ix("n"), ix("m")))));
    Op.Contract aggregate = sum("o", append(bhm, iv("e", "D")), List.of(iv("n", "N")),
        bin(BinOp.MUL, read(passes == 0 ? "s" : "p", ix("b"), ix("h"), ix("m"), ix("n")),
            read("v", ix("b"), kvHead, ix("n"), ix("e"))));
    return new Kernel("attn" + passes,
        List.of(input("q", ElemType.F16, dim("B"), dim("H"), dim("M"), dim("D")),
            input("k", ElemType.F16, dim("B"), dim("Hk"), dim("N"), dim("D")),
            input("v", ElemType.F16, dim("B"), dim("Hk"), dim("N"), dim("D")),
            output("o", dim("B"), dim("H"), dim("M"), dim("D")), temp("s", dim("B"), dim("H"), dim("M"), dim("N")),
            temp("p", dim("B"), dim("H"), dim("M"), dim("N"))),
        List.of(new Kernel.Relation("G", bin(BinOp.IDIV, dim("H"), dim("Hk")))),
        List.of(new Kernel.DimDefault("D", 64)),
        List.of(new Op.ParallelAttention(score, modifiers, norm, aggregate, passes)));
  }

  private static Op.Scan linearScan(Expr decay) {
    List<IndexVar> bde = List.of(iv("b", "B"), iv("d", "D"), iv("e", "E"));
    Expr state = read("S", ix("b"), ix("d"), ix("e"));
    Expr update = bin(BinOp.ADD, bin(BinOp.MUL, decay, state),
        bin(BinOp.MUL, read("k", ix("b"), ix("t"), ix("d")), read("v", ix("b"), ix("t"), ix("e"))));
    Op.Contract out = sum("o", List.of(iv("b", "B"), iv("t", "T"), iv("e", "E")), List.of(iv("d", "D")),
        bin(BinOp.MUL, read("q", ix("b"), ix("t"), ix("d")), state));
    return new Op.Scan(iv("t", "T"), List.of(new Op.StateDef("S", bde, i(0), update)), List.of(out));
  }

  static Kernel recurrentKernel(DecayKind kind, Expr decay) {
    return kernel("linear_" + kind.name().toLowerCase(java.util.Locale.ROOT),
        List.of(input("q", ElemType.F32, dim("B"), dim("T"), dim("D")), output("o", dim("B"), dim("T"), dim("E"))),
        List.of(new Op.RecurrentAttention(kind, decay, linearScan(decay))));
  }

  static Kernel scanKernel() {
    Op.Scan inner = new Op.Scan(iv("u", bin(BinOp.IDIV, dim("T"), i(2))), List.of(),
        List.of(compute("z", List.of(iv("b", "B")), bin(BinOp.MUL, read("o", ix("b"), ix("t"), i(0)), ix("u")),
            bin(BinOp.GE, ix("t"), ix("u")))));
    Op.StateDef counter = new Op.StateDef("c", List.of(), f(0.0), bin(BinOp.ADD, read("c"), ix("t")));
    Op.Scan outer = linearScan(read("g", ix("b"), ix("t")));
    Op.Scan s = new Op.Scan(outer.step(), List.of(outer.states().get(0), counter),
        List.of(outer.body().get(0), inner, compute("w", List.of(), read("c"))));
    return kernel("scans", List.of(output("o", dim("B"), dim("T"), dim("E"))), List.of(s));
  }

  static Kernel plainOpsKernel() {
    List<IndexVar> mn = List.of(iv("i", "M"), iv("j", "N"));
    Expr x = read("x", ix("i"), ix("j"));
    return kernel("plain", List.of(input("x", ElemType.F32, dim("M"), dim("N")), output("p", dim("M"), dim("N"))),
        List.of(new Op.Contract("mx", List.of(iv("i", "M")), ReduceKind.MAX, List.of(iv("j", "N")), x),
            new Op.Contract("mn", List.of(iv("i", "M")), ReduceKind.MIN, List.of(iv("j", "N"), iv("k", i(2))), neg(x)),
            new Op.Contract("tot", List.of(), ReduceKind.SUM, mn, bin(BinOp.ADD, x, f(1.5))),
            new Op.Normalize("p", mn, "j", "softmax", x, Optional.of(bin(BinOp.LT, ix("j"), ix("i")))),
            new Op.Normalize("p", mn, "i", "relu_norm", x, Optional.empty()),
            new Op.Einsum(sum("c", List.of(iv("i", "M"), iv("j", "N")), List.of(iv("k", "K")),
                bin(BinOp.MUL, read("a", ix("i"), ix("k")), read("b", ix("k"), ix("j")))))));
  }
}
