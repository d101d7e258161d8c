package dev.tessera.mesh;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.scheduler.profile.MeshProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeshLimitsTest {
  static final MeshProfile WSE2 = new MeshProfile("wse2", "test", 750, 994, 49152, 32, 1, 20, 2, 24, 1100);

  @Test
  void sramOverflowNamesTheCoreAndTheFigures() {
    MeshKernel k = GemmKernels.build("meshgemm", 4, 512, 512, 512, false);
    MeshLimitException e = assertThrows(MeshLimitException.class, () -> MeshLimits.check(k.program(), WSE2));
    assertThat(e.getMessage()).contains("core (0,0)");
    assertThat(e.getMessage()).contains("327680 bytes of SRAM; wse2 has 49152 bytes per core");
  }

  @Test
  void colourBudget() throws Exception {
    MeshProgram p = new MeshProgram(2, 1, "", List.of(new Program("p", List.of(), List.of())),
        List.of(new MeshProgram.Assign(CoreSet.rect(0, 1, 0, 0), "p")),
        List.of(new Route(CoreSet.of(0, 0), 24, Dir.R, List.of(Dir.E)), new Route(CoreSet.of(1, 0), 24, Dir.W, List.of(Dir.R))));
    MeshLimitException e = assertThrows(MeshLimitException.class, () -> MeshLimits.check(p, WSE2));
    assertThat(e.getMessage()).isEqualTo("core (0,0) routes colour c24, which needs 25 colours; wse2 has 24");
    MeshLimits.check(AttentionKernels.decode(8, new AttentionKernels.Dims(1, 64, 64, 64, 1, 3, "softmax")).program(), WSE2);
  }

  @Test
  void gridLargerThanTheWafer() {
    MeshProfile small = new MeshProfile("tiny", "test", 4, 4, 49152, 32, 1, 20, 2, 24, 1100);
    MeshLimitException e = assertThrows(MeshLimitException.class, () -> MeshLimits.check(GemmKernels.build("meshgemm", 5, 5, 5, 5, false).program(), small));
    assertThat(e.getMessage()).contains("5x5 does not fit tiny's 4x4");
  }
}
