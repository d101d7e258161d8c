package dev.tessera.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Generation of every zoo kernel: deterministic text, readable names, a manifest naming every launch. */
class GenerateTest {
  @Test
  void everyZooFileGeneratesDeterministically() throws Exception {
    for (Path f : Zoo.files()) {
      Zoo.Compiled c = Zoo.compile(f, Map.of());
      CudaArtifacts a = CudaBackend.generate(c.module(), c.kernel(), CudaBackend.defaultSchedule(), Zoo.profile("h100"), c.dims(), null);
      Zoo.Compiled again = Zoo.compile(f, Map.of());
      CudaArtifacts b = CudaBackend.generate(again.module(), again.kernel(), CudaBackend.defaultSchedule(), Zoo.profile("h100"), again.dims(), null);
      assertEquals(a.source(), b.source(), f.toString());
      assertEquals(a.manifest(), b.manifest(), f.toString());
      assertTrue(a.launches() >= 1, f.toString());
      assertFalse(java.util.regex.Pattern.compile("\\b(?!0x)[A-Za-z_]\\w*?[0-9a-f]{8,}\\b").matcher(a.source()).find(), f + ": a hash-like identifier in the source");
      assertTrue(a.manifest().contains("\"entry\": \"" + c.kernel().name() + "_k0_"), f.toString());
    }
  }
}
