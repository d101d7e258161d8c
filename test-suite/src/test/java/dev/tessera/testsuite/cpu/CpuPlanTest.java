package dev.tessera.testsuite.cpu;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.scheduler.Schedule;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the CPU backend runs each kind of kernel, and that each way agrees with the reference. */
class CpuPlanTest {

  private static final Map<String, Long> SMALL = Map.of("B", 1L, "H", 2L, "M", 33L, "N", 77L, "D", 8L, "E", 4L);

  @Test
  void attentionRunsFused() {
    var r = CpuVsReference.file("attention/mha_causal.attn", SMALL, CpuBackend.defaultSchedule(), 1);
    assertThat(r.kernel().describe()).containsExactly("flash attention (1-pass normalizer, blocks 64x128)");
  }

  @Test
  void pointwiseAttentionRunsFusedWithoutNormalizer() {
    var r = CpuVsReference.file("attention/sigmoid.attn", SMALL, CpuBackend.defaultSchedule(), 1);
    assertThat(r.kernel().describe()).containsExactly("flash attention (no normalizer, blocks 64x128)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"retnet_recurrent", "mamba2_ssd", "gla"})
  void recurrencesRunChunkedWithAnyChunkSize(String name) {
    for (int chunk : new int[] {1, 5, 16, 200}) {
      Schedule s = CpuBackend.defaultSchedule().with("chunk", chunk);
      var r = CpuVsReference.file("attention/" + name + ".attn", Map.of("B", 2L, "H", 1L, "T", 70L, "D", 6L, "E", 3L), s, 2);
      assertWithMessage(name + " chunk " + chunk).that(r.relativeError()).isAtMost(1e-4);
      assertThat(r.kernel().describe().get(r.kernel().describe().size() - 1)).startsWith("chunked linear attention");
    }
  }

  @Test
  void zeroDecayFallsBackToSteps() {
    String src = """
        kernel k(Q: f32[T, D], K: f32[T, D], V: f32[T, E], a: f32[T] in (0, 1)) -> (O: f32[T, E]) {
          scan t {
            state S[d, e] = 0
            S[d, e] = select(t % 3 == 0, 0.0, a[t]) * S[d, e] + K[t, d] * V[t, e]
            O[t, e] = sum[d] Q[t, d] * S[d, e]
          }
        }
        """;
    var r = CpuVsReference.text(src, Map.of("T", 40L, "D", 4L, "E", 3L), CpuBackend.defaultSchedule().with("chunk", 8), 3);
    assertThat(r.relativeError()).isAtMost(1e-4);
  }

  @Test
  void unrecognisedScanRunsStepByStep() {
    String src = """
        kernel k(K: f32[T, D], V: f32[T, E], w: f32[T, E]) -> (O: f32[T, E]) {
          scan t {
            state S[d, e] = 0
            S[d, e] = exp(-w[t, e] * w[t, e]) * S[d, e] + K[t, d] * V[t, e]
            O[t, e] = sum[d] K[t, d] * S[d, e]
          }
        }
        """;
    var r = CpuVsReference.text(src, Map.of("T", 20L, "D", 4L, "E", 3L), CpuBackend.defaultSchedule(), 3);
    assertThat(r.relativeError()).isAtMost(1e-4);
    assertThat(r.kernel().describe().get(0)).startsWith("scan");
  }

  /**
   * The output written with E before M: with M = 1 its rows are contiguous but one float apart,
   * the case the vector store must not take as a panel of rows E apart.
   */
  @Test
  void outputWithTheValueAxisFirstMatchesTheReference() {
    String src = """
        kernel k(Q: f32[B, H, M, D], K: f32[B, H, N, D], V: f32[B, H, N, E]) -> (O: f32[B, H, E, M]) {
          S[b, h, m, n] = rsqrt(D) * sum[d] Q[b, h, m, d] * K[b, h, n, d]
          P[b, h, m, n] = softmax[n](S[b, h, m, n])
          O[b, h, e, m] = sum[n] P[b, h, m, n] * V[b, h, n, e]
        }
        """;
    for (long m : new long[] {1, 3, 33}) {
      var r = CpuVsReference.text(src, Map.of("B", 1L, "H", 2L, "M", m, "N", 77L, "D", 16L, "E", 16L), CpuBackend.defaultSchedule(), 5);
      assertWithMessage("M = " + m).that(r.relativeError()).isAtMost(1e-4);
    }
  }

  @Test
  void decodeSplitsKeysAndMergesWithCombine() {
    Map<String, Long> decode = Map.of("B", 1L, "H", 1L, "M", 1L, "N", 1000L, "D", 8L, "E", 8L);
    for (int split : new int[] {0, 2, 7}) {
      var r = CpuVsReference.file("attention/mha.attn", decode, CpuBackend.defaultSchedule().with("blockN", 32).with("splitKv", split), 4);
      assertWithMessage("splitKv " + split).that(r.relativeError()).isAtMost(1e-4);
    }
  }

  @Test
  void customNormalizersRunWithTheirPassCount() {
    String twoPass = """
        normalizer lazy {
          state m = -inf
          state l = 0
          step {
            let mx = max(m, rowmax(x))
            p = exp(x - mx)
            l = l * exp(m - mx) + rowsum(p)
            m = mx
          }
          finish = 1 / l
        }
        normalizer decaying {
          state c = 0
          step {
            p = x
            c = 0.5 * c + rowsum(x)
          }
          finish = 1 / max(abs(c), 1)
        }
        kernel k(Q: f32[M, D], K: f32[N, D], V: f32[N, E]) -> (O: f32[M, E]) {
          S[m, n] = sum[d] Q[m, d] * K[n, d]
          P[m, n] = NORM[n](S[m, n]) where n <= m + N - M
          O[m, e] = sum[n] P[m, n] * V[n, e]
        }
        """;
    Map<String, Long> dims = Map.of("M", 20L, "N", 45L, "D", 4L, "E", 3L);
    Schedule small = CpuBackend.defaultSchedule().with("blockM", 8).with("blockN", 16);
    var lazy = CpuVsReference.text(twoPass.replace("NORM", "lazy"), dims, small, 5);
    assertThat(lazy.relativeError()).isAtMost(1e-4);
    assertThat(lazy.kernel().describe().get(0)).contains("2-pass");
    var whole = CpuVsReference.text(twoPass.replace("NORM", "decaying"), dims, small, 5);
    assertThat(whole.relativeError()).isAtMost(1e-4);
    assertThat(whole.kernel().describe().get(0)).contains("3-pass");
  }
}
