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

  @Test
  void decodeSplitsTheKeysAndCombines() throws Exception {
    Zoo.Compiled c = Zoo.compile(Zoo.root().resolve("attention/mha.attn"), Map.of("H", 32L, "M", 1L, "N", 8192L, "D", 128L, "E", 128L));
    CudaArtifacts a = CudaBackend.generate(c.module(), c.kernel(), CudaBackend.defaultSchedule(), Zoo.profile("h100"), c.dims(),
        dev.tessera.ir.ElemType.F16);
    assertEquals(2, a.launches());
    assertTrue(a.manifest().contains("\"what\": \"flash_split_O\""), a.manifest());
    assertTrue(a.manifest().contains("\"what\": \"combine_O\""), a.manifest());
    assertTrue(a.manifest().contains("{\"name\": \"O_state\", \"role\": \"scratch\""), a.manifest());
    CudaArtifacts one = CudaBackend.generate(c.module(), c.kernel(), CudaBackend.defaultSchedule().with("splitKv", 1), Zoo.profile("h100"),
        c.dims(), dev.tessera.ir.ElemType.F16);
    assertEquals(1, one.launches());
  }

  @Test
  void attentionTemplatesFuseAndTheRestRunOpByOp() throws Exception {
    for (String f : java.util.List.of("mha", "mha_causal", "gqa", "alibi", "softcap", "sliding_window", "block_sparse", "relu", "sigmoid",
        "retnet_parallel")) {
      Zoo.Compiled c = Zoo.compile(Zoo.root().resolve("attention/" + f + ".attn"), Map.of());
      CudaArtifacts a = CudaBackend.generate(c.module(), c.kernel(), CudaBackend.defaultSchedule().with("splitKv", 1), Zoo.profile("h100"),
          c.dims(), null);
      assertTrue(a.manifest().contains("\"what\": \"flash_"), f + ": " + a.manifest());
      assertFalse(a.manifest().contains("\"role\": \"scratch\""), f + ": the fused kernel keeps scores in registers");
    }
    Zoo.Compiled mla = Zoo.compile(Zoo.root().resolve("attention/mla_decode.attn"), Map.of());
    CudaArtifacts a = CudaBackend.generate(mla.module(), mla.kernel(), CudaBackend.defaultSchedule(), Zoo.profile("h100"), mla.dims(), null);
    assertFalse(a.manifest().contains("flash_"), "head dim 576 is beyond the fused kernel; it runs op by op");
  }

  /** Every tiling the scheduler enumerates for attention is one the flash kernel takes; any other is an error, not an unfused fallback. */
  @Test
  void scheduledTilingsFuseAndOthersAreRefused() throws Exception {
    Zoo.Compiled c = Zoo.compile(Zoo.root().resolve("attention/mha_causal.attn"), Map.of("H", 8L, "M", 512L, "N", 512L));
    var info = new dev.tessera.scheduler.cost.KernelInfo(dev.tessera.scheduler.cost.KernelInfo.Kind.PARALLEL, 8, 512, 512, 64, 64, 0.5, 1);
    var schedules = dev.tessera.scheduler.Scheduler.enumerateCuda(info, Zoo.profile("h100"), dev.tessera.ir.ElemType.F16);
    assertTrue(schedules.size() >= 8, schedules.toString());
    for (var s : schedules) {
      CudaArtifacts a = CudaBackend.generate(c.module(), c.kernel(), s, Zoo.profile("h100"), c.dims(), dev.tessera.ir.ElemType.F16);
      assertTrue(a.manifest().contains("\"what\": \"flash_"), s + ": " + a.manifest());
    }
    for (var bad : java.util.List.of(CudaBackend.defaultSchedule().with("threads", 64), CudaBackend.defaultSchedule().with("blockN", 144),
        CudaBackend.defaultSchedule().with("stages", 3))) {
      dev.tessera.scheduler.ScheduleException e = org.junit.jupiter.api.Assertions.assertThrows(dev.tessera.scheduler.ScheduleException.class,
          () -> CudaBackend.generate(c.module(), c.kernel(), bad, Zoo.profile("h100"), c.dims(), dev.tessera.ir.ElemType.F16));
      assertTrue(e.getMessage().contains("flash kernel"), e.getMessage());
    }
  }

  /** Linear attention runs chunked by default, the chunk from the schedule; a key dimension beyond the kernel's runs as the scan. */
  @Test
  void recurrencesRunChunked() throws Exception {
    for (String f : java.util.List.of("retnet_recurrent", "mamba2_ssd", "gla")) {
      Zoo.Compiled c = Zoo.compile(Zoo.root().resolve("attention/" + f + ".attn"), Map.of());
      CudaArtifacts a = CudaBackend.generate(c.module(), c.kernel(), CudaBackend.defaultSchedule(), Zoo.profile("h100"), c.dims(), null);
      assertEquals(1, a.launches(), f);
      assertTrue(a.manifest().contains("\"what\": \"chunked_O\""), f + ": " + a.manifest());
      assertTrue(a.source().contains("t0 += 16)"), f);
      CudaArtifacts c32 = CudaBackend.generate(c.module(), c.kernel(), CudaBackend.defaultSchedule().with("chunk", 32), Zoo.profile("h100"),
          c.dims(), null);
      assertTrue(c32.source().contains("t0 += 32)"), f);
    }
    Zoo.Compiled gla = Zoo.compile(Zoo.root().resolve("attention/gla.attn"), Map.of());
    org.junit.jupiter.api.Assertions.assertThrows(dev.tessera.scheduler.ScheduleException.class, () -> CudaBackend.generate(gla.module(),
        gla.kernel(), CudaBackend.defaultSchedule().with("chunk", 0), Zoo.profile("h100"), gla.dims(), null));
    Zoo.Compiled wide = Zoo.compile(Zoo.root().resolve("attention/gla.attn"), Map.of("D", 200L));
    CudaArtifacts a = CudaBackend.generate(wide.module(), wide.kernel(), CudaBackend.defaultSchedule(), Zoo.profile("h100"), wide.dims(), null);
    assertFalse(a.manifest().contains("chunked_"), a.manifest());
  }
}
