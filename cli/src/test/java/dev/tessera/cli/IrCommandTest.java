package dev.tessera.cli;

import static com.google.common.truth.Truth.assertThat;

import dev.tessera.passes.Pass;
import dev.tessera.passes.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code tessera ir}: the IR after the front end or after any pass, for every example. */
class IrCommandTest {
  private static final Path MHA = CliRun.example("attention", "mha.attn");

  @TempDir
  Path tmp;

  static List<String> passNames() {
    List<String> names = new ArrayList<>();
    names.add("frontend");
    Pipeline.passes().stream().map(Pass::name).forEach(names::add);
    return names;
  }

  static Stream<Arguments> examplesAndPasses() throws IOException {
    List<Arguments> a = new ArrayList<>();
    for (Path f : CheckCommandTest.examples()) {
      for (String p : passNames()) a.add(Arguments.of(f, p));
    }
    return a.stream();
  }

  @Test
  void thereArePasses() {
    assertThat(Pipeline.passes()).isNotEmpty();
  }

  @ParameterizedTest(name = "{0} --after {1}")
  @MethodSource("examplesAndPasses")
  void printsTheIrAfterEveryPassForEveryExample(Path file, String pass) {
    CliRun r = CliRun.of("ir", file, "--after", pass).assertOk();
    assertThat(r.err()).isEmpty();
    String stem = file.getFileName().toString().replace(".attn", "");
    assertThat(r.out()).contains("kernel " + stem + " {");
    assertThat(r.out()).doesNotContain("# after");
  }

  @Test
  void defaultIsTheIrAfterTheLastPass() {
    String last = Pipeline.passes().get(Pipeline.passes().size() - 1).name();
    String plain = CliRun.of("ir", MHA).assertOk().out();
    assertThat(plain).isEqualTo(CliRun.of("ir", MHA, "--after", last).assertOk().out());
  }

  @Test
  void frontendIrShowsTheDeclaredTensors() {
    String ir = CliRun.of("ir", MHA, "--after", "frontend").assertOk().out();
    assertThat(ir).contains("in Q: f32[B, H, M, D]");
    assertThat(ir).contains("out O: f32[B, H, M, E]");
    assertThat(ir).contains("default M = 128");
  }

  @Test
  void allPrintsEveryStageInOrder() {
    String all = CliRun.of("ir", MHA, "--all").assertOk().out();
    int at = -1;
    for (String p : passNames()) {
      int next = all.indexOf("# after " + p + "\n");
      assertThat(next).isGreaterThan(at);
      at = next;
    }
    // The last stage equals the plain output.
    String plain = CliRun.of("ir", MHA).assertOk().out();
    assertThat(all).endsWith(plain);
  }

  @Test
  void outputIsDeterministic() {
    assertThat(CliRun.of("ir", MHA, "--all").out()).isEqualTo(CliRun.of("ir", MHA, "--all").out());
  }

  @Test
  void unknownPassIsAUsageErrorListingThePasses() {
    CliRun r = CliRun.of("ir", MHA, "--after", "nosuchpass").assertUsageError();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("nosuchpass");
    for (String p : passNames()) assertThat(r.err()).contains(p);
  }

  @Test
  void unknownPassIsReportedEvenForABadFile() throws IOException {
    Path f = tmp.resolve("bad.attn");
    Files.writeString(f, "kernel k(\n");
    CliRun.of("ir", f, "--after", "nosuchpass").assertUsageError();
  }

  @Test
  void badFileExitsOneWithPosition() throws IOException {
    Path f = tmp.resolve("bad.attn");
    Files.writeString(f, """
        kernel k(A: f32[N]) -> (B: f32[N]) {
          B[n] = A[n] +
        }
        """);
    CliRun r = CliRun.of("ir", f).assertInputError("E101");
    assertThat(r.out()).isEmpty();
    r.assertCaretAt("bad.attn", 3, 1);
  }

  @Test
  void missingFileExitsOne() {
    CliRun r = CliRun.of("ir", tmp.resolve("absent.attn"));
    assertThat(r.code()).isEqualTo(1);
    r.assertNoStackTrace();
  }

  @Test
  void missingFileArgumentIsAUsageError() {
    CliRun.of("ir").assertUsageError();
  }

  @Test
  void helpListsThePasses() {
    String help = CliRun.of("ir", "--help").assertOk().out();
    for (String p : passNames()) assertThat(help).contains(p);
  }
}
