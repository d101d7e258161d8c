package dev.tessera.scheduler.profile;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The machine Tessera runs on, as the {@code host} cpu profile: detected, measured once, and cached
 * in {@code host.profile} under a cache directory. The cached file is keyed by a
 * {@linkplain #fingerprint fingerprint}; a file with another fingerprint (a different CPU, core
 * count or JDK), or one that no longer parses, is measured again and replaced.
 */
public final class Host {
  /** The profile name of the detected machine. */
  public static final String NAME = "host";

  /** Bumped when {@link HostProbe#standard} changes what it measures, so old caches are re-measured. */
  private static final int PROBE_VERSION = 1;

  private final Path cacheDir;
  private final HostProbe probe;
  private final Consumer<String> notes;

  /**
   * @param notes receives one-line notes for the user (a measurement starting, a cache not written)
   */
  public Host(Path cacheDir, HostProbe probe, Consumer<String> notes) {
    this.cacheDir = cacheDir;
    this.probe = probe;
    this.notes = notes;
  }

  /** The standard probe with the cache in {@link #defaultCacheDir}. */
  public static Host standard(Consumer<String> notes) {
    return new Host(defaultCacheDir(), HostProbe.standard(), notes);
  }

  /**
   * The system property {@code tessera.cacheDir} (for tests and embedders), else
   * {@code $TESSERA_CACHE_DIR}, else {@code $XDG_CACHE_HOME/tessera}, else {@code ~/.cache/tessera}.
   */
  public static Path defaultCacheDir() {
    String dir = System.getProperty("tessera.cacheDir");
    if (dir == null || dir.isBlank()) dir = System.getenv("TESSERA_CACHE_DIR");
    if (dir != null && !dir.isBlank()) return Path.of(dir);
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "tessera");
    return Path.of(System.getProperty("user.home"), ".cache", "tessera");
  }

  /** The CPU model, core count, JDK version and probe version the measured figures hold for. */
  public static String fingerprint() {
    return CpuFacts.modelName() + "; " + Runtime.getRuntime().availableProcessors() + " cores; JDK "
        + Runtime.version() + "; probe v" + PROBE_VERSION;
  }

  public Path cacheFile() {
    return cacheDir.resolve(NAME + ".profile");
  }

  /** The cached profile when its fingerprint matches this machine, else a fresh measurement (then cached). */
  public CpuProfile profile() {
    String fingerprint = fingerprint();
    Optional<String> stale = Optional.empty();
    if (Files.exists(cacheFile())) {
      try {
        HardwareProfile cached = HardwareProfile.parse(NAME, cacheFile().toString(), Files.readString(cacheFile()));
        if (cached instanceof CpuProfile c && c.fingerprint().equals(fingerprint)) return c;
        stale = Optional.of("the cached figures are for another machine or JDK");
      } catch (IOException | ProfileException e) {
        stale = Optional.of("the cache is unreadable: " + e.getMessage());
      }
    }
    notes.accept("measuring host (once)…" + stale.map(s -> " (" + s + ")").orElse(""));
    CpuFacts.Caches caches = CpuFacts.caches(CpuFacts.SYSFS_CACHES);
    CpuProfile p = measure(fingerprint, caches);
    write(p, caches);
    return p;
  }

  private CpuProfile measure(String fingerprint, CpuFacts.Caches caches) {
    int cores = Runtime.getRuntime().availableProcessors();
    HostProbe.Measured m = probe.measure(cores);
    return new CpuProfile(NAME, CpuFacts.modelName(), cores, CpuFacts.vectorLanesF32(), caches.l1dBytes(),
        caches.l2Bytes(), caches.l3Bytes(), tenths(m.fmaGflopsOneThread()), tenths(m.fmaGflopsAllThreads()),
        tenths(m.memoryGbPerS()), fingerprint);
  }

  /** Rounds to 0.1, never to zero: the profile's figures must stay positive. */
  private static double tenths(double v) {
    return Math.max(0.1, Math.round(v * 10) / 10.0);
  }

  private void write(CpuProfile p, CpuFacts.Caches caches) {
    CpuFacts.Caches d = CpuFacts.DEFAULT_CACHES;
    String source = caches.detected() ? "# Caches from " + CpuFacts.SYSFS_CACHES + ".\n"
        : "# Caches: where sysfs gave none, defaults (l1d " + d.l1dBytes() + ", l2 " + d.l2Bytes() + ", l3 " + d.l3Bytes() + " bytes).\n";
    String text = "# The host as Tessera detected and measured it; delete this file to measure again.\n" + source + p.text();
    Path tmp = null;
    try {
      Files.createDirectories(cacheDir);
      tmp = Files.createTempFile(cacheDir, NAME, ".tmp");
      Files.writeString(tmp, text);
      try {
        Files.move(tmp, cacheFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, cacheFile(), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      deleteQuietly(tmp);
      notes.accept("could not cache the host profile in " + cacheFile() + " (" + e.getMessage() + "); it will be measured again next time");
    }
  }

  private static void deleteQuietly(Path p) {
    if (p == null) return;
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // A stray temporary file in the cache directory is harmless.
    }
  }
}
