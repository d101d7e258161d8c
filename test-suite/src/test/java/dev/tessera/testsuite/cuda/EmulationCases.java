package dev.tessera.testsuite.cuda;

import dev.tessera.cuda.CudaBackend;
import dev.tessera.ir.ElemType;
import dev.tessera.scheduler.Schedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The shapes {@link CudaEmulationTest} runs. Dimensions are compile-time constants of the generated
 * code, so every case is one compile: each file gets a few shapes chosen to reach its awkward
 * corners rather than many shapes.
 */
final class EmulationCases {
  private EmulationCases() {}

  /**
   * One run: a zoo file (or, under {@code emu/}, one of this test's own), its storage type, dimensions
   * (those the file lacks are ignored) and a schedule (else the default).
   */
  record Case(String file, ElemType dtype, Map<String, Long> dims, Optional<Schedule> schedule) {
    Case {
      dims = new TreeMap<>(dims);
    }

    Path path() {
      return file.startsWith("emu/") ? Path.of("src", "test", "resources").resolve(file) : Path.of("..", "examples").resolve(file);
    }

    @Override
    public String toString() {
      return file + " " + dtype.text() + " " + dims + schedule.map(s -> " " + s).orElse("");
    }
  }

  private static final String[] FLASH = {"mha", "mha_causal", "gqa", "sliding_window", "alibi", "softcap", "sigmoid", "relu", "diff",
      "block_sparse"};

  static List<Case> all() {
    List<Case> c = new ArrayList<>();
    for (String f : FLASH) {
      String file = "attention/" + f + ".attn";
      long h = f.equals("gqa") ? 4 : 2;
      // M < N: partial tiles on both axes, causal rows see more keys than their index; two batch points.
      c.add(new Case(file, ElemType.F32, dims(2, h, 33, 77, 16, 32), Optional.empty()));
      // M > N: with a causal mask the first M - N rows see no key at all.
      c.add(new Case(file, ElemType.F16, dims(1, h, 77, 33, 32, 16), Optional.empty()));
      // Decode: one query row, the key range split across blocks and combined.
      c.add(new Case(file, ElemType.BF16, dims(1, h, 1, 77, 16, 16), Optional.empty()));
    }
    // Regressions: without a normalizer a row's seen flag is shared by the quad holding its columns
    // (with one or two keys only the quad's first lane holds a visible one; the others zeroed their columns).
    c.add(new Case("attention/sigmoid.attn", ElemType.F16, dims(2, 2, 1, 1, 16, 16), Optional.empty()));
    c.add(new Case("attention/relu.attn", ElemType.F32, dims(1, 2, 3, 2, 16, 16), Optional.empty()));
    Schedule small = CudaBackend.defaultSchedule().with("threads", 64).with("blockM", 32).with("blockN", 32);
    Schedule warp = CudaBackend.defaultSchedule().with("threads", 32).with("blockM", 16).with("blockN", 16);
    Schedule big = CudaBackend.defaultSchedule().with("threads", 256).with("blockM", 128).with("blockN", 128);
    c.add(new Case("attention/mha_causal.attn", ElemType.F16, dims(1, 2, 77, 77, 16, 48), Optional.of(small.with("splitKv", 1))));
    c.add(new Case("attention/mha_causal.attn", ElemType.F32, dims(1, 2, 100, 130, 16, 16), Optional.of(small.with("splitKv", 3))));
    c.add(new Case("attention/mha_causal.attn", ElemType.BF16, dims(1, 2, 130, 70, 48, 80), Optional.of(warp.with("splitKv", 3))));
    c.add(new Case("attention/mha.attn", ElemType.F16, dims(1, 1, 200, 260, 256, 32), Optional.of(big)));
    c.add(new Case("attention/mha.attn", ElemType.BF16, dims(1, 2, 1, 1000, 64, 64), Optional.empty()));
    c.add(new Case("attention/gqa.attn", ElemType.F16, Map.of("B", 2L, "H", 6L, "Hk", 3L, "M", 33L, "N", 40L, "D", 16L, "E", 16L),
        Optional.empty()));
    // Tiles skipped by the mask before and after visible ones.
    c.add(new Case("attention/sliding_window.attn", ElemType.F16, dims(1, 1, 200, 200, 16, 16), Optional.of(small.with("splitKv", 1))));
    c.add(new Case("attention/block_sparse.attn", ElemType.F16, dims(1, 2, 130, 150, 16, 16), Optional.empty()));
    // d and e not multiples of 16: the op-by-op path.
    c.add(new Case("attention/mha.attn", ElemType.F32, dims(2, 2, 33, 7, 5, 7), Optional.empty()));
    c.add(new Case("attention/mha_causal.attn", ElemType.F16, dims(1, 2, 9, 5, 8, 3), Optional.empty()));
    for (ElemType t : new ElemType[] {ElemType.F32, ElemType.F16}) {
      c.add(new Case("attention/retnet_parallel.attn", t, Map.of("B", 1L, "H", 2L, "T", t == ElemType.F32 ? 77L : 33L, "D", 16L, "E", 16L),
          Optional.empty()));
      for (String r : new String[] {"retnet_recurrent", "mamba2_ssd", "gla"}) {
        Map<String, Long> d = t == ElemType.F32 ? Map.of("B", 2L, "H", 2L, "T", 45L, "D", 16L, "E", 7L)
            : Map.of("B", 1L, "H", 3L, "T", 33L, "D", 8L, "E", 40L);
        c.add(new Case("attention/" + r + ".attn", t, d, Optional.empty()));
      }
    }
    c.add(new Case("attention/retnet_parallel.attn", ElemType.BF16, Map.of("B", 2L, "H", 3L, "T", 70L, "D", 32L, "E", 16L), Optional.of(warp)));
    // Chunked linear attention: T a multiple of no chunk, below one chunk, d = 128 (shared memory above
    // 48 KiB), several column slices, chunks of 1 to 64 steps.
    Schedule chunk5 = CudaBackend.defaultSchedule().with("threads", 64).with("chunk", 5);
    Schedule chunk64 = CudaBackend.defaultSchedule().with("threads", 256).with("chunk", 64);
    c.add(new Case("attention/gla.attn", ElemType.F32, Map.of("B", 1L, "H", 2L, "T", 70L, "D", 128L, "E", 96L), Optional.empty()));
    c.add(new Case("attention/gla.attn", ElemType.F16, Map.of("B", 2L, "H", 1L, "T", 130L, "D", 32L, "E", 32L), Optional.of(chunk64)));
    c.add(new Case("attention/mamba2_ssd.attn", ElemType.BF16, Map.of("B", 1L, "H", 2L, "T", 1L, "D", 16L, "E", 16L), Optional.empty()));
    c.add(new Case("attention/retnet_recurrent.attn", ElemType.F32, Map.of("B", 1L, "H", 3L, "T", 77L, "D", 24L, "E", 33L),
        Optional.of(chunk5)));
    c.add(new Case("attention/retnet_recurrent.attn", ElemType.F32, Map.of("B", 1L, "H", 1L, "T", 20L, "D", 5L, "E", 3L),
        Optional.of(chunk5.with("chunk", 1))));
    c.add(new Case("emu/local_names.attn", ElemType.F16, Map.of(), Optional.empty()));
    c.add(new Case("emu/local_names.attn", ElemType.F32, Map.of("M", 1L), Optional.empty()));
    c.add(new Case("emu/local_names_gemv.attn", ElemType.F32, Map.of(), Optional.empty()));
    c.add(new Case("emu/signed_decay.attn", ElemType.F32, Map.of("T", 45L), Optional.empty()));
    c.add(new Case("emu/zero_decay.attn", ElemType.F16, Map.of("T", 45L), Optional.of(chunk5)));
    // The register recurrence, where the chunked kernel does not fit.
    c.add(new Case("emu/scaled_update.attn", ElemType.F32, Map.of(), Optional.empty()));
    c.add(new Case("emu/scaled_update.attn", ElemType.BF16, Map.of("E", 40L), Optional.empty()));
    // More state than registers (d > 128): the one-block scan; more columns than a block has threads.
    c.add(new Case("attention/gla.attn", ElemType.F32, Map.of("B", 1L, "H", 1L, "T", 9L, "D", 130L, "E", 3L), Optional.empty()));
    c.add(new Case("attention/gla.attn", ElemType.F32, Map.of("B", 1L, "H", 1L, "T", 3L, "D", 4L, "E", 1030L), Optional.empty()));
    c.add(new Case("attention/mla_decode.attn", ElemType.F32, Map.of("B", 1L, "H", 3L, "M", 2L, "N", 33L), Optional.empty()));
    c.add(new Case("attention/mla_decode.attn", ElemType.F16, Map.of("B", 2L, "H", 2L, "M", 1L, "N", 77L), Optional.empty()));
    c.add(new Case("einsum/gemm.attn", ElemType.F32, Map.of("M", 33L, "K", 77L, "N", 5L), Optional.empty()));
    c.add(new Case("einsum/gemm.attn", ElemType.BF16, Map.of("M", 65L, "K", 17L, "N", 70L), Optional.empty()));
    c.add(new Case("einsum/gemm.attn", ElemType.F32, Map.of("M", 1L, "K", 1L, "N", 1L), Optional.empty()));
    c.add(new Case("einsum/gemv.attn", ElemType.F32, Map.of("N", 77L, "K", 33L), Optional.empty()));
    c.add(new Case("einsum/gemv.attn", ElemType.F16, Map.of("N", 1L, "K", 100L), Optional.empty()));
    c.add(new Case("einsum/gated_mlp.attn", ElemType.F32, Map.of("T", 7L, "Dm", 33L, "F", 13L), Optional.empty()));
    c.add(new Case("einsum/gated_mlp.attn", ElemType.F16, Map.of("T", 33L, "Dm", 16L, "F", 70L), Optional.empty()));
    return c;
  }

  private static Map<String, Long> dims(long b, long h, long m, long n, long d, long e) {
    return Map.of("B", b, "H", h, "Hk", 2L, "M", m, "N", n, "D", d, "E", e);
  }
}
