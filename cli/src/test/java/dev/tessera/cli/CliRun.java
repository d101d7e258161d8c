package dev.tessera.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** One in-process run of the CLI through {@link Main#run}: exit code and both streams. */
record CliRun(List<String> args, int code, String out, String err) {
  /** The example zoo, relative to a module directory (Maven runs tests there). */
  static final Path EXAMPLES = Path.of("..", "examples");

  static Path example(String dir, String file) {
    return EXAMPLES.resolve(dir).resolve(file);
  }

  static CliRun of(Object... args) {
    String[] a = Stream.of(args).map(String::valueOf).toArray(String[]::new);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try {
      code = Main.run(a, new PrintWriter(out, true), new PrintWriter(err, true));
    } catch (OutOfMemoryError e) {
      // JUnit treats this error as fatal to the whole test JVM; report it as this test's failure.
      throw new AssertionError("OutOfMemoryError escaped Main.run for: tessera " + String.join(" ", a));
    }
    return new CliRun(List.of(a), code, out.toString(), err.toString());
  }

  private String describe() {
    return "tessera " + String.join(" ", args) + "\n--- exit " + code + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
  }

  CliRun assertOk() {
    assertWithMessage(describe()).that(code).isEqualTo(0);
    assertNoStackTrace();
    return this;
  }

  /** Exit 1, a diagnostic with {@code code} on stderr, and no trace of Java internals. */
  CliRun assertInputError(String diagnosticCode) {
    assertWithMessage(describe()).that(code).isEqualTo(Main.INPUT_ERROR);
    assertWithMessage(describe()).that(err).contains("error[" + diagnosticCode + "]");
    assertNoStackTrace();
    return this;
  }

  CliRun assertUsageError() {
    assertWithMessage(describe()).that(code).isEqualTo(Main.USAGE_ERROR);
    assertNoStackTrace();
    return this;
  }

  CliRun assertNoStackTrace() {
    for (String s : new String[] {out, err}) {
      assertWithMessage(describe()).that(s).doesNotContain("Exception");
      assertWithMessage(describe()).that(s).doesNotContain("\tat ");
      assertWithMessage(describe()).that(s).doesNotContain("internal error");
      assertWithMessage(describe()).that(s).doesNotContain("dev.tessera.");
    }
    return this;
  }

  /** The output directory of a failed run holds no file (it need not exist). */
  static void assertNoFiles(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      assertThat(s.filter(Files::isRegularFile).toList()).isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Checks that the diagnostic's position is {@code file:line:col} and that the caret under the
   * quoted source line sits at that column.
   */
  CliRun assertCaretAt(String fileSuffix, int line, int col) {
    assertWithMessage(describe()).that(err).contains(fileSuffix + ":" + line + ":" + col + ": error");
    String[] lines = err.split("\n");
    String gutter = line + " | ";
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].startsWith(gutter)) {
        String caret = lines[i + 1];
        int bar = caret.indexOf("| ");
        assertWithMessage(describe()).that(bar).isAtLeast(0);
        assertWithMessage(describe()).that(caret.indexOf('^') - (bar + 2) + 1).isEqualTo(col);
        return this;
      }
    }
    throw new AssertionError("no quoted source line " + line + " in\n" + describe());
  }
}
