package dev.tessera.testsuite;

import dev.tessera.ir.IrPrinter;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Prints the IR of every zoo file after the front end and after the pipeline; also a main for a second JVM. */
final class IrDump {
  private IrDump() {}

  static List<String> examples() {
    // Depth 2: the zoo is examples/{attention,einsum}/*.attn; examples/maven-consumer is a project, not zoo.
    try (Stream<Path> s = Files.walk(ZooRun.example(""), 2)) {
      return s.filter(p -> p.toString().endsWith(".attn"))
          .filter(p -> !p.toString().contains("target"))
          .map(p -> ZooRun.example("").relativize(p).toString().replace('\\', '/'))
          .sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The golden text of one example: its IR after the front end, then after all passes. */
  static String dump(String example) {
    Module m = ZooRun.compile(example);
    return "# " + example + " after frontend\n" + IrPrinter.print(m)
        + "# " + example + " after all passes\n" + IrPrinter.print(Pipeline.run(m));
  }

  public static void main(String[] args) {
    StringBuilder sb = new StringBuilder();
    for (String e : examples()) sb.append(dump(e));
    System.out.print(sb);
  }
}
