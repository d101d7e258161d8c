package dev.tessera.testsuite.cpu;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.cpu.CpuKernel;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.tessera.scheduler.Schedule;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every zoo file on the CPU backend against the reference interpreter, f32, awkward shapes, several schedules. */
class CpuZooTest {
  private static final double TOLERANCE = 1e-4;

  static Stream<Arguments> cases() {
    String[] attention = {"mha", "mha_causal", "gqa", "sliding_window", "alibi", "softcap", "sigmoid", "relu", "diff",
        "block_sparse"};
    Schedule fused = CpuBackend.defaultSchedule().with("blockM", 16).with("blockN", 32);
    Schedule split = CpuBackend.defaultSchedule().with("blockM", 8).with("blockN", 16).with("splitKv", 3);
    Schedule unfused = CpuBackend.defaultSchedule().with("fuse", 0);
    Stream.Builder<Arguments> b = Stream.builder();
    for (String a : attention) {
      // M = 64 fills whole 16-row blocks (unmasked softmax then runs only in ColumnSoftmax); 33 and
      // 77 leave a last block that takes the generated row-by-row step.
      for (int[] s : new int[][] {{33, 77, 40, 24}, {77, 33, 16, 8}, {64, 77, 40, 24}, {1, 129, 8, 5}, {1, 1, 1, 1}}) {
        Map<String, Long> dims = new HashMap<>(Map.of("B", 1L, "H", 2L, "M", (long) s[0], "N", (long) s[1], "D", (long) s[2], "E", (long) s[3]));
        if (a.equals("gqa")) {
          dims.put("H", 4L);
          dims.put("Hk", 2L);
        }
        for (Schedule sch : new Schedule[] {fused, split, unfused}) b.add(Arguments.of("attention/" + a + ".attn", dims, sch));
      }
    }
    for (String r : new String[] {"retnet_parallel", "retnet_recurrent", "mamba2_ssd", "gla"}) {
      Map<String, Long> dims = Map.of("B", 1L, "H", 2L, "T", 77L, "D", 5L, "E", 7L);
      b.add(Arguments.of("attention/" + r + ".attn", dims, fused));
      b.add(Arguments.of("attention/" + r + ".attn", dims, unfused));
    }
    b.add(Arguments.of("attention/mla_decode.attn", Map.of("B", 1L, "H", 3L, "M", 1L, "N", 77L), split));
    b.add(Arguments.of("attention/mla_decode.attn", Map.of("B", 1L, "H", 3L, "M", 2L, "N", 33L), fused));
    b.add(Arguments.of("einsum/gemm.attn", Map.of("M", 33L, "K", 77L, "N", 5L), fused));
    b.add(Arguments.of("einsum/gemv.attn", Map.of("N", 77L, "K", 33L), fused));
    b.add(Arguments.of("einsum/gated_mlp.attn", Map.of("T", 7L, "Dm", 33L, "F", 13L), fused));
    return b.build();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void matchesReference(String example, Map<String, Long> dims, Schedule schedule) {
    CpuVsReference.Result r = CpuVsReference.file(example, dims, schedule, 5);
    assertWithMessage(example + " " + dims + " " + schedule).that(r.relativeError()).isAtMost(TOLERANCE);
  }
}
