package dev.tessera.passes;

import static com.google.common.truth.Truth.assertThat;

import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecognitionTest {
  private static final String HEAD = "kernel k(Q: f32[M, D], K: f32[N, D], V: f32[N, E]) -> (O: f32[M, E]) {\n";

  private static List<Op> ops(String src) {
    Module m = Pipeline.run(Sources.compile(src));
    Kernel k = m.kernels().get(0);
    return k.ops();
  }

  @Test
  void softmaxAttentionBecomesOneTemplateWithItsPieces() {
    List<Op> ops = ops(HEAD + """
          S[m, n] = rsqrt(D) * sum[d] Q[m, d] * K[n, d]
          P[m, n] = softmax[n](S[m, n]) where n <= m
          O[m, e] = sum[n] P[m, n] * V[n, e]
        }
        """);
    assertThat(ops).hasSize(1);
    Op.ParallelAttention a = (Op.ParallelAttention) ops.get(0);
    assertThat(a.modifiers()).hasSize(1);
    assertThat(a.normalize().get().normalizer()).isEqualTo("softmax");
    assertThat(a.normalize().get().mask()).isPresent();
    assertThat(a.passes()).isEqualTo(1);
  }

  @Test
  void pointwiseAttentionHasNoNormalizer() {
    List<Op> ops = ops(HEAD + """
          S[m, n] = sum[d] Q[m, d] * K[n, d]
          P[m, n] = sigmoid(S[m, n] - log(N))
          O[m, e] = sum[n] P[m, n] * V[n, e]
        }
        """);
    Op.ParallelAttention a = (Op.ParallelAttention) ops.get(0);
    assertThat(a.normalize()).isEmpty();
    assertThat(a.modifiers()).hasSize(1);
  }

  @Test
  void weightsUsedTwiceAreNotFused() {
    List<Op> ops = ops("kernel k(Q: f32[M, D], K: f32[N, D], V: f32[N, E]) -> (O: f32[M, E], R: f32[M, N]) {\n" + """
          S[m, n] = sum[d] Q[m, d] * K[n, d]
          P[m, n] = softmax[n](S[m, n])
          O[m, e] = sum[n] P[m, n] * V[n, e]
          R[m, n] = P[m, n] * 2.0
        }
        """);
    assertThat(ops.stream().noneMatch(o -> o instanceof Op.ParallelAttention)).isTrue();
  }

  @Test
  void normalizerAlongTheWrongAxisIsNotAttention() {
    List<Op> ops = ops(HEAD.replace("K: f32[N, D]", "K: f32[M, D]").replace("V: f32[N, E]", "V: f32[M, E]") + """
          S[m, n] = sum[d] Q[m, d] * K[n, d]
          P[m, n] = softmax[m](S[m, n])
          O[m, e] = sum[n] P[m, n] * V[n, e]
        }
        """);
    assertThat(ops.stream().noneMatch(o -> o instanceof Op.ParallelAttention)).isTrue();
  }

  private static final String SCAN = """
      kernel k(Q: f32[T, D], K: f32[T, D], V: f32[T, E], g: f32[T, D], w: f32[T, E]) -> (O: f32[T, E]) {
        scan t {
          state S[d, e] = 0
          S[d, e] = %s * S[d, e] + K[t, d] * V[t, e]
          O[t, e] = sum[d] Q[t, d] * S[d, e]
        }
      }
      """;

  @Test
  void recurrenceDecayIsClassified() {
    assertThat(((Op.RecurrentAttention) ops(SCAN.formatted("exp(-1.0)")).get(0)).decayKind()).isEqualTo(Op.DecayKind.SCALAR);
    assertThat(((Op.RecurrentAttention) ops(SCAN.formatted("exp(g[t, d])")).get(0)).decayKind()).isEqualTo(Op.DecayKind.PER_CHANNEL);
    assertThat(((Op.RecurrentAttention) ops(SCAN.formatted("1.0")).get(0)).decayKind()).isEqualTo(Op.DecayKind.NONE);
  }

  @Test
  void decayPerValueChannelIsNotTheTemplate() {
    assertThat(ops(SCAN.formatted("exp(w[t, e])")).get(0)).isInstanceOf(Op.Scan.class);
  }

  @Test
  void contractionsBecomeEinsums() {
    List<Op> ops = ops("kernel g(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N]) { C[m, n] = sum[k] A[m, k] * B[k, n] }");
    assertThat(ops.get(0)).isInstanceOf(Op.Einsum.class);
  }

  @Test
  void deadTemporariesAreRemoved() {
    Module m = Pipeline.run(Sources.compile("""
        kernel k(A: f32[N]) -> (B: f32[N]) {
          U[n] = A[n] * 2.0
          B[n] = A[n] + 1.0
        }
        """));
    assertThat(m.kernels().get(0).ops()).hasSize(1);
    assertThat(m.kernels().get(0).tensor("U")).isEmpty();
  }

  @Test
  void identicalTemporariesAreComputedOnce() {
    Module m = Pipeline.run(Sources.compile("""
        kernel k(A: f32[N, K], B: f32[K]) -> (Y: f32[N]) {
          U[n] = sum[k] A[n, k] * B[k]
          W[n] = sum[k] A[n, k] * B[k]
          Y[n] = U[n] - 2.0 * W[n]
        }
        """));
    List<Op> ops = m.kernels().get(0).ops();
    assertThat(ops).hasSize(2);
    assertThat(m.kernels().get(0).tensor("W")).isEmpty();
    assertThat(dev.tessera.ir.IrPrinter.print(m)).contains("Y[n:N] = U[n] - 2.0 * U[n]");
  }

  @Test
  void outputsAreNeverMerged() {
    Module m = Pipeline.run(Sources.compile("""
        kernel k(A: f32[N]) -> (X: f32[N], Y: f32[N]) {
          X[n] = A[n] * 2.0
          Y[n] = A[n] * 2.0
        }
        """));
    assertThat(m.kernels().get(0).ops()).hasSize(2);
  }

  @Test
  void constantsAreFolded() {
    Module m = Pipeline.run(Sources.compile("kernel k(A: f32[N]) -> (B: f32[N]) { B[n] = A[n] * rsqrt(4) + (2 * 3) }"));
    assertThat(dev.tessera.ir.IrPrinter.print(m)).contains("B[n:N] = A[n] * 0.5 + 6");
  }
}
