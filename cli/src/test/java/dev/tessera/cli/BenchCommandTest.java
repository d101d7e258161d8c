package dev.tessera.cli;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera bench}: the command-line checks that come before any measurement (the suites are not run here). */
class BenchCommandTest {
  @TempDir
  Path tmp;

  @Test
  void unknownSuiteIsAUsageErrorListingTheSuites() {
    CliRun r = CliRun.of("bench", "gpu-attention").assertUsageError();
    assertThat(r.err()).contains("unknown suite 'gpu-attention'; suites: cpu-attention");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void missingSuiteIsAUsageError() {
    CliRun.of("bench").assertUsageError();
  }

  @Test
  void threadsMustBePositive() {
    CliRun r = CliRun.of("bench", "cpu-attention", "--threads", "0").assertUsageError();
    assertThat(r.err()).contains("--threads must be between 1 and 1024");
  }

  @Test
  void jsonIntoAMissingDirectoryFailsBeforeRunning() {
    CliRun r = CliRun.of("bench", "cpu-attention", "--quick", "--json", tmp.resolve("no/such/dir/out.json")).assertInputError("E411");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void helpListsTheSuitesAndOptions() {
    CliRun r = CliRun.of("bench", "--help").assertOk();
    assertThat(r.out()).contains("cpu-attention");
    assertThat(r.out()).contains("--quick");
    assertThat(r.out()).contains("--json");
    assertThat(r.out()).contains("--threads");
  }
}
