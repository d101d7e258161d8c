package dev.tessera.scheduler.tune;

import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.profile.Host;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Tuning results in a text file, one per line: kernel hash, profile, shape bucket ({@code -} when
 * the kernel has no dimensions), seconds and schedule, separated by tabs; {@code #} starts a
 * comment. A malformed line is ignored with a warning (and dropped at the next write). Writes go
 * to a temporary file moved over the old one, so a reader never sees half a file; each write
 * first re-reads the file, so results another process cached meanwhile are kept.
 */
public final class TuneCache {
  /** The file's name inside the cache directory. */
  public static final String FILE = "tune.cache";

  private static final String HEADER = "# Tessera autotuner results: kernel-hash profile shape-bucket seconds schedule (tab-separated).\n"
      + "# Delete this file to tune again.\n";

  /** One cached result. */
  public record Entry(TuneKey key, Schedule schedule, double seconds) {
    public Entry {
      if (!(seconds >= 0) || Double.isInfinite(seconds)) throw new IllegalArgumentException("seconds " + seconds);
    }
  }

  private final Path file;
  private final Consumer<String> warnings;

  /** @param warnings receives one-line warnings (a malformed line, a cache that could not be written) */
  public TuneCache(Path file, Consumer<String> warnings) {
    this.file = file;
    this.warnings = warnings;
  }

  /** {@value #FILE} in the directory the host profile is cached in ({@link Host#defaultCacheDir}). */
  public static TuneCache standard(Consumer<String> warnings) {
    return new TuneCache(Host.defaultCacheDir().resolve(FILE), warnings);
  }

  public Path file() {
    return file;
  }

  /** The result cached for {@code key}, if any. */
  public Optional<Entry> get(TuneKey key) {
    return Optional.ofNullable(read(true).get(id(key)));
  }

  /** Every cached result, in key order. */
  public List<Entry> entries() {
    return List.copyOf(read(true).values());
  }

  /** Adds or replaces the result for {@code entry.key()}; a failed write is a warning, not an error. */
  public synchronized void put(Entry entry) {
    TreeMap<String, Entry> all = read(false);
    all.put(id(entry.key()), entry);
    StringBuilder text = new StringBuilder(HEADER);
    for (Entry e : all.values()) text.append(line(e)).append('\n');
    Path tmp = null;
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, FILE, ".tmp");
      Files.writeString(tmp, text);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      deleteQuietly(tmp);
      warnings.accept("could not write the tuning cache " + file + " (" + e.getMessage() + "); the result is not remembered");
    }
  }

  private static String id(TuneKey k) {
    return k.kernelHash() + '\t' + k.profile() + '\t' + k.bucket();
  }

  private static String line(Entry e) {
    TuneKey k = e.key();
    return k.kernelHash() + '\t' + k.profile() + '\t' + (k.bucket().isEmpty() ? "-" : k.bucket()) + '\t'
        + String.format(Locale.ROOT, "%.9g", e.seconds()) + '\t' + e.schedule();
  }

  /** The file's entries; a missing file is empty. Malformed lines are reported when {@code warn}. */
  private TreeMap<String, Entry> read(boolean warn) {
    TreeMap<String, Entry> all = new TreeMap<>();
    if (!Files.exists(file)) return all;
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      if (warn) warnings.accept("ignoring the unreadable tuning cache " + file + " (" + e.getMessage() + ")");
      return all;
    }
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.isBlank() || l.startsWith("#")) continue;
      try {
        Entry e = parse(l);
        all.put(id(e.key()), e);
      } catch (IllegalArgumentException ex) {
        if (warn) warnings.accept(file + ":" + (i + 1) + ": ignoring a malformed tuning-cache line (" + ex.getMessage() + ")");
      }
    }
    return all;
  }

  private static Entry parse(String l) {
    String[] f = l.split("\t", -1);
    if (f.length != 5) throw new IllegalArgumentException("expected 5 tab-separated fields, found " + f.length);
    double seconds;
    try {
      seconds = Double.parseDouble(f[3]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad seconds '" + f[3] + "'");
    }
    return new Entry(new TuneKey(f[0], f[1], f[2].equals("-") ? "" : f[2]), Schedule.parse(f[4]), seconds);
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
