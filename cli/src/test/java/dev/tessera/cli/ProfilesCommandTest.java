package dev.tessera.cli;

import static com.google.common.truth.Truth.assertThat;

import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.HostProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera profiles}: the table, the one-time host measurement, --profile-dir and its errors. */
class ProfilesCommandTest {
  private static final String TINY = """
      kind = mesh
      description = Tiny test wafer
      grid = 8x8
      sram_per_core_bytes = 49152
      link_bits_per_cycle = 32
      hop_cycles = 1
      forward_cycles = 20
      router_core_cycles = 2
      colours = 24
      clock_mhz = 1100
      """;

  @TempDir
  Path tmp;

  private Path cache;

  /** Each test gets its own host cache, seeded by the quick probe so that listing does not measure. */
  @BeforeEach
  void cacheInTmp() {
    cache = tmp.resolve("cache");
    System.setProperty("tessera.cacheDir", cache.toString());
    new Host(cache, HostProbe.quick(), note -> { }).profile();
  }

  @AfterEach
  void restore() {
    System.clearProperty("tessera.cacheDir");
  }

  @Test
  void listsEveryProfileWithItsKeyFigures() {
    CliRun r = CliRun.of("profiles").assertOk();
    assertThat(r.err()).isEmpty();
    String[] lines = r.out().split("\\R");
    assertThat(lines[0]).matches("NAME +KIND +COMPUTE +MEMORY +PEAK +DESCRIPTION");
    assertThat(lines).hasLength(8);
    assertThat(r.out()).containsMatch("h100 +gpu +132 SMs, 1980 MHz +80 GiB at 3350 GB/s; L2 50 MiB +989.4 TFLOP/s f16 +NVIDIA H100 SXM5 80 GB");
    assertThat(r.out()).containsMatch("wse2 +mesh +750x994 cores, 1100 MHz +48 KiB SRAM per core \\(34.1 GiB\\) +- +Cerebras WSE-2");
    assertThat(r.out()).containsMatch("host +cpu +" + Runtime.getRuntime().availableProcessors() + " cores, \\d+ f32 lanes +[0-9.]+ GB/s; L2 ");
    for (String name : new String[] {"a100", "h200", "rtx4090", "wse3"}) assertThat(r.out()).contains(name + " ");
  }

  @Test
  void theFirstRunMeasuresTheHostOnce() throws IOException {
    Files.delete(cache.resolve("host.profile"));
    CliRun first = CliRun.of("profiles").assertOk();
    assertThat(first.err()).isEqualTo("tessera: measuring host (once)…" + System.lineSeparator());
    assertThat(Files.readString(cache.resolve("host.profile"))).contains("fingerprint = " + Host.fingerprint());
    CliRun second = CliRun.of("profiles").assertOk();
    assertThat(second.err()).isEmpty();
    assertThat(second.out()).isEqualTo(first.out());
  }

  @Test
  void profileDirAddsAndOverrides() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("profiles"));
    Files.writeString(dir.resolve("tiny.profile"), TINY);
    Files.writeString(dir.resolve("wse3.profile"), TINY.replace("Tiny test wafer", "My WSE-3"));
    CliRun r = CliRun.of("profiles", "--profile-dir", dir).assertOk();
    assertThat(r.out()).containsMatch("tiny +mesh +8x8 cores");
    assertThat(r.out()).containsMatch("wse3 +mesh +8x8 cores.*My WSE-3");
    assertThat(r.err()).isEqualTo("tessera: warning: " + dir.resolve("wse3.profile") + " replaces the built-in profile wse3" + System.lineSeparator());
  }

  @Test
  void aMalformedProfileIsAnInputErrorNamingFileLineAndField() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("profiles"));
    Files.writeString(dir.resolve("tiny.profile"), TINY.replace("colours = 24", "colors = 24"));
    CliRun r = CliRun.of("profiles", "--profile-dir", dir);
    assertThat(r.code()).isEqualTo(Main.INPUT_ERROR);
    r.assertNoStackTrace();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("tessera: " + dir.resolve("tiny.profile")
        + ":9: field colors: unknown field for kind mesh; did you mean 'colours'?" + System.lineSeparator());
  }

  @Test
  void aMissingProfileDirIsAnInputError() {
    Path absent = tmp.resolve("absent");
    CliRun r = CliRun.of("profiles", "--profile-dir", absent);
    assertThat(r.code()).isEqualTo(Main.INPUT_ERROR);
    assertThat(r.err()).contains(absent + ": no such directory");
  }
}
