package dev.tessera.testsuite;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.tessera.diag.CompileException;
import dev.tessera.ir.IrParser;
import dev.tessera.ir.IrPrinter;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden IR of every zoo file (front end and final), its round trip through the IR parser, and
 * determinism across JVMs. Regenerate the golden files with {@code -Dtessera.regenerateGolden=true}.
 */
class GoldenIrTest {
  private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");

  static java.util.List<String> examples() {
    return IrDump.examples();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void matchesGolden(String example) throws IOException {
    Path file = GOLDEN.resolve(example.replace(".attn", ".ir"));
    String actual = IrDump.dump(example);
    if (Boolean.getBoolean("tessera.regenerateGolden")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertWithMessage("golden file " + file + " (regenerate with -Dtessera.regenerateGolden=true)")
        .that(Files.exists(file)).isTrue();
    assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void printedIrParsesBackEqual(String example) throws CompileException {
    Module front = ZooRun.compile(example);
    for (Module m : new Module[] {front, Pipeline.run(front)}) {
      String text = IrPrinter.print(m);
      assertThat(IrParser.parse(text, example + ".ir")).isEqualTo(m);
    }
  }

  @Test
  void irIsIdenticalInASecondJvm() throws Exception {
    StringBuilder here = new StringBuilder();
    for (String e : examples()) here.append(IrDump.dump(e));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), IrDump.class.getName())
        .redirectErrorStream(true).start();
    String there = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(there).isEqualTo(here.toString());
  }
}
