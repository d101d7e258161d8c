package dev.tessera.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The record of what one source last produced: a hash of its text and of every option that shapes
 * the output, how many kernels it defines and their dimensions (so warnings about them survive a
 * skipped source), then the files written, one per line. A source whose hash matches and whose files
 * are all still there is not compiled again.
 */
final class Stamps {
  private final Path dir;

  Stamps(Path dir) {
    this.dir = dir;
  }

  /** What a stamp holds. */
  record Stamp(String hash, int kernels, List<String> dims, List<Path> outputs) {}

  static String hash(String sourceText, String options) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(options.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(sourceText.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  Path file(String relativeSource) {
    return dir.resolve(relativeSource + ".stamp");
  }

  Optional<Stamp> read(String relativeSource) {
    Path f = file(relativeSource);
    if (!Files.isRegularFile(f)) return Optional.empty();
    try {
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      if (lines.size() < 3 || !lines.get(1).startsWith("kernels ") || !lines.get(2).startsWith("dims")) return Optional.empty();
      int kernels = Integer.parseInt(lines.get(1).substring("kernels ".length()).trim());
      String dimText = lines.get(2).substring("dims".length()).trim();
      List<String> dims = dimText.isEmpty() ? List.of() : List.of(dimText.split(" "));
      List<Path> outputs = new ArrayList<>();
      for (String l : lines.subList(3, lines.size())) if (!l.isBlank()) outputs.add(Path.of(l));
      return Optional.of(new Stamp(lines.get(0), kernels, dims, outputs));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code relativeSource} last produced exactly this hash and its files still exist. */
  boolean upToDate(String relativeSource, String hash) {
    return read(relativeSource).filter(s -> s.hash().equals(hash) && s.outputs().stream().allMatch(Files::isRegularFile)).isPresent();
  }

  void write(String relativeSource, String hash, int kernels, List<String> dims, List<Path> outputs) throws IOException {
    Path f = file(relativeSource);
    Files.createDirectories(f.getParent());
    StringBuilder sb = new StringBuilder(hash).append('\n');
    sb.append("kernels ").append(kernels).append('\n');
    sb.append("dims ").append(String.join(" ", dims)).append('\n');
    for (Path p : outputs) sb.append(p).append('\n');
    Files.writeString(f, sb.toString(), StandardCharsets.UTF_8);
  }

  /** Every source with a stamp, as relative paths with '/' separators, sorted. */
  List<String> sources() throws IOException {
    if (!Files.isDirectory(dir)) return List.of();
    try (var s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".stamp")).map(p -> dir.relativize(p).toString().replace('\\', '/'))
          .map(r -> r.substring(0, r.length() - ".stamp".length())).sorted().toList();
    }
  }
}
