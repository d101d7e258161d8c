package dev.tessera.testsuite.cpu;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.scheduler.Schedule;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Contractions that are matrix products run on the micro-kernels, tile by tile, and agree with the reference. */
class CpuGemmTest {

  private static final Schedule SMALL_TILES = CpuBackend.defaultSchedule().with("blockM", 16).with("blockN", 32);

  @ParameterizedTest(name = "gemm M={0} K={1} N={2}")
  @CsvSource({"1,1,1", "33,77,20", "77,1,33", "1,64,257", "130,33,65"})
  void gemmOnAwkwardShapes(long m, long k, long n) throws Exception {
    for (Schedule s : new Schedule[] {CpuBackend.defaultSchedule(), SMALL_TILES, SMALL_TILES.with("threads", 1)}) {
      var r = CpuVsReference.file("einsum/gemm.attn", Map.of("M", m, "K", k, "N", n), s, 1);
      assertWithMessage(s.toString()).that(r.relativeError()).isAtMost(1e-4);
      assertThat(r.kernel().describe()).containsExactly("matrix product C = A·B (tiles " + s.intKnob("blockM", 0) + "x" + s.intKnob("blockN", 0) + ")");
    }
  }

  @Test
  void gemvIsAProductWithTheMatrixTransposed() {
    var r = CpuVsReference.file("einsum/gemv.attn", Map.of("N", 77L, "K", 33L), SMALL_TILES, 2);
    assertThat(r.relativeError()).isAtMost(1e-4);
    assertThat(r.kernel().describe()).containsExactly("matrix product y = x·Wᵀ (tiles 16x32)");
  }

  @Test
  void gatedMlpRunsItsThreeProductsOnTheMicroKernels() {
    var r = CpuVsReference.file("einsum/gated_mlp.attn", Map.of("T", 33L, "Dm", 20L, "F", 77L), SMALL_TILES, 3);
    assertThat(r.relativeError()).isAtMost(1e-4);
    assertThat(r.kernel().describe().stream().filter(d -> d.startsWith("matrix product")).count()).isEqualTo(3);
  }

  @Test
  void batchIndicesMayStandAnywhere() {
    String src = """
        kernel k(A: f32[M, Bt, K], B: f32[Bt, N, K]) -> (C: f32[Bt, M, N]) {
          C[b, m, n] = sum[k] A[m, b, k] * B[b, n, k]
        }
        """;
    var r = CpuVsReference.text(src, Map.of("M", 33L, "Bt", 3L, "K", 7L, "N", 20L), SMALL_TILES, 4);
    assertThat(r.relativeError()).isAtMost(1e-4);
    assertThat(r.kernel().describe()).containsExactly("matrix product C = A·Bᵀ (tiles 16x32)");
  }

  @Test
  void operandOrderDoesNotMatter() {
    String src = """
        kernel k(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N]) {
          C[m, n] = sum[k] B[k, n] * A[m, k]
        }
        """;
    var r = CpuVsReference.text(src, Map.of("M", 5L, "K", 9L, "N", 70L), SMALL_TILES, 5);
    assertThat(r.relativeError()).isAtMost(1e-4);
    assertThat(r.kernel().describe()).containsExactly("matrix product C = A·B (tiles 16x32)");
  }

  @Test
  void productsTheMicroKernelsCannotAddressStayOnLoopNests() {
    String transposedA = """
        kernel k(A: f32[K, M], B: f32[K, N]) -> (C: f32[M, N]) {
          C[m, n] = sum[k] A[k, m] * B[k, n]
        }
        """;
    String scaled = """
        kernel k(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N]) {
          C[m, n] = sum[k] 2 * A[m, k] * B[k, n]
        }
        """;
    String shifted = """
        kernel k(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N]) {
          C[m, n] = sum[k] A[m, k] * B[K - 1 - k, n]
        }
        """;
    for (String src : new String[] {transposedA, scaled, shifted}) {
      var r = CpuVsReference.text(src, Map.of("M", 6L, "K", 9L, "N", 7L), SMALL_TILES, 6);
      assertWithMessage(src).that(r.relativeError()).isAtMost(1e-4);
      assertWithMessage(src).that(r.kernel().describe()).containsExactly("loops op0");
    }
  }

  @Test
  void unfusedSchedulesKeepTheLoopNest() {
    var r = CpuVsReference.file("einsum/gemm.attn", Map.of("M", 9L, "K", 4L, "N", 3L), CpuBackend.defaultSchedule().with("fuse", 0), 7);
    assertThat(r.relativeError()).isAtMost(1e-4);
    assertThat(r.kernel().describe()).containsExactly("loops op0");
  }
}
