package dev.tessera.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A description of the machine for the table's header. */
final class Machine {
  private Machine() {}

  /** The CPU model from /proc/cpuinfo where there is one, else the OS architecture. */
  static String cpuModel() {
    Path info = Path.of("/proc/cpuinfo");
    if (Files.isReadable(info)) {
      try (Stream<String> lines = Files.lines(info)) {
        var model = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
        if (model.isPresent()) return model.get();
      } catch (IOException | java.io.UncheckedIOException e) {
        // Fall through to the architecture.
      }
    }
    return System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }
}
