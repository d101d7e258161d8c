package dev.tessera.mesh;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MeshTextTest {
  static List<MeshKernel> kernels() {
    AttentionKernels.Dims d = new AttentionKernels.Dims(33, 20, 7, 9, 0.125, 3, "softmax");
    return List.of(GemmKernels.build("meshgemm", 5, 33, 77, 20, false), GemmKernels.build("cannon", 4, 8, 8, 8, true),
        GemmKernels.build("summa", 3, 9, 9, 9, false), GemvKernels.build("meshgemv", 10, 33, 77), GemvKernels.build("pipegemv", 4, 8, 8),
        AttentionKernels.prefill(4, d), AttentionKernels.decode(5, d));
  }

  @Test
  void everyGeneratedProgramRoundTrips() throws Exception {
    for (MeshKernel k : kernels()) {
      String text = MeshText.print(k.program());
      assertThat(MeshText.parse(text)).isEqualTo(k.program());
      assertThat(MeshText.print(MeshText.parse(text))).isEqualTo(text);
    }
  }

  @Test
  void printingIsDeterministic() {
    for (int i = 0; i < 2; i++) {
      assertThat(MeshText.print(GemmKernels.build("meshgemm", 6, 12, 12, 12, false).program()))
          .isEqualTo(MeshText.print(GemmKernels.build("meshgemm", 6, 12, 12, 12, false).program()));
    }
  }

  @Test
  void handWrittenProgram() throws Exception {
    String text = """
        mesh 2x1
        program left {
          buf a 4
          fill a 1.5 4
          send c0 a 4
        }
        program right {
          buf b 4
          recv c0 b+0 4
          exp b b 4
        }
        run 0..0,0..0 left
        run 1..1,0..0 right
        route 0..0,0..0 c0 R > E
        route 1..1,0..0 c0 W > R
        """;
    MeshProgram p = MeshText.parse(text);
    assertThat(p.programAt(1, 0).orElseThrow().name()).isEqualTo("right");
    assertThat(p.outs(0, 0, 0, Dir.R)).containsExactly(Dir.E);
    assertThat(p.colours()).containsExactly(0);
  }

  @Test
  void badTextNamesTheLine() {
    MeshSyntaxException e = assertThrows(MeshSyntaxException.class, () -> MeshText.parse("mesh 2x2\nprogram p {\n  frob a 3\n}\n"));
    assertThat(e.line).isEqualTo(3);
    assertThat(e.getMessage()).contains("unknown instruction 'frob'");
    e = assertThrows(MeshSyntaxException.class, () -> MeshText.parse("mesh 2x2\nprogram p {\n  send c0 a\n}\n"));
    assertThat(e.getMessage()).contains("missing operand");
    e = assertThrows(MeshSyntaxException.class, () -> MeshText.parse("mesh 2x2\nrun 0..1,0..1 nothing\n"));
    assertThat(e.getMessage()).contains("no program nothing");
    e = assertThrows(MeshSyntaxException.class, () -> MeshText.parse("program p {\n}\n"));
    assertThat(e.getMessage()).contains("expected 'mesh WxH' first");
  }

  @Test
  void interleavedRingNeighboursAreAtMostTwoApart() {
    for (int p = 1; p <= 40; p++) {
      Ring r = Ring.interleaved(p);
      for (int l = 0; l < p; l++) assertThat(Math.abs(r.phys(l) - r.phys(l + 1))).isAtMost(2);
      assertThat(java.util.stream.IntStream.range(0, p).map(r::phys).sorted().toArray())
          .isEqualTo(java.util.stream.IntStream.range(0, p).toArray());
    }
    assertThat(java.util.stream.IntStream.range(0, 7).map(Ring.interleaved(7)::phys).toArray()).isEqualTo(new int[] {0, 2, 4, 6, 5, 3, 1});
  }
}
