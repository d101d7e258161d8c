package dev.tessera.testsuite.cpu;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.ir.ElemType;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.StorageTypes;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * f16 and bf16 storage with f32 accumulation, by DESIGN.md's rule: the error is at most twice that
 * of storing the exact result in the same precision (plus f32 round-off), and never above 1e-2
 * (f16) or 2e-2 (bf16) on unit-scale inputs.
 */
class CpuLowPrecisionTest {

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> b = Stream.builder();
    String[] files = {"attention/mha.attn", "attention/mha_causal.attn", "attention/gqa.attn", "attention/sliding_window.attn",
        "attention/alibi.attn", "attention/softcap.attn", "attention/sigmoid.attn", "attention/relu.attn", "attention/diff.attn",
        "attention/retnet_parallel.attn", "attention/retnet_recurrent.attn", "attention/mamba2_ssd.attn", "attention/gla.attn",
        "attention/mla_decode.attn", "attention/block_sparse.attn", "einsum/gemm.attn", "einsum/gemv.attn", "einsum/gated_mlp.attn"};
    for (String f : files) for (ElemType t : new ElemType[] {ElemType.F16, ElemType.BF16}) b.add(Arguments.of(f, t));
    return b.build();
  }

  private static final Map<String, Long> DIMS = Map.ofEntries(Map.entry("B", 1L), Map.entry("H", 2L), Map.entry("M", 33L),
      Map.entry("N", 77L), Map.entry("D", 16L), Map.entry("E", 8L), Map.entry("T", 45L), Map.entry("Dm", 16L), Map.entry("F", 24L),
      Map.entry("K", 40L), Map.entry("Hk", 1L));

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void withinTheLowPrecisionBound(String file, ElemType storage) {
    Map<String, Long> dims = new java.util.HashMap<>(DIMS);
    dims.keySet().retainAll(file.contains("gated") ? java.util.Set.of("T", "Dm", "F")
        : file.contains("gemm") ? java.util.Set.of("M", "K", "N")
        : file.contains("gemv") ? java.util.Set.of("N", "K")
        : file.contains("mla") ? java.util.Set.of("B", "H", "M", "N")
        : file.contains("gqa") ? java.util.Set.of("B", "H", "Hk", "M", "N", "D", "E")
        : file.contains("gla") || file.contains("mamba") || file.contains("retnet") ? java.util.Set.of("B", "H", "T", "D", "E")
        : java.util.Set.of("B", "H", "M", "N", "D", "E"));
    CpuVsReference.Result r = CpuVsReference.file(file, dims, CpuBackend.defaultSchedule(), 3, storage);
    double naive = 0;
    for (DenseTensor t : r.ref().values()) {
      double scale = 1;
      for (double v : t.data()) scale = Math.max(scale, Math.abs(v));
      for (double v : t.data()) naive = Math.max(naive, Math.abs(StorageTypes.round(storage, v) - v) / scale);
    }
    double cap = storage == ElemType.F16 ? 1e-2 : 2e-2;
    assertWithMessage(file + " " + storage + " (naive storage error " + naive + ")").that(r.relativeError())
        .isAtMost(Math.min(cap, 2 * naive + 1e-5));
  }
}
