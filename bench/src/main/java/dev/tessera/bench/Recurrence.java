package dev.tessera.bench;

import java.util.stream.IntStream;

/**
 * The sequential baseline for linear-attention recurrences: per (batch, head) a D×E state, stepped through t in
 * order, S_t = decay_t ⊙ S_{t−1} + k_tᵀ v_t then o_t = q_t · S_t. The (batch, head) pairs run on a parallel stream
 * in the pool of the calling thread. Layouts: Q, K [B,H,T,D], V and O [B,H,T,E].
 */
final class Recurrence {
  private Recurrence() {}

  /** Fills {@code decay} [D] with the decay of step t for the flattened (batch, head) {@code bh}. */
  private interface Decay {
    void fill(int bh, int t, float[] decay);
  }

  /** RetNet: every channel decays by gamma[h]. */
  static float[] retnet(RecurrentProblem r, float[] q, float[] k, float[] v, float[] gamma) {
    return run(r, q, k, v, (bh, t, decay) -> java.util.Arrays.fill(decay, gamma[bh % r.h()]));
  }

  /** Gated linear attention: key channel d decays by exp(g[b,h,t,d]). */
  static float[] gla(RecurrentProblem r, float[] q, float[] k, float[] v, float[] g) {
    return run(r, q, k, v, (bh, t, decay) -> {
      int base = (bh * r.t() + t) * r.d();
      for (int i = 0; i < decay.length; i++) decay[i] = (float) Math.exp(g[base + i]);
    });
  }

  private static float[] run(RecurrentProblem r, float[] q, float[] k, float[] v, Decay decayOf) {
    int d = r.d();
    int e = r.e();
    float[] out = new float[r.b() * r.h() * r.t() * e];
    IntStream.range(0, r.b() * r.h()).parallel().forEach(bh -> {
      float[] state = new float[d * e];
      float[] decay = new float[d];
      for (int t = 0; t < r.t(); t++) {
        decayOf.fill(bh, t, decay);
        int qk = (bh * r.t() + t) * d;
        int vo = (bh * r.t() + t) * e;
        for (int i = 0; i < d; i++) {
          float a = decay[i];
          float ki = k[qk + i];
          float qi = q[qk + i];
          int row = i * e;
          for (int j = 0; j < e; j++) {
            float s = a * state[row + j] + ki * v[vo + j];
            state[row + j] = s;
            out[vo + j] += qi * s;
          }
        }
      }
    });
    return out;
  }
}
