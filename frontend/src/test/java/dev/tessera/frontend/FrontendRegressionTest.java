package dev.tessera.frontend;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Sources;
import dev.tessera.ir.IrPrinter;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Inputs that once crashed the front end or drew wrong or follow-on diagnostics. */
class FrontendRegressionTest {

  private static List<Diagnostic> errors(String source) {
    return assertThrows(CompileException.class, () -> Frontend.compile(new Sources(), "t.attn", source)).diagnostics();
  }

  private static List<String> positions(List<Diagnostic> ds) {
    return ds.stream().map(d -> d.code() + " " + d.span().line() + ":" + d.span().column()).toList();
  }

  @Test
  void sizeTooLargeForALongIsADiagnosticNotACrash() {
    List<Diagnostic> ds = errors("""
        kernel gemv(W: f32[N, K], x: f32[K]) -> (y: f32[N])
            defaults(N = 99999999999999999999) {
          y[n] = sum[k] W[n, k] * x[k]
        }
        """);
    assertThat(positions(ds)).containsExactly("E216 2:18");
    assertThat(ds.get(0).message()).contains("too large");
    assertThat(positions(errors("""
        kernel gemv(W: f32[N, K],
                    x: f32[99999999999999999999]) -> (y: f32[N]) {
          y[n] = sum[k] W[n, k] * x[k]
        }
        """))).containsExactly("E216 2:20");
  }

  @Test
  void hoistedTemporaryNeverTakesANameTheUserAssigns() throws CompileException {
    Kernel k = Frontend.compile(new Sources(), "t.attn", """
        kernel k(A: f32[M, K]) -> (C: f32[M]) {
          C[m] = 2.0 * sum[k] A[m, k]
          _r0[m] = A[m, 0]
        }
        """).module().kernels().get(0);
    List<String> written = k.ops().stream().flatMap(o -> o.outputs().stream()).toList();
    assertThat(written).containsNoDuplicates();
    assertThat(written).containsExactly("_r1", "C", "_r0").inOrder();
    assertThat(k.ops().get(2)).isInstanceOf(Op.Compute.class);
    assertThat(IrPrinter.print(k)).contains("C[m:M] = 2.0 * _r1[m]");
  }

  @Test
  void userTensorNamedLikeAFailedStatementsTemporaryIsNotACrash() {
    List<Diagnostic> ds = errors("""
        kernel k(A: f32[M, K]) -> (C: f32[M]) {
          D[m, j] = exp(sum[k] A[m, k])
          _r0[m] = A[m, 0]
          C[m] = A[m, 0]
        }
        """);
    assertThat(positions(ds)).containsExactly("E210 2:8");
  }

  @Test
  void finishSeesOnlyTheStateNotTheStepsLocalsOrOutputs() {
    String template = """
        normalizer mine {
          state l = 0
          step {
            let mx = rowmax(x)
            p = exp(x - mx)
            rescale = 1
            l = l + rowsum(p)
          }
          finish = %s
        }
        """;
    assertThat(positions(errors(template.formatted("rescale / l")))).containsExactly("E204 9:12");
    assertThat(positions(errors(template.formatted("1 / mx")))).containsExactly("E204 9:16");
    List<Diagnostic> x = errors(template.formatted("x"));
    assertThat(positions(x)).containsExactly("E204 9:12");
    assertThat(x.get(0).hint()).doesNotContain("'x'");
  }

  @Test
  void aFailedStatementDrawsNoFollowOnDiagnostics() {
    List<Diagnostic> ds = errors("""
        kernel mha(Q: f32[B, H, M, D], K: f32[B, H, N, D], V: f32[B, H, N, E]) -> (O: f32[B, H, M, E]) {
          S[b, h, m, n] = rsqrt(D) * sum[d] Q[b, h, m, d] * Kx[b, h, n, d]
          P[b, h, m, n] = softmax[n](S[b, h, m, n])
          O[b, h, m, e] = sum[n] P[b, h, m, n] * V[b, h, n, e]
        }
        """);
    assertThat(positions(ds)).containsExactly("E204 2:53");
  }

  @Test
  void aFailedScanDrawsNoFollowOnDiagnostics() {
    List<Diagnostic> ds = errors("""
        kernel k(X: f32[T, D]) -> (Y: f32[T, D]) {
          scan t {
            state S[d] = 0
            Y[t, d] = X[t, d]
          }
        }
        """);
    assertThat(positions(ds)).containsExactly("E218 3:11");
  }

  @Test
  void aFailedNormalizerIsNotAlsoUnknown() {
    List<Diagnostic> ds = errors("""
        normalizer mine {
          step {
            p = x
            q = x
          }
        }
        kernel k(S: f32[M, N]) -> (P: f32[M, N]) {
          P[m, n] = mine[n](S[m, n])
        }
        """);
    assertThat(positions(ds)).containsExactly("E304 4:5");
  }

  @Test
  void anOutputNoStatementAssignsIsStillReportedNextToAnotherError() {
    List<Diagnostic> ds = errors("""
        kernel k(X: f32[T])
            -> (Y: f32[T], Z: f32[T]) {
          Y[t] = X[t] + foo
        }
        """);
    assertThat(positions(ds)).containsExactly("E204 3:17", "E214 2:20").inOrder();
  }
}
