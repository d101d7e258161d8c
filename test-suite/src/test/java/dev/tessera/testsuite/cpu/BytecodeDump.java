package dev.tessera.testsuite.cpu;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Prints a SHA-256 of the CPU backend's generated class for every zoo file; a main for a second JVM. */
public final class BytecodeDump {
  private BytecodeDump() {}

  static String dump() throws Exception {
    StringBuilder sb = new StringBuilder();
    List<Path> files;
    // Depth 2: the zoo only (examples/maven-consumer is a project, not zoo).
    try (Stream<Path> s = Files.walk(Path.of("..", "examples"), 2)) {
      files = s.filter(p -> p.toString().endsWith(".attn") && !p.toString().contains("target")).sorted().toList();
    }
    for (Path f : files) {
      Module m = Pipeline.run(Frontend.compile(new Sources(), f).module());
      byte[] bytes = CpuBackend.generate(m, m.kernels().get(0), CpuBackend.defaultSchedule().with("threads", 2));
      sb.append(f.getFileName()).append(' ').append(bytes.length).append(' ')
          .append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).append('\n');
    }
    return sb.toString();
  }

  public static void main(String[] args) throws Exception {
    System.out.print(dump());
  }
}
