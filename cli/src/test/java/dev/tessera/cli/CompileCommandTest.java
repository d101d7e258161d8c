package dev.tessera.cli;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera compile --target cuda}: artifacts on success, a diagnostic and no files on failure. */
class CompileCommandTest {
  @TempDir
  Path tmp;

  @Test
  void writesSourceAndManifest() throws Exception {
    Path out = tmp.resolve("art");
    CliRun r = CliRun.of("compile", CliRun.example("attention", "mha_causal.attn"), "--target", "cuda", "--profile", "a100",
        "--dtype", "f16", "--dim", "M=33", "--dim", "N=77", "-o", out).assertOk();
    assertThat(r.out()).contains("kernel mha_causal -> cuda (a100, sm_80");
    assertThat(r.out()).contains("0 bytes spilled");
    assertThat(Files.readString(out.resolve("mha_causal.ptxas.json"))).contains("\"registers\": ");
    assertThat(Files.readString(out.resolve("mha_causal.cu"))).contains("extern \"C\" __global__");
    String manifest = Files.readString(out.resolve("mha_causal.manifest.json"));
    assertThat(manifest).contains("\"dims\": {\"B\": 1, \"H\": 4, \"M\": 33, \"D\": 64, \"N\": 77, \"E\": 64}");
    assertThat(manifest).contains("\"dtype\": \"float16\"");
  }

  @Test
  void nonGpuProfileIsADiagnosticAndWritesNothing() {
    Path out = tmp.resolve("art");
    CliRun r = CliRun.of("compile", CliRun.example("attention", "mha.attn"), "--target", "cuda", "--profile", "wse2", "-o", out)
        .assertInputError("E409");
    assertThat(r.err()).contains("needs a gpu profile");
    assertThat(Files.exists(out)).isFalse();
  }

  @Test
  void illegalScheduleNamesTheLimit() {
    Path out = tmp.resolve("art");
    CliRun r = CliRun.of("compile", CliRun.example("attention", "mha.attn"), "--target", "cuda", "--schedule", "cuda{threads=100}", "-o", out)
        .assertInputError("E412");
    assertThat(r.err()).contains("warp size");
    assertThat(Files.exists(out)).isFalse();
  }

  @Test
  void unknownTargetIsADiagnostic() {
    CliRun.of("compile", CliRun.example("attention", "mha.attn"), "--target", "tpu", "-o", tmp.resolve("x")).assertInputError("E409");
  }

  @Test
  void meshWritesItsProgramsAndCpuItsClass() throws Exception {
    Path mesh = tmp.resolve("mesh");
    CliRun m = CliRun.of("compile", CliRun.example("einsum", "gemm.attn"), "--target", "mesh", "--dim", "M=33", "--dim", "K=20",
        "--dim", "N=17", "--schedule", "mesh{gridX=4, gridY=4}", "-o", mesh);
    m.assertOk();
    assertThat(m.out()).contains("kernel gemm -> mesh (1 program on 4x4 wse2 cores,");
    assertThat(Files.readString(mesh.resolve("gemm.mesh"))).startsWith("# program 0\n");
    assertThat(Files.readAllLines(mesh.resolve("gemm.mesh.tsv"))).hasSize(2);

    Path cpu = tmp.resolve("cpu");
    CliRun c = CliRun.of("compile", CliRun.example("attention", "mha_causal.attn"), "--target", "cpu", "-o", cpu);
    c.assertOk();
    byte[] bytes = Files.readAllBytes(cpu.resolve("mha_causal.class"));
    assertThat(bytes[0] & 0xff).isEqualTo(0xCA);
    assertThat(bytes[1] & 0xff).isEqualTo(0xFE);

    Path bad = tmp.resolve("bad");
    CliRun.of("compile", CliRun.example("einsum", "gemm.attn"), "--target", "mesh", "--schedule", "mesh{gridX=2, gridY=3}", "-o", bad)
        .assertInputError("E412");
    assertThat(Files.exists(bad)).isFalse();
  }
}
