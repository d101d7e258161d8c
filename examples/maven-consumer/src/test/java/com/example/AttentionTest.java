package com.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.kernels.MhaKernel;
import dev.tessera.api.CompiledKernel;
import dev.tessera.api.Target;
import dev.tessera.api.Tensor;
import dev.tessera.api.Tessera;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Calls the facade generated from src/main/tessera/mha.attn. */
class AttentionTest {
  @Test
  void zeroQueriesAverageTheValues() {
    // All scores are equal when Q is zero, so every output row is the mean of the value rows.
    int n = 4;
    int d = 2;
    int e = 3;
    float[] q = new float[2 * d];
    float[] k = {1, 2, 3, 4, 5, 6, 7, 8};
    float[] v = {1, 2, 3, 5, 6, 7, -1, 0, 1, 3, 4, 5};
    // Flat arrays take the dimensions as arguments, in the order the kernel first names them
    // (B, H, M, D from Q, then N and E); the facade's Javadoc lists them.
    float[] o = MhaKernel.run(q, k, v, 1, 1, 2, d, n, e);
    assertArrayEquals(new float[] {2, 3, 4, 2, 3, 4}, o, 1e-5f);
  }

  @Test
  void matchesTheReferenceInterpreter() {
    Random r = new Random(7);
    Tensor q = tensor(r, 1, 2, 5, 8);
    Tensor k = tensor(r, 1, 2, 9, 8);
    Tensor v = tensor(r, 1, 2, 9, 3);
    // Tensors carry their shapes, so the dimensions come from them.
    Tensor got = MhaKernel.run(q, k, v);
    assertArrayEquals(new int[] {1, 2, 5, 3}, got.shape());

    // The same kernel through the API's reference interpreter (double precision).
    CompiledKernel ref = Tessera.fromSource(MhaKernel.RESOURCE, source()).target(Target.REF).compile();
    float[] want = ref.run(Map.of("Q", q, "K", k, "V", v)).get("O").toFloatArray();
    assertArrayEquals(want, got.toFloatArray(), 1e-4f);

    // The schedule the CPU backend uses for it.
    assertTrue(MhaKernel.kernel().schedule().orElseThrow().startsWith("cpu{"));
    assertEquals("mha", MhaKernel.kernel().name());
  }

  private static String source() {
    try (var in = AttentionTest.class.getClassLoader().getResourceAsStream(MhaKernel.RESOURCE)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }

  private static Tensor tensor(Random r, int... shape) {
    int size = 1;
    for (int s : shape) size *= s;
    float[] f = new float[size];
    for (int i = 0; i < size; i++) f[i] = (float) (r.nextGaussian());
    return Tensor.of(f, shape);
  }
}
