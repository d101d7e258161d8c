package dev.tessera.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.ElemType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Generated CUDA for two zoo kernels is byte-identical to the checked-in files (any change to the
 * emitted code shows up as a diff to review). Regenerate with {@code -Dtessera.regenerateGolden=true}.
 */
class GoldenCudaTest {
  private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");

  @Test
  void causalAttentionF16() throws Exception {
    check("attention/mha_causal.attn", Map.of("M", 77L, "N", 77L), ElemType.F16, "mha_causal_f16_h100");
  }

  @Test
  void gatedLinearAttentionF32() throws Exception {
    check("attention/gla.attn", Map.of("T", 33L), ElemType.F32, "gla_f32_h100");
  }

  private static void check(String example, Map<String, Long> dims, ElemType dtype, String name) throws Exception {
    Zoo.Compiled c = Zoo.compile(Zoo.root().resolve(example), dims);
    CudaArtifacts a = CudaBackend.generate(c.module(), c.kernel(), CudaBackend.defaultSchedule(), Zoo.profile("h100"), c.dims(), dtype);
    Path cu = GOLDEN.resolve(name + ".cu");
    Path manifest = GOLDEN.resolve(name + ".manifest.json");
    if (Boolean.getBoolean("tessera.regenerateGolden")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(cu, a.source(), StandardCharsets.UTF_8);
      Files.writeString(manifest, a.manifest(), StandardCharsets.UTF_8);
    }
    assertTrue(Files.exists(cu), "golden file " + cu + " is missing (regenerate with -Dtessera.regenerateGolden=true)");
    assertEquals(Files.readString(cu, StandardCharsets.UTF_8), a.source(), cu + " (regenerate with -Dtessera.regenerateGolden=true)");
    assertEquals(Files.readString(manifest, StandardCharsets.UTF_8), a.manifest(), manifest.toString());
  }
}
