package dev.tessera.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tensor names as kernel parameters: kept where they are safe, renamed apart from C words and the kernels' locals. */
class NamesTest {
  @Test
  void keepsNamesThatCannotClash() {
    for (String n : List.of("Q", "K1", "gamma", "slopes", "blocks", "lam", "W3", "S")) assertEquals(n, Names.param(n));
    assertEquals("tmp_r0", Names.param("_r0"));
  }

  @Test
  void renamesCWordsAndLocals() {
    for (String n : List.of("int", "half", "s", "o", "g", "x", "a0", "t4", "kk", "acc", "lane", "seen_0", "st_0_1", "i_b", "nv_x", "Qs",
        "tile_lo", "tsr_min")) {
      assertEquals("t_" + n, Names.param(n), n);
    }
  }

  @Test
  void distinctTensorsKeepDistinctNames() {
    List<String> names = List.of("x", "t_x", "t_t_x", "_r0", "tmp_r0", "r0", "seen_0", "t_seen_0");
    Set<String> params = new HashSet<>();
    for (String n : names) params.add(Names.param(n));
    assertEquals(names.size(), params.size(), params.toString());
  }
}
