package dev.tessera.ir;

/** Combiners of reductions; each has an identity so empty reductions are defined. */
public enum ReduceKind {
  SUM(0.0), MAX(Double.NEGATIVE_INFINITY), MIN(Double.POSITIVE_INFINITY);

  private final double identity;

  ReduceKind(double identity) {
    this.identity = identity;
  }

  public double identity() {
    return identity;
  }

  public double combine(double a, double b) {
    return switch (this) {
      case SUM -> a + b;
      case MAX -> Math.max(a, b);
      case MIN -> Math.min(a, b);
    };
  }

  public String text() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
