package dev.tessera.cli;

import static com.google.common.truth.Truth.assertThat;
import static dev.tessera.cli.CliRun.example;

import dev.tessera.runtime.RunErrors;
import dev.tessera.scheduler.tune.TuneCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera tune} in process, with the cache in a temporary directory, and {@code run} using its result. */
class TuneCommandTest {
  private static final Path MHA = example("attention", "mha.attn");
  private static final Object[] SMALL = {"--dim", "M=3", "--dim", "N=5", "--dim", "D=4", "--dim", "E=2"};

  @TempDir
  Path tmp;

  private String previous;

  @BeforeEach
  void cacheInTmp() {
    previous = System.getProperty("tessera.cacheDir");
    System.setProperty("tessera.cacheDir", tmp.resolve("cache").toString());
  }

  @AfterEach
  void restore() {
    if (previous == null) System.clearProperty("tessera.cacheDir");
    else System.setProperty("tessera.cacheDir", previous);
  }

  private static CliRun tune(Object... more) {
    Object[] args = new Object[4 + SMALL.length + more.length];
    args[0] = "tune";
    args[1] = MHA;
    args[2] = "--warm-up";
    args[3] = "0.01";
    System.arraycopy(SMALL, 0, args, 4, SMALL.length);
    System.arraycopy(more, 0, args, 4 + SMALL.length, more.length);
    return CliRun.of(args);
  }

  @Test
  void tuneMeasuresThenAnswersFromTheCacheAndRunUsesTheWinner() throws IOException {
    CliRun first = tune("--budget", 2).assertOk();
    assertThat(first.out()).contains("measured  2 of ");
    assertThat(first.out()).contains("winner    cpu{");
    assertThat(first.err()).contains("tune 1/2 cpu{");
    assertThat(first.err()).contains("tune 2/2 cpu{");
    String winner = first.out().lines().filter(l -> l.startsWith("winner")).findFirst().orElseThrow();
    String schedule = winner.substring("winner    ".length(), winner.indexOf('}') + 1);
    assertThat(Files.readString(tmp.resolve("cache").resolve(TuneCache.FILE))).contains(schedule);

    CliRun second = tune("--budget", 2).assertOk();
    assertThat(second.out()).contains("cached:   " + schedule);
    assertThat(second.err()).doesNotContain("tune 1/");

    CliRun sameBucket = CliRun.of("run", MHA, "--target", "cpu", "--dim", "M=4", "--dim", "N=5", "--dim", "D=3", "--dim", "E=2",
        "--output-dir", tmp.resolve("out")).assertOk();
    assertThat(sameBucket.out()).contains("schedule  " + schedule + " (tuned)");
    assertThat(sameBucket.out()).contains("error     ");
  }

  @Test
  void runWithoutATunedScheduleOrWithAnExplicitOneIsNotTuned() {
    CliRun untuned = CliRun.of("run", MHA, "--target", "cpu", "--dim", "M=3", "--dim", "N=5", "--dim", "D=4", "--dim", "E=2",
        "--output-dir", tmp.resolve("out")).assertOk();
    assertThat(untuned.out()).doesNotContain("(tuned)");
    tune("--budget", 1).assertOk();
    CliRun otherBucket = CliRun.of("run", MHA, "--target", "cpu", "--dim", "M=9", "--dim", "N=5", "--dim", "D=4", "--dim", "E=2",
        "--output-dir", tmp.resolve("out")).assertOk();
    assertThat(otherBucket.out()).doesNotContain("(tuned)");
    CliRun explicit = CliRun.of("run", MHA, "--target", "cpu", "--dim", "M=3", "--dim", "N=5", "--dim", "D=4", "--dim", "E=2",
        "--schedule", "cpu{threads=1}", "--output-dir", tmp.resolve("out")).assertOk();
    assertThat(explicit.out()).doesNotContain("(tuned)");
  }

  @Test
  void forceMeasuresAgain() {
    tune("--budget", 1).assertOk();
    CliRun again = tune("--budget", 1, "--force").assertOk();
    assertThat(again.out()).contains("measured  1 of ");
  }

  @Test
  void aCorruptCacheIsAWarningAndIsRepaired() throws IOException {
    Files.createDirectories(tmp.resolve("cache"));
    Files.writeString(tmp.resolve("cache").resolve(TuneCache.FILE), "not a cache line\n");
    CliRun r = tune("--budget", 1).assertOk();
    assertThat(r.err()).contains("ignoring a malformed tuning-cache line");
    assertThat(tune("--budget", 1).assertOk().err()).doesNotContain("warning");
  }

  private static final Path GEMM = example("einsum", "gemm.attn");

  @Test
  void meshTuningRanksByTheModelMeasuresSimulatedCyclesAndRunUsesTheWinner() {
    Object[] gemm = {"tune", GEMM, "--target", "mesh", "--dim", "M=48", "--dim", "K=40", "--dim", "N=56", "--budget", 4};
    CliRun first = CliRun.of(gemm).assertOk();
    assertThat(first.out()).contains("target    mesh on wse2 (simulated cycles)");
    assertThat(first.out()).contains("measured  4 of ");
    assertThat(first.out()).containsMatch("winner    mesh\\{[^}]*\\}  [0-9]+ cycles \\([0-9.]+ us\\)");
    String winner = first.out().lines().filter(l -> l.startsWith("winner")).findFirst().orElseThrow();
    String schedule = winner.substring("winner    ".length(), winner.indexOf('}') + 1);
    String cycles = winner.substring(winner.indexOf('}') + 3, winner.indexOf(" cycles"));
    // The winner is the fewest cycles of those measured, and the simulation is exact: run reproduces it.
    for (String line : first.out().lines().filter(l -> l.matches(" +[0-9]+  mesh.*cycles.*")).toList()) {
      long c = Long.parseLong(line.replaceAll(".*}\\s+([0-9]+) cycles.*", "$1"));
      assertThat(c).isAtLeast(Long.parseLong(cycles));
    }
    assertThat(CliRun.of(gemm).assertOk().out()).contains("cached:   " + schedule);

    CliRun run = CliRun.of("run", GEMM, "--target", "mesh", "--dim", "M=48", "--dim", "K=40", "--dim", "N=56",
        "--output-dir", tmp.resolve("out")).assertOk();
    assertThat(run.out()).contains("schedule  " + schedule + " (tuned)");
    assertThat(run.out()).contains("cycles    " + cycles + " simulated");
    CliRun other = CliRun.of("run", GEMM, "--target", "mesh", "--mesh-profile", "wse3", "--dim", "M=48", "--dim", "K=40", "--dim", "N=56",
        "--output-dir", tmp.resolve("out")).assertOk();
    assertThat(other.out()).doesNotContain("(tuned)");
  }

  @Test
  void meshTuningOfAttentionTriesGridsAndAKernelTheMeshCannotRunIsADiagnostic() {
    CliRun mha = tune("--target", "mesh", "--budget", 2).assertOk();
    assertThat(mha.out()).contains("winner    mesh{");
    CliRun retnet = CliRun.of("tune", example("attention", "gla.attn"), "--target", "mesh", "--budget", 1,
        "--dim", "T=8", "--dim", "D=4", "--dim", "E=4");
    retnet.assertInputError(RunErrors.UNAVAILABLE);
    assertThat(retnet.err()).contains("per-channel decay");
  }

  @Test
  void badOptionsAreDiagnostics() {
    tune("--target", "gpu").assertInputError(RunErrors.BAD_VALUE);
    tune("--target", "mesh", "--profile", "h100").assertInputError(RunErrors.BAD_VALUE);
    tune("--profile", "h100").assertInputError(RunErrors.BAD_VALUE);
    tune("--budget", 0).assertInputError(RunErrors.BAD_VALUE);
    tune("--seconds", -1).assertInputError(RunErrors.BAD_VALUE);
  }
}
