package dev.tessera.scheduler.profile;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The checked-in profiles load, and carry the spec-sheet figures they cite. */
class BuiltInProfilesTest {
  static java.util.List<String> names() {
    return Profiles.BUILT_IN;
  }

  private static Profiles profiles() throws ProfileException {
    return Profiles.load(Optional.empty(), new Host(Path.of("unused"), t -> {
      throw new AssertionError("no test here asks for the host");
    }, n -> { }), w -> { });
  }

  @ParameterizedTest
  @MethodSource("names")
  void loads(String name) throws ProfileException {
    HardwareProfile p = profiles().get(name);
    assertThat(p.name()).isEqualTo(name);
    assertThat(p.description()).isNotEmpty();
  }

  @Test
  void everyResourceFileIsABuiltIn() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("src/main/resources/dev/tessera/scheduler/profile"))) {
      assertThat(s.map(f -> f.getFileName().toString().replace(".profile", "")).sorted().toList())
          .containsExactlyElementsIn(Profiles.BUILT_IN).inOrder();
    }
  }

  @Test
  void h100() throws ProfileException {
    GpuProfile h = (GpuProfile) profiles().get("h100");
    assertThat(h.smCount()).isEqualTo(132);
    assertThat(h.smemPerSmBytes()).isEqualTo(228 * 1024);
    assertThat(h.smemPerBlockBytes()).isEqualTo(227 * 1024);
    assertThat(h.registersPerSm()).isEqualTo(65536);
    assertThat(h.mmaShapes().get("f16")).isEqualTo(new MmaShape(16, 8, 16));
    assertThat(h.peakTflops()).containsEntry("f16", 989.4);
    assertThat(h.memoryGbPerS()).isEqualTo(3350);
    assertThat(h.l2Bytes()).isEqualTo(50L << 20);
  }

  @Test
  void h200IsAnH100WithMoreAndFasterMemory() throws ProfileException {
    GpuProfile h100 = (GpuProfile) profiles().get("h100");
    GpuProfile h200 = (GpuProfile) profiles().get("h200");
    assertThat(h200.memoryGib()).isEqualTo(141);
    assertThat(h200.memoryGbPerS()).isEqualTo(4800);
    assertThat(h200.peakTflops()).isEqualTo(h100.peakTflops());
    assertThat(h200.smemPerBlockBytes()).isEqualTo(h100.smemPerBlockBytes());
  }

  @Test
  void a100AndRtx4090() throws ProfileException {
    GpuProfile a100 = (GpuProfile) profiles().get("a100");
    assertThat(a100.smCount()).isEqualTo(108);
    assertThat(a100.peakTflops()).doesNotContainKey("f8");
    assertThat(a100.smemPerBlockBytes()).isEqualTo(163 * 1024);
    GpuProfile ada = (GpuProfile) profiles().get("rtx4090");
    assertThat(ada.maxThreadsPerSm()).isEqualTo(1536);
    assertThat(ada.smemPerBlockBytes()).isEqualTo(99 * 1024);
  }

  @Test
  void wafers() throws ProfileException {
    MeshProfile wse2 = (MeshProfile) profiles().get("wse2");
    assertThat(wse2.gridWidth()).isEqualTo(750);
    assertThat(wse2.gridHeight()).isEqualTo(994);
    assertThat(wse2.sramPerCoreBytes()).isEqualTo(48 * 1024);
    assertThat(wse2.linkBitsPerCycle()).isEqualTo(32);
    assertThat(wse2.colours()).isEqualTo(24);
    assertThat(wse2.routerCoreCycles()).isEqualTo(2);
    MeshProfile wse3 = (MeshProfile) profiles().get("wse3");
    assertThat(wse3.cores()).isGreaterThan(wse2.cores());
    assertThat(wse3.sramPerCoreBytes()).isEqualTo(wse2.sramPerCoreBytes());
  }
}
