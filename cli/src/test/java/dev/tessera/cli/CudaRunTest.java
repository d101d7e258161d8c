package dev.tessera.cli;

import static com.google.common.truth.Truth.assertThat;

import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.cuda.CudaLauncher;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera run --target cuda}: a clear diagnostic and no files without a driver; a checked run with one. */
class CudaRunTest {
  @TempDir
  Path tmp;

  @Test
  void withoutADriverItIsE410AndWritesNothing() {
    CudaLauncher.Availability a = CudaLauncher.probe();
    Assumptions.assumeFalse(a.available(), "a CUDA driver is present: see runsAndMatchesTheReference");
    Path out = tmp.resolve("out");
    CliRun r = CliRun.of("run", CliRun.example("attention", "mha.attn"), "--target", "cuda", "--dim", "M=33", "--output-dir", out)
        .assertInputError(RunErrors.UNAVAILABLE);
    assertThat(r.err()).contains("no CUDA driver");
    assertThat(r.out()).isEmpty();
    CliRun.assertNoFiles(out);
  }

  @Test
  void runsAndMatchesTheReference() {
    CudaLauncher.Availability a = CudaLauncher.probe();
    Assumptions.assumeTrue(a.available(), "skipped: " + a.reason());
    CliRun r = CliRun.of("run", CliRun.example("attention", "mha_causal.attn"), "--target", "cuda", "--dim", "M=33", "--dim", "N=77",
        "--output-dir", tmp.resolve("out")).assertOk();
    assertThat(r.out()).contains("target    cuda");
  }
}
