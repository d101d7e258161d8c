package dev.tessera.scheduler.profile;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host detection: measured once, cached under a fingerprint, re-measured when that changes. */
class HostTest {
  @TempDir
  Path tmp;

  private final AtomicInteger measured = new AtomicInteger();
  private final List<String> notes = new ArrayList<>();

  private Host host(Path cacheDir) {
    return new Host(cacheDir, threads -> {
      measured.incrementAndGet();
      return HostProbe.quick().measure(threads);
    }, notes::add);
  }

  @Test
  void measuresOnceThenReadsTheCache() throws IOException {
    CpuProfile first = host(tmp).profile();
    assertThat(measured.get()).isEqualTo(1);
    assertThat(notes).containsExactly("measuring host (once)…");
    assertThat(first.name()).isEqualTo("host");
    assertThat(first.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(first.fingerprint()).isEqualTo(Host.fingerprint());
    assertThat(Files.readString(tmp.resolve("host.profile"))).contains("fingerprint = " + Host.fingerprint());

    CpuProfile second = host(tmp).profile();
    assertThat(second).isEqualTo(first);
    assertThat(measured.get()).isEqualTo(1);
    assertThat(notes).hasSize(1);
  }

  @Test
  void anotherFingerprintIsMeasuredAgain() throws IOException {
    host(tmp).profile();
    Path file = tmp.resolve("host.profile");
    Files.writeString(file, Files.readString(file).replace("fingerprint = ", "fingerprint = another machine; "));
    CpuProfile again = host(tmp).profile();
    assertThat(measured.get()).isEqualTo(2);
    assertThat(notes.get(1)).isEqualTo("measuring host (once)… (the cached figures are for another machine or JDK)");
    assertThat(again.fingerprint()).isEqualTo(Host.fingerprint());
    assertThat(Files.readString(file)).doesNotContain("another machine");
  }

  @Test
  void unreadableCacheIsMeasuredAgain() throws IOException {
    Files.writeString(tmp.resolve("host.profile"), "kind = cpu\ncores = many\n");
    host(tmp).profile();
    assertThat(measured.get()).isEqualTo(1);
    assertThat(notes.get(0)).contains("the cache is unreadable: " + tmp.resolve("host.profile") + ":2: field cores");
    host(tmp).profile();
    assertThat(measured.get()).isEqualTo(1);
  }

  @Test
  void anUnwritableCacheIsANoteNotAFailure() throws IOException {
    Path notADirectory = Files.writeString(tmp.resolve("file"), "");
    CpuProfile p = host(notADirectory).profile();
    assertThat(p.memoryGbPerS()).isGreaterThan(0);
    assertThat(notes.get(1)).startsWith("could not cache the host profile in " + notADirectory.resolve("host.profile"));
  }

  @Test
  void quickProbeGivesPositiveFigures() {
    HostProbe.Measured m = HostProbe.quick().measure(2);
    assertThat(m.fmaGflopsOneThread()).isGreaterThan(0);
    assertThat(m.fmaGflopsAllThreads()).isGreaterThan(0);
    assertThat(m.memoryGbPerS()).isGreaterThan(0);
  }

  @Test
  void cacheSizesFromSysfsLayout() throws IOException {
    Path sys = tmp.resolve("cache");
    cache(sys, 0, "1", "Data", "48K");
    cache(sys, 1, "1", "Instruction", "32K");
    cache(sys, 2, "2", "Unified", "2048K");
    cache(sys, 3, "3", "Unified", "105M");
    assertThat(CpuFacts.caches(sys)).isEqualTo(new CpuFacts.Caches(48 << 10, 2 << 20, 105 << 20, true));
  }

  @Test
  void missingCachesFallBackToDefaults() throws IOException {
    Path sys = tmp.resolve("cache");
    cache(sys, 0, "1", "Data", "64K");
    CpuFacts.Caches d = CpuFacts.DEFAULT_CACHES;
    assertThat(CpuFacts.caches(sys)).isEqualTo(new CpuFacts.Caches(64 << 10, d.l2Bytes(), d.l3Bytes(), false));
    assertThat(CpuFacts.caches(tmp.resolve("absent"))).isEqualTo(d);
  }

  @Test
  void sysfsSizes() {
    assertThat(CpuFacts.bytes("48K")).hasValue(48L << 10);
    assertThat(CpuFacts.bytes("32M\n")).hasValue(32L << 20);
    assertThat(CpuFacts.bytes("512")).hasValue(512L);
    assertThat(CpuFacts.bytes("K")).isEmpty();
    assertThat(CpuFacts.bytes("0K")).isEmpty();
  }

  @Test
  void vectorWidthWithoutTheIncubatorModuleIsFour() {
    // This module's tests run without --add-modules jdk.incubator.vector; the CLI runs with it.
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      assertThat(CpuFacts.vectorLanesF32()).isEqualTo(4);
    } else {
      assertThat(CpuFacts.vectorLanesF32()).isAtLeast(2);
    }
  }

  private static void cache(Path sys, int index, String level, String type, String size) throws IOException {
    Path d = Files.createDirectories(sys.resolve("index" + index));
    Files.writeString(d.resolve("level"), level + "\n");
    Files.writeString(d.resolve("type"), type + "\n");
    Files.writeString(d.resolve("size"), size + "\n");
  }
}
