package dev.tessera.cli;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.runtime.RunErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera schedule}: the pick, --explain's top 10 with breakdowns, calibrated weights, and errors. */
class ScheduleCommandTest {
  static final String CPU = """
      kind = cpu
      description = Test CPU
      cores = 2
      vector_lanes_f32 = 8
      l1d_bytes = 49152
      l2_bytes = 2097152
      l3_bytes = 33554432
      fma_gflops_one_thread = 100
      fma_gflops_all_threads = 180
      memory_gb_per_s = 15
      """;

  @TempDir
  Path tmp;

  private Path profiles;

  @BeforeEach
  void setUp() throws Exception {
    System.setProperty("tessera.cacheDir", tmp.resolve("cache").toString());
    profiles = Files.createDirectory(tmp.resolve("profiles"));
    Files.writeString(profiles.resolve("testcpu.profile"), CPU);
  }

  @AfterEach
  void restore() {
    System.clearProperty("tessera.cacheDir");
  }

  private CliRun schedule(Object... more) {
    Object[] args = new Object[5 + more.length];
    args[0] = "schedule";
    args[1] = CliRun.example("attention", "mha_causal.attn");
    args[2] = "--profile-dir";
    args[3] = profiles;
    args[4] = "--profile=testcpu";
    System.arraycopy(more, 0, args, 5, more.length);
    return CliRun.of(args);
  }

  @Test
  void printsTheKernelTheProfileAndThePick() {
    CliRun r = schedule("--dim", "M=1024", "--dim", "N=1024").assertOk();
    String[] lines = r.out().split("\\R");
    assertThat(lines[0]).isEqualTo("kernel mha_causal: parallel batch=4 m=1024 n=1024 d=64 e=64 visible=0.508 passes=1");
    assertThat(lines[1]).isEqualTo("profile testcpu: Test CPU, 2 cores, L2 2048 KiB; cost model weights: defaults (not calibrated)");
    assertThat(lines[2]).isEqualTo("40 legal schedules");
    assertThat(lines[3]).matches("pick: cpu\\{blockM=\\d+, blockN=\\d+, chunk=64, fuse=1, splitKv=0, threads=2\\}  predicted [0-9.]+ ms; "
        + "traffic [0-9.e+]+ MB, [0-9.]+x the I/O lower bound \\([0-9.e+]+ MB\\)");
    assertThat(lines).hasLength(4);
  }

  @Test
  void explainShowsTheTopTenWithTheirBreakdowns() {
    CliRun r = schedule("--explain").assertOk();
    String[] lines = r.out().split("\\R");
    assertThat(lines[5]).matches("rank +schedule +total ms +compute +chunked +gemm +packing +repack +cache +accumulator +memory +elementwise +decay +state +overhead +imbalance +fixed +io/bound");
    for (int i = 1; i <= 10; i++) assertThat(lines[5 + i]).matches(" +" + i + "  cpu\\{.*\\}( +[0-9.]+){16}");
    assertThat(lines[3]).contains(lines[6].substring(6, lines[6].indexOf('}') + 1));
    assertThat(lines[16]).startsWith("terms in ms;");
  }

  @Test
  void usesCalibratedWeightsWhenTheBenchHasStoredThem() throws Exception {
    Path cache = Files.createDirectories(tmp.resolve("cache"));
    Files.writeString(cache.resolve("cost-model-testcpu.weights"), """
        compute = 1
        chunked = 1
        gemm = 1
        packing = 1
        repack = 1
        cache = 1
        accumulator = 1
        memory = 1
        elementwise = 1
        decay = 1
        state = 1
        overhead = 1
        imbalance = 1
        fixed = 1
        """);
    assertThat(schedule().assertOk().out()).contains("cost model weights: calibrated (tessera bench cost-model)");
  }

  @Test
  void rejectsTargetsWithoutACostModelAndProfilesOfTheWrongKind() {
    schedule("--target", "tpu").assertInputError(RunErrors.BAD_VALUE);
    CliRun attention = CliRun.of("schedule", CliRun.example("attention", "mha_causal.attn"), "--target", "mesh");
    attention.assertInputError(RunErrors.UNAVAILABLE);
    assertThat(attention.err()).contains("the mesh cost model ranks contractions");
    CliRun wse = CliRun.of("schedule", CliRun.example("attention", "mha_causal.attn"), "--target", "cuda", "--profile", "wse2");
    wse.assertInputError(RunErrors.BAD_VALUE);
    assertThat(wse.err()).contains("profile wse2 is a mesh profile; --target cuda needs a gpu profile");
    CliRun dtype = CliRun.of("schedule", CliRun.example("attention", "mha_causal.attn"), "--target", "cuda", "--dtype", "i8");
    dtype.assertInputError(RunErrors.BAD_VALUE);
    CliRun r = CliRun.of("schedule", CliRun.example("attention", "mha_causal.attn"), "--profile", "h100");
    r.assertInputError(RunErrors.BAD_VALUE);
    assertThat(r.err()).contains("profile h100 is a gpu profile");
  }

  @Test
  void meshRanksContractionsWithTheClosedFormModel() {
    CliRun r = CliRun.of("schedule", CliRun.example("einsum", "gemm.attn"), "--target", "mesh", "--dim", "M=4096", "--dim", "K=4096",
        "--dim", "N=4096", "--explain");
    assertThat(r.code()).isEqualTo(0);
    assertThat(r.out()).contains("profile wse2: Cerebras WSE-2");
    assertThat(r.out()).containsMatch("pick: mesh\\{algorithm=[a-z]+, gridX=[0-9]+, gridY=[0-9]+\\}");
    assertThat(r.out()).containsMatch("rank +schedule +total ms +compute +communication +io/bound");
  }

  @Test
  void cudaRanksWithTheGpuModel() {
    CliRun r = CliRun.of("schedule", CliRun.example("attention", "mha.attn"), "--target", "cuda", "--profile", "a100", "--dim", "H=32",
        "--dim", "M=1", "--dim", "N=8192", "--explain");
    assertThat(r.code()).isEqualTo(0);
    assertThat(r.out()).contains("profile a100: NVIDIA A100");
    assertThat(r.out()).containsMatch("pick: cuda\\{[^}]*splitKv=(2|4|8|16|32)[,}]");
    assertThat(r.out()).containsMatch("rank +schedule +total ms +tensor +scalar +smem +memory +latency +launch +io/bound");
  }

  /** Every CUDA candidate for attention is a tiling the flash kernel has: 16 query rows per warp, K/V double-buffered. */
  @Test
  void cudaCandidatesAreFlashTilings() {
    CliRun r = CliRun.of("schedule", CliRun.example("attention", "mha_causal.attn"), "--target", "cuda", "--profile", "h100", "--dim", "H=32",
        "--dim", "M=2048", "--dim", "N=2048", "--explain");
    assertThat(r.code()).isEqualTo(0);
    List<String> rows = r.out().lines().filter(l -> l.matches(" +[0-9]+  cuda\\{.*")).toList();
    assertThat(rows).isNotEmpty();
    for (String row : rows) {
      int threads = Integer.parseInt(row.replaceAll(".*threads=([0-9]+).*", "$1"));
      assertThat(row).contains("blockM=" + threads / 2 + ",");
      assertThat(row).contains("stages=2");
    }
  }

  /** With nvcc, --ptxas compiles the top candidates and ranks them again with ptxas's register counts. */
  @Test
  void ptxasChecksTheTopCandidatesWhereNvccExists() {
    CliRun bad = CliRun.of("schedule", CliRun.example("attention", "mha.attn"), "--target", "cpu", "--ptxas", "2");
    bad.assertInputError(RunErrors.BAD_VALUE);
    assumeTrue(dev.tessera.cuda.Nvcc.find().isPresent(), "nvcc is not installed: --ptxas is not exercised");
    CliRun r = CliRun.of("schedule", CliRun.example("attention", "mha.attn"), "--target", "cuda", "--profile", "a100", "--dim", "H=4",
        "--dim", "M=256", "--dim", "N=256", "--dim", "D=64", "--dim", "E=64", "--ptxas", "2");
    assertThat(r.code()).isEqualTo(0);
    assertThat(r.out()).contains("ptxas: the model's top 2 compiled by nvcc for sm_80");
    List<String> rows = r.out().substring(r.out().indexOf("ptxas:")).lines().filter(l -> l.matches(" +[0-9]+  cuda\\{.*")).toList();
    assertThat(rows).hasSize(2);
    for (String row : rows) {
      int regs = Integer.parseInt(row.trim().split(" +")[row.trim().split(" +").length - 3]);
      // A fused flash kernel's accumulators alone take far more than the ~30 registers of the unfused loops.
      assertThat(regs).isAtLeast(64);
      assertThat(regs).isAtMost(255);
    }
    assertThat(r.out()).containsMatch("pick after ptxas: cuda\\{");
  }
}
