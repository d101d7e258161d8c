package com.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.kernels.GemmKernel;
import com.example.kernels.MhaCausalKernel;
import dev.tessera.api.Tensor;
import dev.tessera.api.TesseraException;
import org.junit.jupiter.api.Test;

/** Calls the facades the plugin generated and checks them against results worked out by hand. */
class KernelsTest {
  @Test
  void gemmByHand() {
    // [1 2 3; 4 5 6] x [1 0; 0 1; 1 1] = [4 5; 10 11]
    float[] a = {1, 2, 3, 4, 5, 6};
    float[] b = {1, 0, 0, 1, 1, 1};
    assertArrayEquals(new float[] {4, 5, 10, 11}, GemmKernel.run(a, b, 2, 3, 2), 1e-6f);
    Tensor c = GemmKernel.run(Tensor.of(a, 2, 3), Tensor.of(b, 3, 2));
    assertArrayEquals(new int[] {2, 2}, c.shape());
    assertEquals(10.0, c.get(1, 0), 1e-6);
  }

  @Test
  void causalAttentionByHand() {
    // One head, three queries and keys, D = 2 (fixed by the build), E = 2. Query 0 sees key 0 only,
    // so O[0] = V[0]. Queries 1 and 2 are zero: equal scores over the keys they see, so O is the mean of those V rows.
    float[] q = {3, -1, 0, 0, 0, 0};
    float[] k = {1, 2, -2, 1, 0.5f, 0.5f};
    float[] v = {1, 2, 3, 4, 5, 9};
    float[] o = MhaCausalKernel.run(q, k, v, 1, 1, 3, 3, 2);
    float[] want = {1, 2, 2, 3, 3, 5};
    assertArrayEquals(want, o, 1e-5f);
    assertTrue(MhaCausalKernel.kernel().schedule().orElseThrow().startsWith("cpu{"));
  }

  @Test
  void wrongSizesArePositionedErrors() {
    TesseraException e = assertThrows(TesseraException.class, () -> GemmKernel.run(new float[5], new float[6], 2, 3, 2));
    assertEquals("E402", e.code());
    assertTrue(e.summary().startsWith("tessera/gemm.attn:2:"), e.summary());
  }
}
