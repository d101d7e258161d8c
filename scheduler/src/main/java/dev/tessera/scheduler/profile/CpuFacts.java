package dev.tessera.scheduler.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** What the running machine says about its CPU without measuring: model name, vector width, caches. */
final class CpuFacts {
  /** Where Linux describes cpu0's caches, one {@code index*} directory per cache. */
  static final Path SYSFS_CACHES = Path.of("/sys/devices/system/cpu/cpu0/cache");

  /** Cache sizes used where {@link #SYSFS_CACHES} says nothing: a typical x86 server core. */
  static final Caches DEFAULT_CACHES = new Caches(32 << 10, 1 << 20, 32 << 20, false);

  /** Per-core L1d and L2 and the shared L3, in bytes; {@code detected} when read from sysfs. */
  record Caches(long l1dBytes, long l2Bytes, long l3Bytes, boolean detected) {}

  private CpuFacts() {}

  /** The CPU's model name from /proc/cpuinfo, or the architecture's name where there is none. */
  static String modelName() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        int colon = line.indexOf(':');
        if (line.startsWith("model name") && colon > 0 && !line.substring(colon + 1).isBlank()) {
          return line.substring(colon + 1).strip().replaceAll("\\s+", " ");
        }
      }
    } catch (IOException | SecurityException e) {
      // Not Linux, or not readable: fall through to the architecture's name.
    }
    return System.getProperty("os.arch") + " CPU";
  }

  /**
   * f32 lanes of the preferred vector species when {@code jdk.incubator.vector} is in the boot
   * layer (read by reflection: this module compiles and runs without it), else 4 (SSE or NEON).
   */
  static int vectorLanesF32() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return 4;
    try {
      Object species = Class.forName("jdk.incubator.vector.FloatVector").getField("SPECIES_PREFERRED").get(null);
      return (Integer) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("length").invoke(species);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return 4;
    }
  }

  /** Cache sizes from {@code dir} (laid out like {@link #SYSFS_CACHES}), each missing one from the defaults. */
  static Caches caches(Path dir) {
    long l1d = 0;
    long l2 = 0;
    long l3 = 0;
    for (int i = 0; i < 16; i++) {
      Path index = dir.resolve("index" + i);
      Optional<String> level = read(index.resolve("level"));
      Optional<String> type = read(index.resolve("type"));
      Optional<Long> size = read(index.resolve("size")).flatMap(CpuFacts::bytes);
      if (level.isEmpty() || type.isEmpty() || size.isEmpty()) continue;
      switch (level.get() + "/" + type.get()) {
        case "1/Data" -> l1d = size.get();
        case "2/Unified" -> l2 = size.get();
        case "3/Unified" -> l3 = size.get();
        default -> { }
      }
    }
    Caches d = DEFAULT_CACHES;
    return new Caches(l1d > 0 ? l1d : d.l1dBytes(), l2 > 0 ? l2 : d.l2Bytes(), l3 > 0 ? l3 : d.l3Bytes(),
        l1d > 0 && l2 > 0 && l3 > 0);
  }

  /** Sysfs sizes: {@code 48K}, {@code 2048K}, {@code 32M}. */
  static Optional<Long> bytes(String size) {
    String s = size.strip().toUpperCase(Locale.ROOT);
    long unit = s.endsWith("K") ? 1 << 10 : s.endsWith("M") ? 1 << 20 : s.endsWith("G") ? 1 << 30 : 1;
    String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
    if (!digits.matches("[0-9]{1,9}") || Long.parseLong(digits) == 0) return Optional.empty();
    return Optional.of(Long.parseLong(digits) * unit);
  }

  private static Optional<String> read(Path p) {
    try {
      return Files.isReadable(p) ? Optional.of(Files.readString(p).strip()) : Optional.empty();
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }
}
