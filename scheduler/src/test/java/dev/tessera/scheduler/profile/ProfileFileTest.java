package dev.tessera.scheduler.profile;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The file format: what reads, and the positioned error for each way a file can be wrong. */
class ProfileFileTest {
  private static final String GPU = """
      # A small made-up GPU.
      kind = gpu
      description = Test GPU
      sm_count = 4
      clock_mhz = 1_000
      warp_size = 32
      max_threads_per_block = 1024
      max_threads_per_sm = 2048
      registers_per_sm = 65536
      max_registers_per_thread = 255
      smem_per_sm_bytes = 65536
      smem_per_block_bytes = 49152
      mma_shape.f16 = 16x8x16
      peak_tflops.f32 = 1.5
      peak_tflops.f16 = 12
      memory_gib = 8
      memory_gb_per_s = 500
      l2_bytes = 4194304
      l2_gb_per_s = 1e3
      """;

  private static HardwareProfile parse(String text) throws ProfileException {
    return HardwareProfile.parse("test", "test.profile", text);
  }

  /** Parses {@code GPU} with one line replaced, expecting an error. */
  private static ProfileException error(String line, String replacement) {
    assertThat(GPU).contains(line + "\n");
    return assertThrows(ProfileException.class, () -> parse(GPU.replace(line + "\n", replacement.isEmpty() ? "" : replacement + "\n")));
  }

  private static int lineOf(String key) {
    return GPU.substring(0, GPU.indexOf(key)).split("\n", -1).length;
  }

  @Test
  void readsAGpu() throws ProfileException {
    GpuProfile g = (GpuProfile) parse(GPU);
    assertThat(g.clockMhz()).isEqualTo(1000);
    assertThat(g.l2GbPerS()).isEqualTo(1000.0);
    assertThat(g.mmaShapes()).containsExactly("f16", new MmaShape(16, 8, 16));
    assertThat(g.peakTflops().keySet()).containsExactly("f16", "f32").inOrder();
  }

  @Test
  void badNumberNamesFileLineAndField() {
    ProfileException e = error("smem_per_sm_bytes = 65536", "smem_per_sm_bytes = abc");
    assertThat(e).hasMessageThat().isEqualTo("test.profile:" + lineOf("smem_per_sm_bytes")
        + ": field smem_per_sm_bytes: expected a positive integer, got 'abc'");
    assertThat(e.file()).hasValue("test.profile");
    assertThat(e.line()).isEqualTo(lineOf("smem_per_sm_bytes"));
    assertThat(e.field()).hasValue("smem_per_sm_bytes");
  }

  @Test
  void zeroNegativeAndFractionalCountsAreRejected() {
    assertThat(error("sm_count = 4", "sm_count = 0")).hasMessageThat().contains("expected a positive integer, got '0'");
    assertThat(error("sm_count = 4", "sm_count = -4")).hasMessageThat().contains("got '-4'");
    assertThat(error("sm_count = 4", "sm_count = 4.5")).hasMessageThat().contains("got '4.5'");
    assertThat(error("memory_gib = 8", "memory_gib = 0")).hasMessageThat().contains("expected a positive number, got '0'");
    assertThat(error("memory_gib = 8", "memory_gib = NaN")).hasMessageThat().contains("got 'NaN'");
    assertThat(error("memory_gib = 8", "memory_gib = 1e400")).hasMessageThat().contains("got '1e400'");
  }

  @Test
  void missingFieldIsNamed() {
    ProfileException e = error("registers_per_sm = 65536", "");
    assertThat(e).hasMessageThat().isEqualTo("test.profile: field registers_per_sm: missing (required for kind gpu)");
    assertThat(e.line()).isEqualTo(0);
  }

  @Test
  void misspeltFieldIsAnErrorWithAHint() {
    ProfileException e = error("sm_count = 4", "sm_cout = 4");
    assertThat(e).hasMessageThat().isEqualTo("test.profile:" + lineOf("sm_count")
        + ": field sm_cout: unknown field for kind gpu; did you mean 'sm_count'?");
    assertThat(error("sm_count = 4", "sm_count = 4\nflux_capacitor = 1")).hasMessageThat()
        .endsWith("field flux_capacitor: unknown field for kind gpu");
    assertThat(error("peak_tflops.f16 = 12", "peak_tflop.f16 = 12")).hasMessageThat().contains("did you mean 'peak_tflops.f16'?");
  }

  @Test
  void unknownDtypeSuffixListsTheKnownOnes() {
    assertThat(error("peak_tflops.f16 = 12", "peak_tflops.fp16 = 12")).hasMessageThat()
        .contains("field peak_tflops.fp16: unknown suffix 'fp16'; expected one of f32, tf32, f16, bf16, f8, i8");
  }

  @Test
  void malformedLines() {
    assertThat(error("sm_count = 4", "sm_count 4")).hasMessageThat().contains(":" + lineOf("sm_count") + ": expected 'key = value', got 'sm_count 4'");
    assertThat(error("sm_count = 4", "sm_count =")).hasMessageThat().contains("field sm_count: has no value");
    assertThat(error("sm_count = 4", "SM Count = 4")).hasMessageThat().contains("bad key 'SM Count'");
    assertThat(error("clock_mhz = 1_000", "sm_count = 5")).hasMessageThat()
        .contains(":" + lineOf("clock_mhz") + ": field sm_count: given twice (first on line " + lineOf("sm_count") + ")");
  }

  @Test
  void kindMustBeKnownAndPresent() {
    assertThat(error("kind = gpu", "kind = tpu")).hasMessageThat().contains("field kind: expected one of gpu, mesh, cpu, got 'tpu'");
    assertThat(error("kind = gpu", "")).hasMessageThat().isEqualTo("test.profile: field kind: missing; one of gpu, mesh, cpu");
  }

  @Test
  void shapesNeedAllTheirDimensions() {
    assertThat(error("mma_shape.f16 = 16x8x16", "mma_shape.f16 = 16x8")).hasMessageThat()
        .contains("field mma_shape.f16: expected 3 positive integers written like 16x8x16, got '16x8'");
    assertThat(error("mma_shape.f16 = 16x8x16", "mma_shape.f16 = 16x0x16")).hasMessageThat().contains("got '16x0x16'");
  }

  @Test
  void crossFieldLimitsPointAtTheLaterField() {
    assertThat(error("smem_per_block_bytes = 49152", "smem_per_block_bytes = 70000")).hasMessageThat()
        .isEqualTo("test.profile:" + lineOf("smem_per_block_bytes") + ": field smem_per_block_bytes: 70000 exceeds smem_per_sm_bytes = 65536");
    assertThat(error("max_threads_per_block = 1024", "max_threads_per_block = 1000")).hasMessageThat().contains("multiple of warp_size (32)");
    assertThat(error("peak_tflops.f32 = 1.5", "")).hasMessageThat().contains("field peak_tflops.f32: missing");
  }

  @Test
  void readsAMesh() throws ProfileException {
    MeshProfile m = (MeshProfile) parse("""
        kind = mesh
        description = Test wafer
        grid = 4x3
        sram_per_core_bytes = 49152
        link_bits_per_cycle = 32
        hop_cycles = 1
        forward_cycles = 0
        router_core_cycles = 2.5
        colours = 24
        clock_mhz = 1100
        """);
    assertThat(m.cores()).isEqualTo(12);
    assertThat(m.routerCoreCycles()).isEqualTo(2.5);
    assertThat(m.forwardCycles()).isEqualTo(0);
  }

  @Test
  void aCpuProfilePrintsAndParsesBackEqual() throws ProfileException {
    CpuProfile c = new CpuProfile("box", "Some CPU (R) @ 3.0GHz", 8, 8, 32768, 1 << 20, 16 << 20, 96.5, 700.25, 40.1,
        "Some CPU; 8 cores; JDK 21; probe v1");
    assertThat(HardwareProfile.parse("box", "box.profile", c.text())).isEqualTo(c);
    CpuProfile handWritten = new CpuProfile("box", "Some CPU", 8, 8, 32768, 1 << 20, 16 << 20, 96.5, 700.25, 40.1, "");
    assertThat(handWritten.text()).doesNotContain("fingerprint");
    assertThat(HardwareProfile.parse("box", "box.profile", handWritten.text())).isEqualTo(handWritten);
  }
}
