package dev.tessera.bench;

import java.util.stream.IntStream;

/**
 * The unfused baseline: per (batch, head) it materialises the M×N score matrix, applies the soft cap, ALiBi bias and
 * mask, normalises (a row softmax, or an elementwise sigmoid), then computes P·V with plain loops. The (batch, head)
 * pairs run on a parallel stream, in the pool of the calling thread. Masked scores are not computed and zero weights
 * are skipped in P·V, so its causal work is about half, like the causal FLOP count. Semantics: {@link Problem}.
 */
final class UnfusedAttention {
  private UnfusedAttention() {}

  /** Returns O [B,H,M,E]; {@code slopes} [H] is read only for ALiBi. */
  static float[] forward(Problem p, float[] q, float[] k, float[] v, float[] slopes) {
    float[] out = new float[p.outLength()];
    float bias = (float) -Math.log(p.n());
    IntStream.range(0, p.b() * p.h()).parallel().forEach(bh -> {
      float[] s = scores(p, q, k, slopes, bh);
      if (p.sigmoid()) {
        // exp(+inf) = inf gives exactly 0 for masked entries.
        for (int i = 0; i < s.length; i++) s[i] = 1f / (1f + (float) Math.exp(-(s[i] + bias)));
      } else {
        for (int i = 0; i < p.m(); i++) softmaxRow(s, i * p.n(), p.n());
      }
      pv(p, s, v, out, bh);
    });
    return out;
  }

  private static int kvHead(Problem p, int bh) {
    return (bh / p.h()) * p.hk() + (bh % p.h()) / (p.h() / p.hk());
  }

  static float[] scores(Problem p, float[] q, float[] k, float[] slopes, int bh) {
    int m = p.m();
    int n = p.n();
    int d = p.d();
    int qBase = bh * m * d;
    int kBase = kvHead(p, bh) * n * d;
    float slope = p.alibi() ? slopes[bh % p.h()] : 0f;
    float cap = p.softcap();
    float scale = p.scale();
    float[] s = new float[m * n];
    for (int i = 0; i < m; i++) {
      int pos = i + n - m;
      for (int j = 0; j < n; j++) {
        if (!p.visible(i, j)) {
          s[i * n + j] = Float.NEGATIVE_INFINITY;
          continue;
        }
        float acc = 0f;
        for (int x = 0; x < d; x++) acc += q[qBase + i * d + x] * k[kBase + j * d + x];
        acc *= scale;
        if (cap > 0) acc = cap * (float) Math.tanh(acc / cap);
        if (p.alibi()) acc += slope * (j - pos);
        s[i * n + j] = acc;
      }
    }
    return s;
  }

  /** A row with no visible key (all −∞) becomes zeros, as the zoo specifies. */
  static void softmaxRow(float[] s, int off, int len) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = off; j < off + len; j++) max = Math.max(max, s[j]);
    if (max == Float.NEGATIVE_INFINITY) {
      java.util.Arrays.fill(s, off, off + len, 0f);
      return;
    }
    float sum = 0f;
    for (int j = off; j < off + len; j++) {
      float e = (float) Math.exp(s[j] - max);
      s[j] = e;
      sum += e;
    }
    float inv = 1f / sum;
    for (int j = off; j < off + len; j++) s[j] *= inv;
  }

  static void pv(Problem p, float[] w, float[] v, float[] out, int bh) {
    int m = p.m();
    int n = p.n();
    int e = p.e();
    int vBase = kvHead(p, bh) * n * e;
    int oBase = bh * m * e;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float wij = w[i * n + j];
        if (wij == 0f) continue;
        for (int x = 0; x < e; x++) out[oBase + i * e + x] += wij * v[vBase + j * e + x];
      }
    }
  }
}
