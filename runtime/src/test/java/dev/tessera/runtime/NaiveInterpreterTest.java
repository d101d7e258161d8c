package dev.tessera.runtime;

import static com.google.common.truth.Truth.assertThat;

import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The naïve low-precision evaluation rounds every op's result; the reference rounds nothing. */
class NaiveInterpreterTest {
  @Test
  void roundsEachIntermediateToTheStorageType() throws Exception {
    String text = """
        kernel k(X: f16[N]) -> (Y: f16[N]) defaults(N = 1) {
          T[n] = X[n] * 3.0
          Y[n] = T[n] / 3.0
        }
        """;
    Frontend.Compiled c = Frontend.compile(new Sources(), "k.attn", text);
    Module m = Pipeline.run(c.module());
    Kernel k = m.kernels().get(0);
    Map<String, DenseTensor> in = Map.of("X", new DenseTensor(new int[] {1}, new double[] {0.0999755859375}));
    Map<String, Long> dims = Map.of("N", 1L);
    double exact = new Interpreter(m, c.sourceMap()).run(k, dims, in).get("Y").data()[0];
    double naive = Interpreter.naive(m, c.sourceMap(), ElemType.F16).run(k, dims, in).get("Y").data()[0];
    assertThat(exact).isWithin(1e-15).of(0.0999755859375);
    // 3X = 0.2999267578125 lies halfway between two f16 (steps of 2^-12 there) and is stored as the even
    // one, 0.2998046875; a third of that, 0.09993489..., is stored as 0.09991455078125 (steps of 2^-14).
    assertThat(naive).isEqualTo(0.09991455078125);
  }
}
