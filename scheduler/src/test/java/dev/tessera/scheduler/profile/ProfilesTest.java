package dev.tessera.scheduler.profile;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry: built-ins, the detected host, a user directory that adds and overrides. */
class ProfilesTest {
  @TempDir
  Path tmp;

  private final AtomicInteger measured = new AtomicInteger();
  private final List<String> warnings = new ArrayList<>();
  private Host host;
  private Path dir;

  @BeforeEach
  void setUp() throws IOException {
    host = new Host(tmp.resolve("cache"), threads -> {
      measured.incrementAndGet();
      return HostProbe.quick().measure(threads);
    }, n -> { });
    dir = Files.createDirectory(tmp.resolve("profiles"));
  }

  private Profiles load(Optional<Path> d) throws ProfileException {
    return Profiles.load(d, host, warnings::add);
  }

  private static String mesh(String description) {
    return """
        kind = mesh
        description = %s
        grid = 8x8
        sram_per_core_bytes = 49152
        link_bits_per_cycle = 32
        hop_cycles = 1
        forward_cycles = 20
        router_core_cycles = 2
        colours = 24
        clock_mhz = 1100
        """.formatted(description);
  }

  @Test
  void namesListBuiltInsAndHostWithoutMeasuring() throws ProfileException {
    assertThat(load(Optional.empty()).names()).containsExactly("a100", "h100", "h200", "host", "rtx4090", "wse2", "wse3").inOrder();
    assertThat(measured.get()).isEqualTo(0);
  }

  @Test
  void hostIsMeasuredOnceWhenFirstAskedFor() throws ProfileException {
    Profiles p = load(Optional.empty());
    HardwareProfile first = p.get("host");
    assertThat(first).isInstanceOf(CpuProfile.class);
    assertThat(p.get("host")).isSameInstanceAs(first);
    assertThat(p.all()).contains(first);
    assertThat(measured.get()).isEqualTo(1);
  }

  @Test
  void unknownNameListsTheKnownOnesWithAHint() throws ProfileException {
    ProfileException e = assertThrows(ProfileException.class, () -> load(Optional.empty()).get("h10"));
    assertThat(e).hasMessageThat().isEqualTo("unknown profile 'h10'; known: a100, h100, h200, host, rtx4090, wse2, wse3; did you mean 'h100'?");
    assertThat(e.file()).isEmpty();
  }

  @Test
  void userDirectoryAddsProfilesAndIgnoresOtherFiles() throws Exception {
    Files.writeString(dir.resolve("tiny.profile"), mesh("Tiny wafer"));
    Files.writeString(dir.resolve("README.md"), "not a profile");
    Profiles p = load(Optional.of(dir));
    assertThat(p.names()).contains("tiny");
    assertThat(((MeshProfile) p.get("tiny")).cores()).isEqualTo(64);
    assertThat(warnings).isEmpty();
  }

  @Test
  void userFileOverridesABuiltInWithAWarning() throws Exception {
    Files.writeString(dir.resolve("wse2.profile"), mesh("My WSE-2"));
    Profiles p = load(Optional.of(dir));
    assertThat(p.get("wse2").description()).isEqualTo("My WSE-2");
    assertThat(warnings).containsExactly(dir.resolve("wse2.profile") + " replaces the built-in profile wse2");
  }

  @Test
  void userHostFileReplacesDetection() throws Exception {
    CpuProfile mine = new CpuProfile("host", "Hand-written host", 4, 8, 32768, 1 << 20, 8 << 20, 50, 200, 20, "");
    Files.writeString(dir.resolve("host.profile"), mine.text());
    assertThat(load(Optional.of(dir)).get("host")).isEqualTo(mine);
    assertThat(measured.get()).isEqualTo(0);
    assertThat(warnings).containsExactly(dir.resolve("host.profile") + " replaces the detected host profile");
  }

  @Test
  void malformedUserFileNamesItsPath() throws Exception {
    Files.writeString(dir.resolve("bad.profile"), mesh("Bad").replace("colours = 24", "colours = lots"));
    ProfileException e = assertThrows(ProfileException.class, () -> load(Optional.of(dir)));
    assertThat(e).hasMessageThat().isEqualTo(dir.resolve("bad.profile") + ":9: field colours: expected a positive integer, got 'lots'");
  }

  @Test
  void badFileNameAndMissingDirectory() throws Exception {
    Files.writeString(dir.resolve("My GPU.profile"), mesh("x"));
    assertThat(assertThrows(ProfileException.class, () -> load(Optional.of(dir)))).hasMessageThat().contains("bad profile name 'My GPU'");
    Path absent = tmp.resolve("absent");
    assertThat(assertThrows(ProfileException.class, () -> load(Optional.of(absent)))).hasMessageThat().isEqualTo(absent + ": no such directory");
  }
}
