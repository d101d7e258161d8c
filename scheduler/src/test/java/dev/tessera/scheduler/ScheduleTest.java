package dev.tessera.scheduler;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  void printsInKnobOrderAndParsesBackEqual() {
    Schedule s = Schedule.of("cpu").with("blockN", 128).with("blockM", 64).with("algo", "flash");
    assertThat(s.toString()).isEqualTo("cpu{algo=flash, blockM=64, blockN=128}");
    assertThat(Schedule.parse(s.toString())).isEqualTo(s);
    assertThat(Schedule.parse("mesh{}")).isEqualTo(Schedule.of("mesh"));
  }

  @Test
  void everyTargetsScheduleRoundTrips() {
    for (String text : new String[] {
        "cpu{blockM=64, blockN=64, chunk=64, fuse=1, splitKv=0, threads=8}",
        "cuda{blockM=128, blockN=64, registers=168, stages=2, threads=128}",
        "mesh{algorithm=meshgemm, colours=6, gridX=512, gridY=512}"}) {
      Schedule s = Schedule.parse(text);
      assertThat(s.toString()).isEqualTo(text);
      assertThat(Schedule.parse(s.toString())).isEqualTo(s);
    }
    assertThat(Schedule.parse("  mesh{ gridY = 4,gridX=4 , algorithm=summa }")).isEqualTo(Schedule.parse("mesh{algorithm=summa, gridX=4, gridY=4}"));
  }

  @Test
  void rejectsMalformedText() {
    assertThrows(IllegalArgumentException.class, () -> Schedule.parse("cpu blockM=4"));
    assertThrows(IllegalArgumentException.class, () -> Schedule.parse("cpu{blockM}"));
    assertThrows(IllegalArgumentException.class, () -> Schedule.parse("cpu{a=1, a=2}"));
    assertThrows(IllegalArgumentException.class, () -> new Schedule("cpu", Map.of("bad key", "1")));
  }

  @Test
  void nonIntegerKnobIsATypedError() {
    ScheduleException e = assertThrows(ScheduleException.class, () -> Schedule.of("cpu").with("blockM", "big").intKnob("blockM", 1));
    assertThat(e.knob()).isEqualTo("blockM");
    assertThat(e.getMessage()).contains("must be an integer");
  }
}
