package dev.tessera.bench;

/**
 * How the suites count floating-point work: a multiply-add is 2 FLOPs. Attention does 2·D for the score and 2·E for
 * the aggregation of each visible (query, key) pair, i.e. 4·B·H·M·N·D when nothing is masked and D = E; masked pairs
 * are not counted (causal is about half). A recurrence step does 2·D·E for the state update and 2·D·E for the readout.
 * Elementwise work (softmax, soft cap, decay) is not counted. Every implementation is credited the same count.
 */
final class Flops {
  private Flops() {}

  /** 2·B·H·(D + E) per visible (query, key) pair. */
  static double attention(int b, int h, int m, int n, int d, int e, boolean causal, int window) {
    return 2.0 * b * h * (d + e) * visiblePairs(m, n, causal, window);
  }

  /** 4·B·H·T·D·E. */
  static double recurrence(int b, int h, int t, int d, int e) {
    return 4.0 * b * h * t * d * e;
  }

  /**
   * The exact number of (m, n) pairs with key n visible to query m, bottom-right aligned: query m sits at p = m + N − M
   * and sees keys n ≤ p (causal) with p − n < window (window > 0). Each row's visible keys form one interval.
   */
  static long visiblePairs(int m, int n, boolean causal, int window) {
    long count = 0;
    for (int i = 0; i < m; i++) {
      long pos = (long) i + n - m;
      long hi = causal ? Math.min(pos, n - 1L) : n - 1L;
      long lo = window > 0 ? Math.max(0, pos - window + 1) : 0;
      count += Math.max(0, hi - lo + 1);
    }
    return count;
  }
}
