package dev.tessera.frontend;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Sources;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per diagnostic code of the front end. Each feeds a small source with exactly one mistake
 * and asserts the code and the line:col of the first diagnostic (a binary expression is marked at
 * its operator). Test methods are named after their code, which {@link #everyCodeHasATest} checks.
 */
class DiagnosticCodesTest {
  private static final String FILE = "t.attn";

  /** Every code these tests exercise; {@link #everyCodeHasATest} compares it with {@link Codes}. */
  private static final List<String> TESTED = List.of(
      "E100", "E101", "E102",
      "E201", "E202", "E203", "E204", "E205", "E206", "E207", "E208", "E209",
      "E210", "E211", "E212", "E213", "E214", "E215", "E216", "E217", "E218",
      "E301", "E302", "E303", "E304", "E305", "E306");

  /** Compiles a source that must fail and checks its first diagnostic's code and position. */
  private static Diagnostic assertError(String source, String code, int line, int column) {
    CompileException e = assertThrows(CompileException.class, () -> Frontend.compile(new Sources(), FILE, source));
    assertThat(e.diagnostics()).isNotEmpty();
    Diagnostic d = e.diagnostics().get(0);
    assertWithMessage("all diagnostics: %s", e.diagnostics())
        .that(d.code() + " at " + d.span()).isEqualTo(code + " at " + FILE + ":" + line + ":" + column);
    assertThat(d.isError()).isTrue();
    return d;
  }

  @Test
  void e100_missingFile(@TempDir Path dir) {
    Path missing = dir.resolve("missing.attn");
    CompileException e = assertThrows(CompileException.class, () -> Frontend.compile(new Sources(), missing));
    assertThat(e.diagnostics()).hasSize(1);
    Diagnostic d = e.diagnostics().get(0);
    assertThat(d.code()).isEqualTo("E100");
    assertThat(d.span().file()).isEqualTo(missing.toString());
    assertThat(d.span().line()).isEqualTo(0);
    assertThat(d.span().column()).isEqualTo(0);
    assertThat(d.span().known()).isFalse();
    assertThat(d.message()).contains("no such file");
  }

  @Test
  void e101_syntaxError() {
    Diagnostic d = assertError("""
        kernel gemm(A: f32[M, K], B: f32[K, N])
            -> (C: f32[M, N]) {
          C[m, n] = sum[k] A[m, k] * B[k, n]]
        }
        """, "E101", 3, 37);
    assertThat(d.message()).startsWith("syntax error:");
    assertThat(d.message()).contains("']'");
  }

  @Test
  void e101_endOfFileIsSaidPlainly() {
    Diagnostic d = assertError("""
        kernel gemm(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N]) {
          C[m, n] = sum[k] A[m, k] * B[k, n]
        """, "E101", 3, 1);
    assertThat(d.message()).contains("<end of file>");
    assertThat(d.message()).doesNotContain("<EOF>");
  }

  @Test
  void e102_badCharacter() {
    Diagnostic d = assertError("""
        # C = A · Bᵀ: the characters of a comment are never checked
        kernel gemm_nt(A: f32[M, K], B: f32[N, K]) -> (C: f32[M, N]) {
          C[m, n] = sum[k] A[m, k] * Bᵀ[n, k]
        }
        """, "E102", 3, 31);
    assertThat(d.message()).isEqualTo("unexpected character 'ᵀ'");
    assertThat(d.hint()).contains("'#'");
  }

  @Test
  void e201_unknownType() {
    Diagnostic d = assertError("""
        kernel gemm(A: f32[M, K],
                    B: f64[K, N]) -> (C: f32[M, N]) {
          C[m, n] = sum[k] A[m, k] * B[k, n]
        }
        """, "E201", 2, 16);
    assertThat(d.span().length()).isEqualTo(3);
    assertThat(d.message()).contains("'f64'");
    assertThat(d.hint()).contains("f32, f16, bf16, i8 and bool");
  }

  @Test
  void e202_duplicateKernel() {
    Diagnostic d = assertError("""
        kernel gemm(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N]) {
          C[m, n] = sum[k] A[m, k] * B[k, n]
        }

        kernel gemm(X: f32[M, K], W: f32[K, N]) -> (Y: f32[M, N]) {
          Y[m, n] = sum[k] X[m, k] * W[k, n]
        }
        """, "E202", 5, 8);
    assertThat(d.message()).isEqualTo("kernel 'gemm' is defined twice");
  }

  @Test
  void e203_unknownDimension() {
    Diagnostic d = assertError("""
        kernel gemm(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N])
            defaults(M = 64, K = 64,
                     NN = 64) {
          C[m, n] = sum[k] A[m, k] * B[k, n]
        }
        """, "E203", 3, 14);
    assertThat(d.message()).contains("'NN'");
    assertThat(d.hint()).isEqualTo("did you mean 'N'?");
  }

  @Test
  void e204_unknownName() {
    Diagnostic d = assertError("""
        kernel scaled_gemm(A: f32[M, K], B: f32[K, N])
            -> (C: f32[M, N]) {
          C[m, n] = scale * sum[k] A[m, k] * B[k, n]
        }
        """, "E204", 3, 13);
    assertThat(d.message()).isEqualTo("unknown name 'scale'");
    assertThat(d.span().length()).isEqualTo(5);
  }

  @Test
  void e204_outputReadBeforeAssigned() {
    Diagnostic d = assertError("""
        kernel accumulate(X: f32[T]) -> (Y: f32[T]) {
          Y[t] = Y[t] + X[t]
        }
        """, "E204", 2, 10);
    assertThat(d.message()).isEqualTo("output 'Y' is read before it is assigned");
  }

  @Test
  void e205_wrongNumberOfSubscripts() {
    Diagnostic d = assertError("""
        # y = W · x
        kernel gemv(W: f32[N, K], x: f32[K]) -> (y: f32[N]) {
          y[n] = sum[k] W[n, k] * x[k, n]
        }
        """, "E205", 3, 27);
    assertThat(d.message()).isEqualTo("'x' has 1 dimension but 2 subscripts are given");
    assertThat(d.span().length()).isEqualTo("x[k, n]".length());
  }

  @Test
  void e206_nonIntegerSubscript() {
    Diagnostic d = assertError("""
        # y = W · x, reading every other element of x
        kernel gemv(W: f32[N, K], x: f32[K]) -> (y: f32[N]) {
          y[n] = sum[k] W[n, k] * x[k * 0.5]
        }
        """, "E206", 3, 31);
    assertThat(d.message()).contains("must be an integer expression, but this is a number");
  }

  @Test
  void e207_unknownFunction() {
    Diagnostic d = assertError("""
        kernel act(X: f32[T, F])
            -> (Y: f32[T, F]) {
          Y[t, f] = tanhh(X[t, f])
        }
        """, "E207", 3, 13);
    assertThat(d.message()).isEqualTo("unknown function 'tanhh'");
    assertThat(d.hint()).isEqualTo("did you mean 'tanh'?");
  }

  @Test
  void e208_wrongArgumentCount() {
    Diagnostic d = assertError("""
        kernel act(X: f32[T, F])
            -> (Y: f32[T, F]) {
          Y[t, f] = pow(X[t, f])
        }
        """, "E208", 3, 13);
    assertThat(d.message()).isEqualTo("pow takes 2 arguments, not 1");
  }

  @Test
  void e209_typeMismatch() {
    Diagnostic d = assertError("""
        kernel masked(X: f32[T, F], keep: f32[T, F])
            -> (Y: f32[T, F]) {
          Y[t, f] = X[t, f] where keep[t, f]
        }
        """, "E209", 3, 27);
    assertThat(d.message()).isEqualTo("a where clause must be a condition, but this is a number");
    assertThat(d.hint()).contains("compare values");
  }

  @Test
  void e210_extentUnknown() {
    Diagnostic d = assertError("""
        kernel act(X: f32[T, F]) -> (Y: f32[T, F]) {
          Y[t, f] = X[t, f]
          Z[t, f, j] = X[t, f]
        }
        """, "E210", 3, 11);
    assertThat(d.message()).isEqualTo("cannot infer the range of index 'j'");
  }

  @Test
  void e211_extentMismatch() {
    Diagnostic d = assertError("""
        kernel gemm(A: f32[M, K], B: f32[K, N])
            -> (C: f32[M, N]) {
          C[m, n] = sum[k] A[m, k] * B[n, k]
        }
        """, "E211", 3, 32);
    assertThat(d.message()).isEqualTo("index 'n' ranges over N (from C) but indexes a dimension of size K in B");
    assertThat(d.hint()).contains("separate index names");
  }

  @Test
  void e212_assignInput() {
    Diagnostic d = assertError("""
        kernel act(X: f32[T, F]) -> (Y: f32[T, F]) {
          Y[t, f] = X[t, f]
          X[t, f] = 0.0
        }
        """, "E212", 3, 3);
    assertThat(d.message()).isEqualTo("cannot assign to input 'X'");
  }

  @Test
  void e213_assignedTwice() {
    Diagnostic d = assertError("""
        kernel act(X: f32[T, F]) -> (Y: f32[T, F]) {
          Y[t, f] = X[t, f]
          Y[t, f] = 2.0 * X[t, f]
        }
        """, "E213", 3, 3);
    assertThat(d.message()).isEqualTo("'Y' is assigned twice");
  }

  @Test
  void e214_outputUnassigned() {
    Diagnostic d = assertError("""
        kernel act(X: f32[T, F])
            -> (Y: f32[T, F], Z: f32[T, F]) {
          Y[t, f] = X[t, f]
        }
        """, "E214", 2, 23);
    assertThat(d.message()).isEqualTo("output 'Z' is never assigned");
    assertThat(d.hint()).contains("Z[...] = ...");
  }

  @Test
  void e215_indexClash() {
    Diagnostic d = assertError("""
        kernel act(X: f32[T, F])
            -> (Y: f32[T, F]) {
          Y[t, F] = X[t, F]
        }
        """, "E215", 3, 8);
    assertThat(d.message()).isEqualTo("index 'F' has the name of a dimension");
    assertThat(d.hint()).contains("lower case");
  }

  @Test
  void e216_badDeclaration() {
    Diagnostic d = assertError("""
        kernel quantise(X: f32[T, F])
            -> (Y: i8[T, F]) {
          Y[t, f] = X[t, f]
        }
        """, "E216", 2, 12);
    assertThat(d.message()).isEqualTo("output 'Y' must have a floating-point type, not i8");
  }

  @Test
  void e217_misplaced() {
    Diagnostic d = assertError("""
        # a normalizer cannot be part of a larger expression
        kernel act(X: f32[T, F]) -> (Y: f32[T, F]) {
          Y[t, f] = 2.0 * softmax[f](X[t, f])
        }
        """, "E217", 3, 19);
    assertThat(d.message()).contains("whole right-hand side");
    assertThat(d.hint()).contains("on its own");
  }

  @Test
  void e218_badScan() {
    Diagnostic d = assertError("""
        kernel linear(Q: f32[T, D], K: f32[T, D], V: f32[T, E]) -> (O: f32[T, E]) {
          scan t {
            state S[d, e] = 0
            S[d, e] = S[d, e] + K[t, d] * V[t, e]
            O[j, e] = sum[d] Q[j, d] * S[d, e]
          }
        }
        """, "E218", 5, 5);
    assertThat(d.message()).isEqualTo("a statement inside 'scan t' must be indexed by t");
  }

  @Test
  void e301_unknownNormalizer() {
    Diagnostic d = assertError("""
        # P = softmax of S along n
        kernel attn(S: f32[M, N]) -> (P: f32[M, N]) {
          P[m, n] = sofmax[n](S[m, n])
        }
        """, "E301", 3, 13);
    assertThat(d.message()).isEqualTo("unknown normalizer 'sofmax'");
    assertThat(d.hint()).isEqualTo("did you mean 'softmax'?");
  }

  @Test
  void e302_badAxis() {
    Diagnostic d = assertError("""
        # the normalizer must run along an index of the target
        kernel attn(S: f32[M, N]) -> (P: f32[M, N]) {
          P[m, n] = softmax[k](S[m, n])
        }
        """, "E302", 3, 21);
    assertThat(d.message()).contains("'k', which is not an index of P");
  }

  @Test
  void e303_stepNeverSetsP() {
    Diagnostic d = assertError("""
        # forgets to set p
        normalizer running_sum {
          state l = 0
          step {
            l = l + rowsum(x)
          }
        }
        """, "E303", 2, 12);
    assertThat(d.span().length()).isEqualTo("running_sum".length());
    assertThat(d.message()).contains("never sets p");
  }

  @Test
  void e304_badNormalizerTarget() {
    Diagnostic d = assertError("""
        normalizer doubled {
          step {
            p = x
            q = 2 * x
          }
        }
        """, "E304", 4, 5);
    assertThat(d.message()).isEqualTo("cannot assign 'q' here");
    assertThat(d.hint()).contains("introduce locals with 'let'");
  }

  @Test
  void e305_nonConstantInit() {
    Diagnostic d = assertError("""
        normalizer bad_init {
          state m = x
          step {
            p = x
          }
        }
        """, "E305", 2, 13);
    assertThat(d.message()).contains("must be a constant");
  }

  @Test
  void e306_vectorAsScalar() {
    Diagnostic d = assertError("""
        normalizer total {
          state l = 0
          step {
            p = x
            l = l + x
          }
        }
        """, "E306", 5, 11);
    assertThat(d.message()).contains("varies along the row");
    assertThat(d.hint()).contains("rowsum");
  }

  @Test
  void everyCodeHasATest() throws IllegalAccessException {
    Set<String> codes = new TreeSet<>();
    for (Field f : Codes.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) codes.add((String) f.get(null));
    }
    codes.add("E100"); // reported by Frontend itself for a file it cannot read
    assertThat(TESTED).containsNoDuplicates();
    assertThat(TESTED).containsExactlyElementsIn(codes);
    Set<String> tests = Arrays.stream(getClass().getDeclaredMethods())
        .filter(m -> m.isAnnotationPresent(Test.class))
        .map(Method::getName)
        .collect(Collectors.toSet());
    for (String code : TESTED) {
      String prefix = code.toLowerCase(Locale.ROOT) + "_";
      assertWithMessage("a test method named %s...", prefix)
          .that(tests.stream().anyMatch(n -> n.startsWith(prefix))).isTrue();
    }
  }
}
