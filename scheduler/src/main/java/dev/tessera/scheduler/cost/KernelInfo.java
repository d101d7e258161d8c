package dev.tessera.scheduler.cost;

/**
 * What a cost model needs to know about a kernel, with its dimensions bound: its template, the
 * batch (B·H) it runs over, and its sizes. For {@link Kind#PARALLEL} attention {@code m} queries
 * attend to {@code n} keys with head dimensions {@code d} (Q, K) and {@code e} (V); for
 * {@link Kind#RECURRENT} attention {@code m = n = T} steps with a {@code d×e} state; for a
 * {@link Kind#CONTRACTION} {@code C[m, n] = Σ_d A[m, d]·B[d, n]}, {@code e = 0}.
 *
 * @param visibleFraction the fraction of (query, key) pairs the mask lets through, in (0, 1]
 * @param passes passes over the keys the normalizer needs (0 for none, as in a contraction)
 */
public record KernelInfo(Kind kind, long batch, long m, long n, long d, long e, double visibleFraction, int passes) {
  /** The template a kernel's dominant op was recognised as. */
  public enum Kind { PARALLEL, RECURRENT, CONTRACTION }

  public KernelInfo {
    if (kind == null || batch < 1 || m < 1 || n < 1 || d < 1 || e < 0 || passes < 0 || passes > 3) {
      throw new IllegalArgumentException("kernel info " + kind + " batch=" + batch + " m=" + m + " n=" + n + " d=" + d + " e=" + e);
    }
    if (!(visibleFraction > 0 && visibleFraction <= 1)) throw new IllegalArgumentException("visible fraction " + visibleFraction);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " batch=" + batch + " m=" + m + " n=" + n + " d=" + d + " e=" + e
        + String.format(java.util.Locale.ROOT, " visible=%.3f passes=%d", visibleFraction, passes);
  }
}
