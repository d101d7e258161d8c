package dev.tessera.cli;

import static com.google.common.truth.Truth.assertThat;
import static dev.tessera.cli.CliRun.EXAMPLES;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code tessera check}: ok on good files, positioned diagnostics and exit 1 on bad ones. */
class CheckCommandTest {
  @TempDir
  Path tmp;

  static List<Path> examples() throws IOException {
    try (Stream<Path> s = Files.walk(EXAMPLES)) {
      return s.filter(p -> p.toString().endsWith(".attn")).sorted().toList();
    }
  }

  @Test
  void theZooIsNotEmpty() throws IOException {
    assertThat(examples().size()).isAtLeast(18);
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExampleChecks(Path file) {
    CliRun r = CliRun.of("check", file).assertOk();
    assertThat(r.out()).isEqualTo(file + ": ok (1 kernel)" + System.lineSeparator());
    assertThat(r.err()).isEmpty();
  }

  @Test
  void allExamplesAtOnce() throws IOException {
    List<Path> files = examples();
    CliRun r = CliRun.of(Stream.concat(Stream.of("check"), files.stream().map(Object::toString)).toArray()).assertOk();
    for (Path f : files) assertThat(r.out()).contains(f + ": ok");
    assertThat(r.out().lines().count()).isEqualTo(files.size());
  }

  private Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void countsSeveralKernels() throws IOException {
    Path f = write("two.attn", """
        kernel a(X: f32[N]) -> (Y: f32[N]) {
          Y[n] = X[n]
        }
        kernel b(X: f32[N]) -> (Y: f32[N]) {
          Y[n] = X[n] * 2.0
        }
        """);
    assertThat(CliRun.of("check", f).assertOk().out()).contains(f + ": ok (2 kernels)");
  }

  @Test
  void syntaxErrorExitsOneWithPosition() throws IOException {
    Path f = write("syntax.attn", """
        kernel k(A: f32[N]) -> (B: f32[N]) {
          B[n] = A[n] +
        }
        """);
    CliRun r = CliRun.of("check", f).assertInputError("E101");
    r.assertCaretAt("syntax.attn", 3, 1);
    assertThat(r.out()).doesNotContain("ok");
    assertThat(r.err()).contains("1 error");
  }

  @Test
  void semanticErrorsAreAllReported() throws IOException {
    Path f = write("sem.attn", """
        kernel k(A: f32[M]) -> (B: f32[M]) {
          B[m] = C[m]
        }
        """);
    CliRun r = CliRun.of("check", f);
    assertThat(r.code()).isEqualTo(1);
    r.assertNoStackTrace();
    assertThat(r.err()).contains("sem.attn:2:10: error[E204]");
    assertThat(r.err()).contains("'C'");
  }

  @Test
  void aBadFileAmongGoodOnesFailsButTheGoodOnesAreStillChecked() throws IOException {
    Path bad = write("bad.attn", "kernel k(\n");
    Path good = CliRun.example("attention", "mha.attn");
    CliRun r = CliRun.of("check", good, bad, CliRun.example("einsum", "gemm.attn"));
    assertThat(r.code()).isEqualTo(1);
    r.assertNoStackTrace();
    assertThat(r.out()).contains("mha.attn: ok");
    assertThat(r.out()).contains("gemm.attn: ok");
    assertThat(r.err()).contains("bad.attn:");
  }

  @Test
  void missingFileExitsOne() {
    Path f = tmp.resolve("absent.attn");
    CliRun r = CliRun.of("check", f);
    assertThat(r.code()).isEqualTo(1);
    r.assertNoStackTrace();
    assertThat(r.err()).contains(f.toString());
  }

  @Test
  void emptyFileChecksWithNoKernels() throws IOException {
    Path f = write("empty.attn", "# nothing here\n");
    assertThat(CliRun.of("check", f).assertOk().out()).contains(f + ": ok (0 kernels)");
  }

  @Test
  void binaryGarbageIsAnInputError() throws IOException {
    Path f = tmp.resolve("garbage.attn");
    Files.write(f, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 0, 0, (byte) 0xff, (byte) 0xfe});
    CliRun r = CliRun.of("check", f);
    assertThat(r.code()).isEqualTo(1);
    r.assertNoStackTrace();
  }

  @Test
  void noFilesIsAUsageError() {
    CliRun.of("check").assertUsageError();
  }

  @Test
  void unknownOptionIsAUsageError() {
    CliRun.of("check", "--bogus", CliRun.example("attention", "mha.attn")).assertUsageError();
  }
}
