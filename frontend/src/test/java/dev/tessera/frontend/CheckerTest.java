package dev.tessera.frontend;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.DiagnosticPrinter;
import dev.tessera.diag.Sources;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Expr.BinOp;
import dev.tessera.ir.Expr.Fn;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.Op;
import dev.tessera.ir.ReduceKind;
import dev.tessera.ir.TensorDecl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the checker accepts and the IR it lowers to. */
class CheckerTest {

  private static Module compile(String source) {
    Sources sources = new Sources();
    try {
      return Frontend.compile(sources, "t.attn", source).module();
    } catch (CompileException e) {
      DiagnosticPrinter p = new DiagnosticPrinter(sources);
      throw new AssertionError("expected no diagnostics, got:\n"
          + e.diagnostics().stream().map(p::render).collect(Collectors.joining()));
    }
  }

  private static Kernel kernel(String source) {
    Module m = compile(source);
    assertThat(m.kernels()).hasSize(1);
    return m.kernels().get(0);
  }

  private static List<Diagnostic> errors(String source) {
    return assertThrows(CompileException.class, () -> Frontend.compile(new Sources(), "t.attn", source)).diagnostics();
  }

  private static List<String> positions(List<Diagnostic> ds) {
    return ds.stream().map(d -> d.code() + " " + d.span().line() + ":" + d.span().column()).toList();
  }

  private static Op op(Kernel k, String out) {
    return k.ops().stream().filter(o -> o.outputs().contains(out)).findFirst()
        .orElseThrow(() -> new AssertionError("no op writes " + out + " in " + k.ops()));
  }

  private static IndexVar var(String name, String dim) {
    return new IndexVar(name, new Expr.Dim(dim));
  }

  private static Expr idx(String name) {
    return new Expr.Index(name);
  }

  private static Expr dim(String name) {
    return new Expr.Dim(name);
  }

  private static Expr read(String tensor, Expr... indices) {
    return new Expr.Read(tensor, List.of(indices));
  }

  private static Expr bin(BinOp op, Expr l, Expr r) {
    return new Expr.Binary(op, l, r);
  }

  @Test
  void nestedReductionIsHoistedIntoATemporaryComputedFirst() {
    Kernel k = kernel("""
        kernel scores(Q: f32[M, D], K: f32[N, D]) -> (S: f32[M, N]) {
          S[m, n] = rsqrt(D) * sum[d] Q[m, d] * K[n, d]
        }
        """);
    IndexVar m = var("m", "M");
    IndexVar n = var("n", "N");
    assertThat(k.ops()).containsExactly(
        new Op.Contract("_r0", List.of(m, n), ReduceKind.SUM, List.of(var("d", "D")),
            bin(BinOp.MUL, read("Q", idx("m"), idx("d")), read("K", idx("n"), idx("d")))),
        new Op.Compute("S", List.of(m, n),
            bin(BinOp.MUL, new Expr.Call(Fn.RSQRT, List.of(dim("D"))), read("_r0", idx("m"), idx("n"))),
            Optional.empty()))
        .inOrder();
    assertThat(k.temps()).containsExactly(
        new TensorDecl("_r0", ElemType.F32, List.of(dim("M"), dim("N")), TensorDecl.Role.TEMP, Optional.empty()));
  }

  @Test
  void reductionThatIsTheWholeRightHandSideIsNotHoisted() {
    Kernel k = kernel("""
        kernel gemm(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N]) {
          C[m, n] = sum[k] A[m, k] * B[k, n]
        }
        """);
    assertThat(k.ops()).containsExactly(new Op.Contract("C", List.of(var("m", "M"), var("n", "N")), ReduceKind.SUM,
        List.of(var("k", "K")), bin(BinOp.MUL, read("A", idx("m"), idx("k")), read("B", idx("k"), idx("n")))));
    assertThat(k.temps()).isEmpty();
  }

  @Test
  void hoistedReductionsAreNumberedInOrderAndKeepOnlyTheIndicesTheyUse() {
    Kernel k = kernel("""
        kernel gated(X: f32[T, Dm], W1: f32[Dm, F], W3: f32[Dm, F], w: f32[F]) -> (G: f32[T, F]) {
          G[t, f] = silu(sum[d] X[t, d] * W1[d, f]) * (sum[d] X[t, d] * W3[d, f]) + max[j] w[j]
        }
        """);
    assertThat(k.ops().stream().flatMap(o -> o.outputs().stream()).toList())
        .containsExactly("_r0", "_r1", "_r2", "G").inOrder();
    assertThat(((Op.Contract) op(k, "_r0")).indices()).containsExactly(var("t", "T"), var("f", "F")).inOrder();
    assertThat(((Op.Contract) op(k, "_r1")).indices()).containsExactly(var("t", "T"), var("f", "F")).inOrder();
    Op.Contract r2 = (Op.Contract) op(k, "_r2");
    assertThat(r2.kind()).isEqualTo(ReduceKind.MAX);
    assertThat(r2.indices()).isEmpty();
    assertThat(k.tensor("_r2").orElseThrow().shape()).isEmpty();
    assertThat(((Op.Compute) op(k, "G")).body()).isEqualTo(bin(BinOp.ADD,
        bin(BinOp.MUL, new Expr.Call(Fn.SILU, List.of(read("_r0", idx("t"), idx("f")))), read("_r1", idx("t"), idx("f"))),
        read("_r2")));
  }

  @Test
  void relationWithHEqualsGTimesHkMakesGADimension() {
    Kernel k = kernel("""
        kernel gqa(Q: f32[B, H, M, D], K: f32[B, Hk, N, D]) -> (S: f32[B, H, M, N])
            with H = G * Hk {
          S[b, h, m, n] = sum[d] Q[b, h, m, d] * K[b, h / G, n, d]
        }
        """);
    assertThat(k.relations()).containsExactly(new Kernel.Relation("H", bin(BinOp.MUL, dim("G"), dim("Hk"))));
    assertThat(k.dims()).contains("G");
    Op.Contract s = (Op.Contract) op(k, "S");
    Expr kRead = ((Expr.Binary) s.body()).right();
    assertThat(kRead).isEqualTo(read("K", idx("b"), bin(BinOp.IDIV, idx("h"), dim("G")), idx("n"), idx("d")));
  }

  @Test
  void withoutTheRelationGIsUnknown() {
    List<Diagnostic> ds = errors("""
        kernel gqa(Q: f32[B, H, M, D], K: f32[B, Hk, N, D]) -> (S: f32[B, H, M, N]) {
          S[b, h, m, n] = sum[d] Q[b, h, m, d] * K[b, h / G, n, d]
        }
        """);
    assertThat(positions(ds).get(0)).isEqualTo("E204 2:51");
    assertThat(ds.get(0).message()).isEqualTo("unknown name 'G'");
  }

  @Test
  void indexExtentsAreInferredFromTheInputsTheyIndex() {
    Kernel k = kernel("""
        kernel twice(A: f32[M, K]) -> (C: f32[M, K]) {
          T[i, j] = 2.0 * A[i, j]
          C[i, j] = T[i, j]
        }
        """);
    assertThat(((Op.Compute) op(k, "T")).indices()).containsExactly(var("i", "M"), var("j", "K")).inOrder();
    assertThat(k.tensor("T").orElseThrow().shape()).containsExactly(dim("M"), dim("K")).inOrder();
    assertThat(k.tensor("T").orElseThrow().role()).isEqualTo(TensorDecl.Role.TEMP);
  }

  @Test
  void reductionIndexExtentComesFromAnInput() {
    Kernel k = kernel("""
        kernel gemv(W: f32[N, K], x: f32[K]) -> (y: f32[N]) {
          y[n] = sum[k] W[n, k] * x[k]
        }
        """);
    assertThat(((Op.Contract) op(k, "y")).reduce()).containsExactly(var("k", "K"));
  }

  @Test
  void outputWithALiteralDimensionSmallerThanTheInputsIsAccepted() {
    Kernel k = kernel("""
        # mla_decode: scores use all 576 channels, values only the first 512
        kernel mla_decode(Q: f32[B, H, M, 576], C: f32[B, 1, N, 576]) -> (O: f32[B, H, M, 512]) {
          S[b, h, m, n] = rsqrt(192) * sum[d] Q[b, h, m, d] * C[b, 0, n, d]
          P[b, h, m, n] = softmax[n](S[b, h, m, n])
          O[b, h, m, e] = sum[n] P[b, h, m, n] * C[b, 0, n, e]
        }
        """);
    Op.Contract o = (Op.Contract) op(k, "O");
    assertThat(o.indices().get(3)).isEqualTo(new IndexVar("e", Expr.Const.of(512)));
    assertThat(((Op.Contract) op(k, "_r0")).reduce()).containsExactly(new IndexVar("d", Expr.Const.of(576)));
    assertThat(k.tensor("O").orElseThrow().shape().get(3)).isEqualTo(Expr.Const.of(512));
  }

  @Test
  void checkingGoesOnAfterAnErrorAndReportsEveryOne() {
    List<Diagnostic> ds = errors("""
        normalizer broken {
          step {
            q = x
          }
        }
        kernel first(X: f32[T]) -> (Y: f32[T]) {
          A[t] = X[t] + foo
          B[t] = tanhh(X[t])
          Y[t] = X[t]
        }
        kernel second(X: f64[T]) -> (Y: f32[T]) {
          Y[t] = X[t]
        }
        """);
    assertThat(positions(ds)).containsExactly("E304 3:5", "E204 7:17", "E207 8:10", "E201 11:18").inOrder();
  }

  @Test
  void userNormalizerIsCheckedAndAvailableToKernels() {
    Module m = compile("""
        # softmax in base 2
        normalizer softmax2 {
          state m = -inf
          state l = 0
          step {
            let mx = max(m, rowmax(x))
            rescale = exp2(m - mx)
            p = exp2(x - mx)
            l = l * rescale + rowsum(p)
            m = mx
          }
          finish = 1 / l
        }
        kernel attn(S: f32[M, N]) -> (P: f32[M, N]) {
          P[m, n] = softmax2[n](S[m, n]) where n <= m
        }
        """);
    assertThat(m.normalizers().stream().map(NormalizerDef::name).toList()).containsExactly("softmax2");
    NormalizerDef def = m.normalizer("softmax2").orElseThrow();
    assertThat(def.state()).containsExactly(
        new NormalizerDef.StateVar("m", Expr.Const.of(Double.NEGATIVE_INFINITY)),
        new NormalizerDef.StateVar("l", Expr.Const.of(0))).inOrder();
    assertThat(def.finish()).isEqualTo(bin(BinOp.DIV, Expr.Const.of(1), new Expr.Var("l")));
    assertThat(def.hasCombine()).isFalse();
    Kernel k = m.kernels().get(0);
    assertThat(k.ops()).containsExactly(new Op.Normalize("P", List.of(var("m", "M"), var("n", "N")), "n", "softmax2",
        read("S", idx("m"), idx("n")), Optional.of(bin(BinOp.LE, idx("n"), idx("m")))));
  }

  @Test
  void standardNormalizersAppearOnlyWhenUsedAndBeforeTheUsers() {
    Module m = compile("""
        normalizer unused {
          step {
            p = x
          }
        }
        kernel attn(S: f32[M, N]) -> (P: f32[M, N]) {
          P[m, n] = softmax[n](S[m, n])
        }
        """);
    assertThat(m.normalizers().stream().map(NormalizerDef::name).toList())
        .containsExactly("softmax", "unused").inOrder();
  }

  @Test
  void redefiningSoftmaxIsADuplicate() {
    List<Diagnostic> ds = errors("""
        # my own softmax
        normalizer softmax {
          step {
            p = exp(x)
          }
        }
        """);
    assertThat(positions(ds)).containsExactly("E202 2:12");
    assertThat(ds.get(0).message()).contains("already defined by the standard library");
    assertThat(ds.get(0).hint()).isEqualTo("give it another name");
  }

  @Test
  void zeroDimensionalTensorIsReadByItsBareName() {
    Kernel k = kernel("""
        kernel mix(A: f32[M, E], B: f32[M, E], lam: f32 in (0, 1)) -> (O: f32[M, E]) {
          O[m, e] = A[m, e] - lam * B[m, e]
        }
        """);
    Expr lam = read("lam");
    assertThat(((Op.Compute) op(k, "O")).body()).isEqualTo(
        bin(BinOp.SUB, read("A", idx("m"), idx("e")), bin(BinOp.MUL, lam, read("B", idx("m"), idx("e")))));
    TensorDecl decl = k.tensor("lam").orElseThrow();
    assertThat(decl.shape()).isEmpty();
    assertThat(decl.range()).hasValue(new TensorDecl.ValueRange(0, 1));
    Kernel bracketed = kernel("""
        kernel mix(A: f32[M, E], B: f32[M, E], lam: f32 in (0, 1)) -> (O: f32[M, E]) {
          O[m, e] = A[m, e] - lam[] * B[m, e]
        }
        """);
    assertThat(bracketed).isEqualTo(k);
  }

  @Test
  void integerDivisionLowersToIdivAndFloatDivisionToDiv() {
    Kernel k = kernel("""
        kernel capped(S: f32[B, H, M, N], slopes: f32[Hk]) -> (C: f32[B, H, M, N])
            with H = G * Hk {
          C[b, h, m, n] = 30.0 * tanh(S[b, h, m, n] / 30.0) + slopes[h / G] * (m / 2.0)
        }
        """);
    Expr body = ((Op.Compute) op(k, "C")).body();
    Expr.Binary plus = (Expr.Binary) body;
    Expr.Call tanh = (Expr.Call) ((Expr.Binary) plus.left()).right();
    assertThat(tanh.args().get(0)).isEqualTo(
        bin(BinOp.DIV, read("S", idx("b"), idx("h"), idx("m"), idx("n")), new Expr.Const(30.0, false)));
    Expr.Binary bias = (Expr.Binary) plus.right();
    assertThat(bias.left()).isEqualTo(read("slopes", bin(BinOp.IDIV, idx("h"), dim("G"))));
    assertThat(bias.right()).isEqualTo(bin(BinOp.DIV, idx("m"), new Expr.Const(2.0, false)));
  }

  @Test
  void scanLowersToStatesThenBody() {
    Kernel k = kernel("""
        kernel decay(K: f32[T, D], V: f32[T, E], Q: f32[T, D], a: f32[T]) -> (O: f32[T, E]) {
          scan t {
            state S[d, e] = 0
            S[d, e] = exp(a[t]) * S[d, e] + K[t, d] * V[t, e]
            O[t, e] = sum[d] Q[t, d] * S[d, e]
          }
        }
        """);
    assertThat(k.ops()).hasSize(1);
    Op.Scan scan = (Op.Scan) k.ops().get(0);
    assertThat(scan.step()).isEqualTo(var("t", "T"));
    Op.StateDef s = scan.states().get(0);
    assertThat(s.name()).isEqualTo("S");
    assertThat(s.indices()).containsExactly(var("d", "D"), var("e", "E")).inOrder();
    assertThat(s.init()).isEqualTo(Expr.Const.of(0));
    assertThat(scan.body()).containsExactly(new Op.Contract("O", List.of(var("t", "T"), var("e", "E")), ReduceKind.SUM,
        List.of(var("d", "D")), bin(BinOp.MUL, read("Q", idx("t"), idx("d")), read("S", idx("d"), idx("e")))));
  }

  @Test
  void everyExampleInTheZooCompiles() throws IOException {
    Path zoo = Path.of("..", "examples");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(zoo)) {
      files = walk.filter(p -> p.toString().endsWith(".attn")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      Sources sources = new Sources();
      try {
        Frontend.compile(sources, f);
      } catch (CompileException e) {
        DiagnosticPrinter p = new DiagnosticPrinter(sources);
        throw new AssertionError(f + " does not compile:\n"
            + e.diagnostics().stream().map(p::render).collect(Collectors.joining()));
      }
    }
  }
}
