package dev.tessera.runtime.mesh;

import dev.tessera.runtime.RunException;
import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.Interpreter;
import dev.tessera.runtime.RunErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zoo kernels on the mesh simulator against the reference interpreter, on awkward shapes. */
class MeshRunTest {
  static double check(String file, Map<String, Long> dims, int grid, String algorithm) throws Exception {
    return check(Path.of("..", "examples", file), dims, grid, algorithm);
  }

  static double check(Path source, Map<String, Long> dims, int grid, String algorithm) throws Exception {
    String file = source.getFileName().toString();
    Frontend.Compiled c = Frontend.compile(new Sources(), source);
    Module m = Pipeline.run(c.module());
    Kernel k = m.kernels().get(0);
    Inputs.Prepared p = Inputs.prepare(k, c.sourceMap(), Map.of(), dims, 7);
    MeshRun.Result r = MeshRun.run(m, k, p.dims(), p.inputs(), MeshProfiles.get("wse2"), grid, algorithm);
    Map<String, DenseTensor> ref = new Interpreter(m, c.sourceMap()).run(k, p.dims(), p.inputs());
    assertThat(r.cycles()).isGreaterThan(0.0);
    double err = 0;
    for (Map.Entry<String, DenseTensor> e : ref.entrySet()) {
      double[] want = e.getValue().data();
      double[] got = r.outputs().get(e.getKey()).data();
      double max = 1;
      for (double w : want) max = Math.max(max, Math.abs(w));
      for (int i = 0; i < want.length; i++) err = Math.max(err, Math.abs(want[i] - got[i]) / max);
    }
    assertWithMessage(file + " " + dims + " on " + grid + "x" + grid + " " + algorithm).that(err).isAtMost(1e-4);
    return r.cycles();
  }

  @Test
  void gemmOnAwkwardShapes() throws Exception {
    for (String alg : new String[] {"meshgemm", "summa", "cannon"}) {
      check("einsum/gemm.attn", Map.of("M", 33L, "K", 77L, "N", 20L), 4, alg);
    }
    check("einsum/gemm.attn", Map.of("M", 1L, "K", 5L, "N", 3L), 3, "meshgemm");
  }

  @Test
  void gemvTreeAndPipeline() throws Exception {
    check("einsum/gemv.attn", Map.of("N", 33L, "K", 77L), 4, "meshgemm");
    check("einsum/gemv.attn", Map.of("N", 1L, "K", 9L), 5, "cannon");
  }

  @Test
  void gatedMlp() throws Exception {
    check("einsum/gated_mlp.attn", Map.of("T", 7L, "Dm", 33L, "F", 20L), 4, "meshgemm");
  }

  @Test
  void attentionPrefillAndDecode() throws Exception {
    Map<String, Long> prefill = Map.of("B", 1L, "H", 2L, "M", 33L, "N", 20L, "D", 7L, "E", 9L);
    check("attention/mha.attn", prefill, 4, "meshgemm");
    check("attention/mha_causal.attn", prefill, 3, "meshgemm");
    check("attention/mha_causal.attn", Map.of("B", 1L, "H", 1L, "M", 20L, "N", 33L, "D", 8L, "E", 8L), 4, "meshgemm");
    check("attention/mha.attn", Map.of("B", 2L, "H", 1L, "M", 1L, "N", 77L, "D", 16L, "E", 5L), 4, "meshgemm");
    check("attention/mha_causal.attn", Map.of("B", 1L, "H", 1L, "M", 1L, "N", 33L, "D", 8L, "E", 8L), 5, "meshgemm");
  }

  /** Masks from the template, including one that reads a block layout, and a sliding window. */
  @Test
  void maskedAttention() throws Exception {
    check("attention/block_sparse.attn", Map.of("B", 1L, "H", 2L, "M", 77L, "N", 130L, "D", 8L, "E", 5L), 4, "meshgemm");
    check("attention/block_sparse.attn", Map.of("B", 1L, "H", 1L, "M", 1L, "N", 130L, "D", 8L, "E", 5L), 4, "meshgemm");
    check("attention/sliding_window.attn", Map.of("B", 1L, "H", 1L, "M", 33L, "N", 200L, "D", 8L, "E", 5L), 5, "meshgemm");
  }

  /** Grids where trees have several groups and program classes repeat (every member and leader needs its routes). */
  @Test
  void attentionOnLargerGrids() throws Exception {
    check("attention/mha_causal.attn", Map.of("B", 1L, "H", 1L, "M", 5L, "N", 7L, "D", 3L, "E", 2L), 1, "meshgemm");
    for (int p : new int[] {2, 7, 8, 10}) {
      check("attention/mha_causal.attn", Map.of("B", 1L, "H", 1L, "M", 33L, "N", 77L, "D", 9L, "E", 20L), p, "meshgemm");
      check("attention/mha.attn", Map.of("B", 1L, "H", 1L, "M", 1L, "N", 77L, "D", 33L, "E", 20L), p, "meshgemm");
    }
  }

  /**
   * Score modifiers as stages: index-dependent addends (ALiBi) and factors (RetNet's decay) as host
   * matrices, functions of the score alone (soft cap, sigmoid, ReLU) on the cores; no normalizer
   * (sigmoid, ReLU); key heads shared by expression subscripts (GQA's h / G, MLA's latent head 0).
   * Prefill with M ≠ N and fully masked rows (M > N causal), and one-row decode.
   */
  @Test
  void modifiedAndSharedHeadAttention() throws Exception {
    Map<String, Long> wide = Map.of("B", 1L, "H", 2L, "M", 33L, "N", 20L, "D", 7L, "E", 9L);
    Map<String, Long> decode = Map.of("B", 1L, "H", 2L, "M", 1L, "N", 77L, "D", 8L, "E", 5L);
    for (String f : new String[] {"alibi", "softcap", "sigmoid", "relu"}) {
      check("attention/" + f + ".attn", wide, 4, "meshgemm");
      check("attention/" + f + ".attn", decode, 5, "meshgemm");
    }
    check("attention/alibi.attn", Map.of("B", 1L, "H", 3L, "M", 20L, "N", 33L, "D", 8L, "E", 8L), 3, "meshgemm");
    check("attention/retnet_parallel.attn", Map.of("B", 1L, "H", 2L, "T", 33L, "D", 7L, "E", 9L), 4, "meshgemm");
    check("attention/retnet_parallel.attn", Map.of("B", 2L, "H", 1L, "T", 1L, "D", 4L, "E", 3L), 2, "meshgemm");
    check("attention/gqa.attn", Map.of("B", 1L, "H", 4L, "Hk", 2L, "M", 33L, "N", 20L, "D", 7L, "E", 9L), 4, "meshgemm");
    check("attention/gqa.attn", Map.of("B", 2L, "H", 3L, "Hk", 1L, "M", 1L, "N", 77L, "D", 8L, "E", 5L), 4, "meshgemm");
    check("attention/mla_decode.attn", Map.of("B", 1L, "H", 3L, "M", 1L, "N", 33L), 8, "meshgemm");
  }

  /** Differential attention: two attention templates, then an element-wise map that broadcasts the 0-d {@code lam}. */
  @Test
  void differentialAttention() throws Exception {
    check("attention/diff.attn", Map.of("B", 1L, "H", 2L, "M", 33L, "N", 20L, "D", 7L, "E", 9L), 4, "meshgemm");
    check("attention/diff.attn", Map.of("B", 2L, "H", 1L, "M", 1L, "N", 77L, "D", 8L, "E", 5L), 4, "meshgemm");
  }

  @Test
  void aModifierTheCoresCannotComputeIsRefused(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("square.attn");
    Files.writeString(f, """
        kernel square(Q: f32[M, D], K: f32[N, D], V: f32[N, E]) -> (O: f32[M, E]) {
          S[m, n] = sum[d] Q[m, d] * K[n, d]
          R[m, n] = S[m, n] * S[m, n] + (m - n)
          P[m, n] = softmax[n](R[m, n])
          O[m, e] = sum[n] P[m, n] * V[n, e]
        }
        """);
    RunException e = assertThrows(RunException.class, () -> check(f, Map.of("M", 5L, "N", 5L, "D", 4L, "E", 4L), 2, "meshgemm"));
    assertThat(e.code).isEqualTo(RunErrors.UNAVAILABLE);
    assertThat(e.getMessage()).contains("score modifier R");
  }

  @Test
  void sramOverflowNamesTheCore() throws Exception {
    RunException e = assertThrows(RunException.class,
        () -> check("einsum/gemm.attn", Map.of("M", 512L, "K", 512L, "N", 512L), 2, "meshgemm"));
    assertThat(e.code).isEqualTo(RunErrors.ILLEGAL_SCHEDULE);
    assertThat(e.getMessage()).contains("core (0,0)");
    assertThat(e.getMessage()).contains("49152 bytes per core");
  }

  /** Recurrences with a constant (RetNet) or data-dependent (Mamba-2) scalar decay, in their parallel form; one step; T = 77. */
  @Test
  void scalarDecayRecurrences() throws Exception {
    for (String f : new String[] {"retnet_recurrent", "mamba2_ssd"}) {
      check("attention/" + f + ".attn", Map.of("B", 1L, "H", 2L, "T", 33L, "D", 7L, "E", 9L), 4, "meshgemm");
      check("attention/" + f + ".attn", Map.of("B", 2L, "H", 1L, "T", 1L, "D", 4L, "E", 3L), 3, "meshgemm");
    }
    check("attention/mamba2_ssd.attn", Map.of("B", 1L, "H", 1L, "T", 77L, "D", 8L, "E", 8L), 5, "meshgemm");
  }

  @Test
  void perChannelDecayIsRefused() throws Exception {
    RunException e = assertThrows(RunException.class,
        () -> check("attention/gla.attn", Map.of("B", 1L, "H", 1L, "T", 8L, "D", 4L, "E", 4L), 2, "meshgemm"));
    assertThat(e.code).isEqualTo(RunErrors.UNAVAILABLE);
    assertThat(e.getMessage()).contains("per-channel decay");
  }
}
