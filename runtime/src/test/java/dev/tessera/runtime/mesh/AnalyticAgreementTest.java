package dev.tessera.runtime.mesh;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.tessera.mesh.GemmKernels;
import dev.tessera.mesh.GemvKernels;
import dev.tessera.mesh.MeshKernel;
import org.junit.jupiter.api.Test;

/** The analytic mode agrees with the event mode within 5% wherever both run. */
class AnalyticAgreementTest {
  static double event(MeshKernel k) {
    return EventSimulator.run(k.program(), KernelNumericsTest.WSE2, new Memory(k.program()), null).cycles();
  }

  static void agree(MeshKernel k) {
    double e = event(k);
    double a = new Analytic(KernelNumericsTest.WSE2).cycles(k.shape());
    assertWithMessage(k.shape() + ": event " + e + ", analytic " + a).that(Math.abs(a - e) / e).isAtMost(0.05);
  }

  /** Latency-bound (one-element blocks), balanced and compute-bound blocks. */
  @Test
  void gemmUpTo64() {
    for (int p : new int[] {4, 16, 64}) {
      for (int f : new int[] {1, 3, 8}) {
        for (String alg : new String[] {"meshgemm", "cannon"}) agree(GemmKernels.build(alg, p, f * p, f * p, f * p, false));
      }
    }
    for (int p : new int[] {4, 16, 32}) {
      for (int f : new int[] {1, 3, 8}) agree(GemmKernels.build("summa", p, f * p, f * p, f * p, false));
    }
    agree(GemmKernels.build("meshgemm", 16, 100, 60, 30, true));
    agree(GemmKernels.build("cannon", 13, 20, 70, 5, false));
  }

  @Test
  void gemvUpTo64() {
    for (int p : new int[] {4, 16, 64}) {
      for (int f : new int[] {1, 64}) {
        for (String alg : new String[] {"meshgemv", "pipegemv"}) agree(GemvKernels.build(alg, p, f * p, f * p));
      }
    }
  }
}
