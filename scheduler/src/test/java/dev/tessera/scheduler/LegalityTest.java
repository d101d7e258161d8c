package dev.tessera.scheduler;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.ir.ElemType;
import dev.tessera.scheduler.profile.CpuProfile;
import dev.tessera.scheduler.profile.HardwareProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.ProfileException;
import dev.tessera.scheduler.profile.Profiles;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One rejection per limit, each naming knob, limit and both numbers; and sensible schedules pass. */
class LegalityTest {
  private static final CpuProfile CPU = new CpuProfile("box", "Test CPU", 8, 8, 48 << 10, 2 << 20, 32 << 20, 100, 700, 40, "");
  private static final Shapes F32 = new Shapes(4096, 4096, 128, 128, ElemType.F32);
  private static final Shapes F16 = new Shapes(4096, 4096, 128, 128, ElemType.F16);

  private static HardwareProfile builtIn(String name) throws ProfileException {
    Host noHost = new Host(Path.of("unused"), t -> {
      throw new AssertionError("not measured here");
    }, n -> { });
    return Profiles.load(Optional.empty(), noHost, w -> { }).get(name);
  }

  private static ScheduleException rejected(String schedule, HardwareProfile p, Shapes x) {
    return assertThrows(ScheduleException.class, () -> Legality.check(Schedule.parse(schedule), p, x));
  }

  private static void assertLimit(ScheduleException e, String knob, String limit, String... phrases) {
    assertThat(e.knob()).isEqualTo(knob);
    assertThat(e.limit()).hasValue(limit);
    for (String p : phrases) assertThat(e).hasMessageThat().contains(p);
  }

  @Test
  void sensibleSchedulesPass() throws Exception {
    Legality.check(Schedule.parse("cpu{threads=8, blockM=64, blockN=64, splitKv=0, fuse=1, chunk=64}"), CPU, F32);
    Legality.check(Schedule.parse("cuda{threads=128, blockM=128, blockN=64, stages=2, registers=255}"), builtIn("h100"), F16);
    Legality.check(Schedule.parse("cuda{threads=128, blockM=64, blockN=64, stages=2}"), builtIn("rtx4090"), F16);
    Legality.check(Schedule.parse("mesh{gridX=512, gridY=512, algorithm=meshgemm}"), builtIn("wse2"), F16);
    Legality.check(Schedule.parse("mesh{gridX=10, gridY=900, algorithm=summa}"), builtIn("wse3"), F16);
  }

  @Test
  void cpuThreadsAgainstCores() throws ScheduleException {
    ScheduleException e = rejected("cpu{threads=33, blockM=64, blockN=64}", CPU, F32);
    assertLimit(e, "threads", "cores", "threads=33 exceeds 4 per core", "box has 8 cores, so at most 32 threads");
    Legality.check(Schedule.parse("cpu{threads=32, blockM=64, blockN=64}"), CPU, F32);
  }

  @Test
  void cpuWorkingSetAgainstL2() {
    ScheduleException e = rejected("cpu{threads=8, blockM=1024, blockN=512}", CPU, F32);
    assertLimit(e, "blockM", "l2_bytes", "blockM=1024, blockN=512 with d=128, e=128 need a 3.3 MiB working set per thread",
        "box has 2 MiB of L2 per core");
    assertThat(rejected("cpu{threads=8, blockM=64, blockN=4096}", CPU, F32).knob()).isEqualTo("blockN");
  }

  @Test
  void cudaThreadsPerBlock() throws ProfileException {
    HardwareProfile h100 = builtIn("h100");
    assertLimit(rejected("cuda{threads=2048, blockM=64, blockN=64, stages=2}", h100, F16), "threads", "max_threads_per_block",
        "threads=2048 exceeds the 1024 threads per block h100 allows");
    assertLimit(rejected("cuda{threads=100, blockM=64, blockN=64, stages=2}", h100, F16), "threads", "warp_size",
        "threads=100 is not a multiple of h100's warp size, 32");
  }

  @Test
  void cudaSharedMemory() throws ProfileException {
    HardwareProfile h100 = builtIn("h100");
    assertLimit(rejected("cuda{threads=128, blockM=128, blockN=128, stages=4}", h100, F16), "blockN", "smem_per_block_bytes",
        "blockM=128, blockN=128, stages=4 with d=128, e=128 (f16) need 288 KiB of shared memory (Q tile 32 KiB, K/V tiles 256 KiB)",
        "h100 allows 227 KiB per block");
    assertThat(rejected("cuda{threads=128, blockM=1024, blockN=16, stages=1}", h100, F16).knob()).isEqualTo("blockM");
    assertLimit(rejected("cuda{threads=128, blockM=128, blockN=64, stages=2}", builtIn("rtx4090"), F32), "blockN",
        "smem_per_block_bytes", "need 192 KiB of shared memory", "rtx4090 allows 99 KiB per block");
  }

  @Test
  void cudaRegisters() throws ProfileException {
    HardwareProfile h100 = builtIn("h100");
    assertLimit(rejected("cuda{threads=128, blockM=64, blockN=64, stages=2, registers=256}", h100, F16), "registers",
        "max_registers_per_thread", "registers=256 exceeds the 255 registers per thread h100 allows");
    assertLimit(rejected("cuda{threads=1024, blockM=64, blockN=64, stages=2, registers=128}", h100, F16), "registers",
        "registers_per_sm", "registers=128 × threads=1024 = 131072 registers; h100 has 65536 per SM");
  }

  @Test
  void cudaTensorCoreTiles() throws ProfileException, ScheduleException {
    HardwareProfile a100 = builtIn("a100");
    Shapes bf16 = new Shapes(4096, 4096, 128, 128, ElemType.BF16);
    assertLimit(rejected("cuda{threads=128, blockM=24, blockN=64, stages=2}", a100, bf16), "blockM", "mma_shape.bf16",
        "blockM=24 is not a multiple of 16: a100's bf16 MMA tile is 16x8x16");
    assertLimit(rejected("cuda{threads=128, blockM=64, blockN=8, stages=2}", a100, F16), "blockN", "mma_shape.f16",
        "blockN=8 is not a multiple of 16 (it is the n of S = Q·Kᵀ and the k of O = P·V)");
    // f32 runs on CUDA cores: no tile constraint.
    Legality.check(Schedule.parse("cuda{threads=128, blockM=24, blockN=8, stages=2}"), a100, F32);
  }

  @Test
  void meshGrid() throws ProfileException {
    HardwareProfile wse2 = builtIn("wse2");
    assertLimit(rejected("mesh{gridX=800, gridY=800, algorithm=cannon}", wse2, F16), "gridX", "grid",
        "gridX=800 exceeds 750 columns: wse2's grid is 750x994");
    assertLimit(rejected("mesh{gridX=10, gridY=1000, algorithm=summa}", wse2, F16), "gridY", "grid", "gridY=1000 exceeds 994 rows");
    ScheduleException square = rejected("mesh{gridX=10, gridY=20, algorithm=cannon}", wse2, F16);
    assertThat(square.knob()).isEqualTo("gridY");
    assertThat(square).hasMessageThat().contains("must equal gridX for cannon");
  }

  @Test
  void meshColours() throws ProfileException {
    assertLimit(rejected("mesh{gridX=512, gridY=512, algorithm=meshgemm, colours=30}", builtIn("wse2"), F16), "colours", "colours",
        "meshgemm with colours=30 needs 30 routing colours; wse2 has 24");
  }

  @Test
  void meshSramPerCore() throws ProfileException {
    assertLimit(rejected("mesh{gridX=8, gridY=8, algorithm=meshgemm}", builtIn("wse2"), F16), "gridX", "sram_per_core_bytes",
        "gridX=8, gridY=8 with m=4096, n=4096, d=128, e=128 (f16) need 1.1 MiB of SRAM per core; wse2 has 48 KiB per core");
  }

  @Test
  void knobsMustBeTheTargetsAndTheRequiredOnesPresent() throws ProfileException {
    ScheduleException unknown = rejected("cpu{threads=8, blockM=64, blockN=64, stages=2}", CPU, F32);
    assertThat(unknown.knob()).isEqualTo("stages");
    assertThat(unknown).hasMessageThat().contains("stages is not a cpu knob (known: threads, blockM, blockN, splitKv, chunk, fuse)");
    assertThat(unknown.limit()).isEmpty();
    assertThat(rejected("cuda{threads=128, blockM=64, blockN=64}", builtIn("h100"), F16)).hasMessageThat()
        .contains("stages is required for target cuda");
    assertThat(rejected("cpu{threads=0, blockM=64, blockN=64}", CPU, F32)).hasMessageThat().contains("threads must be at least 1, not 0");
    assertThat(rejected("mesh{gridX=4, gridY=4, algorithm=fox}", builtIn("wse2"), F16)).hasMessageThat()
        .contains("algorithm must be one of cannon, meshgemm, summa, not fox");
    assertThat(rejected("tpu{}", CPU, F32)).hasMessageThat().contains("target tpu is not one of cpu, cuda, mesh");
  }

  @Test
  void scheduleAndProfileMustShareATarget() throws ProfileException {
    ScheduleException e = rejected("cuda{threads=128, blockM=64, blockN=64, stages=2}", CPU, F16);
    assertThat(e.knob()).isEqualTo("target");
    assertThat(e).hasMessageThat().contains("cuda cannot run on box, a cpu profile (its target is cpu)");
    assertThat(rejected("cpu{threads=8, blockM=64, blockN=64}", builtIn("wse3"), F32)).hasMessageThat()
        .contains("cpu cannot run on wse3, a mesh profile (its target is mesh)");
  }
}
