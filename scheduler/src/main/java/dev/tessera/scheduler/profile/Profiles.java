package dev.tessera.scheduler.profile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The hardware profiles Tessera knows, by name: the built-in files, the detected {@code host}
 * (measured on first use, see {@link Host}), and the {@code *.profile} files of an optional user
 * directory. A user file named like a built-in, or {@code host.profile}, replaces it, with a warning.
 */
public final class Profiles {
  /** The profiles shipped as resources beside this class. */
  public static final List<String> BUILT_IN = List.of("a100", "h100", "h200", "rtx4090", "wse2", "wse3");

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final String SUFFIX = ".profile";

  private final TreeMap<String, HardwareProfile> files;
  private final Optional<Host> host;
  private CpuProfile detected;

  private Profiles(TreeMap<String, HardwareProfile> files, Optional<Host> host) {
    this.files = files;
    this.host = host;
  }

  /**
   * Reads the built-ins and every {@code *.profile} file of {@code dir}; the first malformed file
   * is an error. Nothing is measured yet.
   */
  public static Profiles load(Optional<Path> dir, Host host, Consumer<String> warnings) throws ProfileException {
    TreeMap<String, HardwareProfile> files = new TreeMap<>();
    for (String name : BUILT_IN) files.put(name, builtIn(name));
    boolean detect = true;
    if (dir.isPresent()) {
      for (Path f : profileFiles(dir.get())) {
        String name = f.getFileName().toString();
        name = name.substring(0, name.length() - SUFFIX.length());
        if (!NAME.matcher(name).matches()) {
          throw new ProfileException(f.toString(), 0, null, "bad profile name '" + name + "': use lower-case letters, digits, '-' and '_'");
        }
        HardwareProfile p = HardwareProfile.parse(name, f.toString(), read(f));
        if (files.containsKey(name)) warnings.accept(f + " replaces the built-in profile " + name);
        if (name.equals(Host.NAME)) {
          warnings.accept(f + " replaces the detected host profile");
          detect = false;
        }
        files.put(name, p);
      }
    }
    return new Profiles(files, detect ? Optional.of(host) : Optional.empty());
  }

  /** Every name, in order; {@code host} is listed without being measured. */
  public List<String> names() {
    TreeSet<String> names = new TreeSet<>(files.keySet());
    names.add(Host.NAME);
    return List.copyOf(names);
  }

  /** The profile called {@code name}; the detected host is measured (once) when first asked for. */
  public synchronized HardwareProfile get(String name) throws ProfileException {
    if (host.isPresent() && name.equals(Host.NAME)) {
      if (detected == null) detected = host.get().profile();
      return detected;
    }
    HardwareProfile p = files.get(name);
    if (p == null) {
      String hint = dev.tessera.diag.Suggestions.didYouMean(name, names());
      throw new ProfileException(null, 0, null, "unknown profile '" + name + "'; known: " + String.join(", ", names())
          + (hint.isEmpty() ? "" : "; " + hint));
    }
    return p;
  }

  /** All profiles in name order (measuring the host if it has not been yet). */
  public List<HardwareProfile> all() throws ProfileException {
    List<HardwareProfile> all = new ArrayList<>();
    for (String name : names()) all.add(get(name));
    return all;
  }

  private static HardwareProfile builtIn(String name) throws ProfileException {
    String file = name + SUFFIX;
    try (InputStream in = Profiles.class.getResourceAsStream(file)) {
      if (in == null) throw new IllegalStateException("built-in profile " + file + " is missing from the class path");
      return HardwareProfile.parse(name, file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("built-in profile " + file + " is unreadable", e);
    }
  }

  private static List<Path> profileFiles(Path dir) throws ProfileException {
    if (!Files.isDirectory(dir)) throw new ProfileException(dir.toString(), 0, null, "no such directory");
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(f)).sorted().toList();
    } catch (IOException e) {
      throw new ProfileException(dir.toString(), 0, null, "cannot list the directory: " + e.getMessage());
    }
  }

  private static String read(Path f) throws ProfileException {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      String why = e instanceof CharacterCodingException ? "not UTF-8 text" : e.getMessage();
      throw new ProfileException(f.toString(), 0, null, "cannot read the file: " + why);
    }
  }
}
