package dev.tessera.bench;

import java.util.Map;

/**
 * A linear-attention recurrence over T steps: S_t = decay_t ⊙ S_{t−1} + k_tᵀ v_t, o_t = q_t · S_t, S_0 = 0.
 * RetNet decays every channel by gamma[h]; gated linear attention decays key channel d by exp(g[b,h,t,d]).
 */
record RecurrentProblem(int b, int h, int t, int d, int e, boolean gated) implements Workload {
  @Override
  public double flops() {
    return Flops.recurrence(b, h, t, d, e);
  }

  @Override
  public float[] unfused(Map<String, float[]> inputs) {
    float[] q = inputs.get("Q");
    float[] k = inputs.get("K");
    float[] v = inputs.get("V");
    return gated ? Recurrence.gla(this, q, k, v, inputs.get("g")) : Recurrence.retnet(this, q, k, v, inputs.get("gamma"));
  }
}
