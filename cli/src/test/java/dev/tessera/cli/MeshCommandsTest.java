package dev.tessera.cli;

import static com.google.common.truth.Truth.assertThat;
import static dev.tessera.cli.CliRun.example;

import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.npy.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera run --target mesh} and {@code tessera sim}: reports, outputs, heatmaps and their errors. */
class MeshCommandsTest {
  @TempDir
  Path tmp;

  @Test
  void runMeshMatchesTheReferenceAndReportsCycles() throws Exception {
    Path out = tmp.resolve("out");
    CliRun r = CliRun.of("run", example("attention", "mha_causal.attn"), "--target", "mesh", "--dim", "M=5", "--dim", "N=9", "--dim", "D=4",
        "--dim", "E=3", "--dim", "H=2", "--schedule", "mesh{gridX=3, gridY=3}", "--output-dir", out).assertOk();
    assertThat(r.out()).contains("schedule  mesh{algorithm=meshgemm, gridX=3, gridY=3}");
    assertThat(r.out()).containsMatch("cycles    [0-9]+ simulated = [0-9.]+ us at 1100 MHz");
    assertThat(r.out()).containsMatch("error     [0-9.e-]+ max \\|mesh - ref\\|");
    assertThat(Npy.read(out.resolve("O.npy")).shape()).isEqualTo(new int[] {1, 2, 5, 3});
    CliRun g = CliRun.of("run", example("einsum", "gemv.attn"), "--target", "mesh", "--dim", "N=33", "--dim", "K=77", "--mesh-profile", "wse3",
        "--output-dir", out).assertOk();
    assertThat(g.out()).contains("meshgemv");
  }

  @Test
  void runMeshErrors() {
    Path out = tmp.resolve("none");
    CliRun r = CliRun.of("run", example("einsum", "gemm.attn"), "--target", "mesh", "--dim", "M=512", "--dim", "K=512", "--dim", "N=512",
        "--schedule", "mesh{gridX=2, gridY=2}", "--output-dir", out).assertInputError(RunErrors.ILLEGAL_SCHEDULE);
    assertThat(r.err()).contains("core (0,0)");
    assertThat(r.err()).contains("bytes of SRAM; wse2 has 49152 bytes per core");
    CliRun c = CliRun.of("run", example("attention", "mha.attn"), "--target", "mesh", "--schedule", "mesh{gridX=2, gridY=2, colours=4}",
        "--dim", "M=4", "--dim", "N=4", "--output-dir", out).assertInputError(RunErrors.ILLEGAL_SCHEDULE);
    assertThat(c.err()).contains("routes colour c6, which needs 7 colours; wse2 with colours=4 has 4");
    CliRun.of("run", example("einsum", "gemm.attn"), "--target", "mesh", "--schedule", "mesh{gridX=2, gridY=3}", "--output-dir", out)
        .assertInputError(RunErrors.ILLEGAL_SCHEDULE);
    CliRun big = CliRun.of("run", example("einsum", "gemm.attn"), "--target", "mesh", "--schedule", "mesh{gridX=720, gridY=720}", "--output-dir", out)
        .assertInputError(RunErrors.ILLEGAL_SCHEDULE);
    assertThat(big.err()).contains("--mode analytic");
    CliRun.of("run", example("einsum", "gemm.attn"), "--target", "mesh", "--schedule", "mesh{algorithm=fox}", "--output-dir", out)
        .assertInputError(RunErrors.ILLEGAL_SCHEDULE);
    CliRun.of("run", example("einsum", "gemm.attn"), "--target", "mesh", "--mesh-profile", "h100", "--output-dir", out)
        .assertInputError(RunErrors.BAD_VALUE);
    CliRun u = CliRun.of("run", example("attention", "gla.attn"), "--target", "mesh", "--output-dir", out)
        .assertInputError(RunErrors.UNAVAILABLE);
    assertThat(u.err()).contains("--target cpu");
    assertThat(Files.exists(out)).isFalse();
  }

  @Test
  void simDrawsHeatmapsAndEmitsTheProgram() throws IOException {
    Path png = tmp.resolve("h.png");
    Path svg = tmp.resolve("h.svg");
    Path prog = tmp.resolve("p.mesh");
    CliRun r = CliRun.of("sim", example("einsum", "gemv.attn"), "--dim", "N=64", "--dim", "K=64", "--schedule", "mesh{gridX=8, gridY=8}",
        "--heatmap", png, "--emit", prog).assertOk();
    assertThat(r.out()).containsMatch("y +meshgemv +[0-9]+ +[0-9.]+% +[0-9.]+% +[0-9]+");
    byte[] bytes = Files.readAllBytes(png);
    assertThat(java.util.Arrays.copyOf(bytes, 4)).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isGreaterThan(500);
    assertThat(Files.readString(prog)).startsWith("mesh 8x8\n");
    CliRun.of("sim", example("attention", "mha.attn"), "--dim", "M=4", "--dim", "N=8", "--dim", "D=4", "--dim", "E=4", "--dim", "H=1",
        "--heatmap", svg).assertOk();
    assertThat(Files.readString(svg)).contains("core busy");
  }

  @Test
  void simAnalyticReachesTheWholeWafer() {
    CliRun r = CliRun.of("sim", example("einsum", "gemm.attn"), "--mode", "analytic", "--dim", "M=4096", "--dim", "K=4096", "--dim", "N=4096",
        "--schedule", "mesh{gridX=720, gridY=720, algorithm=summa}").assertOk();
    assertThat(r.out()).containsMatch("cycles    [0-9]+ = ");
    // Cycles only: no 32K x 32K matrix is generated.
    CliRun.of("sim", example("einsum", "gemv.attn"), "--mode", "analytic", "--dim", "N=32768", "--dim", "K=32768",
        "--schedule", "mesh{gridX=720, gridY=720}").assertOk();
    CliRun.of("sim", example("attention", "mha.attn"), "--mode", "analytic").assertInputError(RunErrors.UNAVAILABLE);
    CliRun.of("sim", example("einsum", "gemm.attn"), "--mode", "fast").assertInputError(RunErrors.BAD_VALUE);
    CliRun.of("sim", example("einsum", "gemm.attn"), "--heatmap", tmp.resolve("x.gif")).assertInputError(RunErrors.BAD_VALUE);
  }
}
