package dev.tessera.runtime.mesh;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.mesh.MeshProgram;
import dev.tessera.mesh.MeshText;
import org.junit.jupiter.api.Test;

/** The simulator's cost model on hand-written programs whose cycles can be worked out on paper. */
class EventSimulatorTest {
  /** α = 1 per hop, 2 cycles router↔core, 4 to start an instruction, β = 20 so a receive's task costs 16. */
  static final SimParams P = new SimParams(1, 20, 2, 4, 1, 2);

  static SimResult run(String text, SimParams p) throws Exception {
    MeshProgram prog = MeshText.parse(text);
    return EventSimulator.run(prog, p, new Memory(prog), null);
  }

  @Test
  void oneMessageOverOneHop() throws Exception {
    SimResult r = run("""
        mesh 2x1
        program a {
          buf x 10
          send c0 x 10
        }
        program b {
          buf y 10
          recv c0 y 10
        }
        run 0..0,0..0 a
        run 1..1,0..0 b
        route 0..0,0..0 c0 R > E
        route 1..1,0..0 c0 W > R
        """, P);
    // send issues at 4, head on the router at 6, over the link at 7, the last word in the core at 7 + 2 + 10, task 16.
    assertThat(r.cycles()).isEqualTo(35.0);
    assertThat(r.linkWords()[1]).isEqualTo(10);
  }

  @Test
  void messagesSharingALinkQueue() throws Exception {
    String text = """
        mesh 3x1
        program a {
          buf x 10
          send c0 x 10
        }
        program b {
          buf x 10
          send c1 x 10
        }
        program c {
          buf y 10
          recv c1 y 10
          recv c0 y 10
        }
        run 0..0,0..0 a
        run 1..1,0..0 b
        run 2..2,0..0 c
        route 0..0,0..0 c0 R > E
        route 1..1,0..0 c0 W > E
        route 2..2,0..0 c0 W > R
        route 1..1,0..0 c1 R > E
        route 2..2,0..0 c1 W > R
        """;
    SimResult r = run(text, P);
    // Both cross link 1→2 (20 words), first come first served. Core 1's head is there at 6 and takes it for
    // 6..16 (in core 2 at 19); core 0's head comes at 7, waits until 16 and is in core 2 at 29 rather than 20.
    // The receives end at 19 + 16 = 35 and max(35, 29) + 16 = 51.
    assertThat(r.linkWords()[4 + 1]).isEqualTo(20);
    assertThat(r.cycles()).isEqualTo(51.0);
  }

  @Test
  void fullFifosHoldTheSenderBack() throws Exception {
    String text = """
        mesh 2x1
        program a {
          buf x 4
          buf big 400
          send c0 x 4
          send c0 x 4
          send c0 x 4
          send c0 x 4
          fill big 1.0 400
        }
        program b {
          buf y 4
          buf z 300
          recv c0 y 4
          exp z z 300
          recv c0 y 4
          exp z z 300
          recv c0 y 4
          recv c0 y 4
        }
        run 0..0,0..0 a
        run 1..1,0..0 b
        route 0..0,0..0 c0 R > E
        route 1..1,0..0 c0 W > R
        """;
    SimResult deep = run(text, new SimParams(1, 20, 2, 4, 1, 8));
    SimResult shallow = run(text, new SimParams(1, 20, 2, 4, 1, 2));
    assertThat(deep.busy()[0]).isEqualTo(shallow.busy()[0]);
    // With two slots the sender waits for the receiver's first exp before its third send, and its fill ends later.
    assertThat(shallow.cycles()).isGreaterThan(deep.cycles());
  }

  @Test
  void multicastReachesEveryCore() throws Exception {
    String text = """
        mesh 3x1
        program root {
          buf x 2
          fill x 2.5 2
          send c0 x 2
        }
        program leaf {
          buf y 2
          recv c0 y 2
        }
        run 0..2,0..0 leaf
        run 1..1,0..0 root
        route 1..1,0..0 c0 R > E,W
        route 0..0,0..0 c0 E > R
        route 2..2,0..0 c0 W > R
        """;
    MeshProgram prog = MeshText.parse(text);
    Memory mem = new Memory(prog);
    EventSimulator.run(prog, P, mem, null);
    assertThat(mem.buffer(0, 0, "y")).isEqualTo(new float[] {2.5f, 2.5f});
    assertThat(mem.buffer(2, 0, "y")).isEqualTo(new float[] {2.5f, 2.5f});
  }

  @Test
  void aReceiveNobodySendsToIsReportedAsADeadlock() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> run("""
        mesh 1x1
        program a {
          buf y 2
          recv c0 y 2
        }
        run 0..0,0..0 a
        """, P));
    assertThat(e.getMessage()).contains("deadlock: core (0,0)");
  }

  @Test
  void aMessageWithoutARouteIsAnError() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> run("""
        mesh 3x1
        program a {
          buf x 2
          send c0 x 2
        }
        run 0..0,0..0 a
        route 0..0,0..0 c0 R > E
        """, P));
    assertThat(e.getMessage()).isEqualTo("a message on colour c0 reaches the router of core (1,0) from W, which has no route for it");
  }
}
