package dev.tessera.scheduler.cost;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Spearman's rank correlation, with tied values given their average rank. */
public final class Spearman {
  private Spearman() {}

  /** ρ of {@code a} and {@code b} (same length, at least 2); NaN when either has all values equal. */
  public static double rho(double[] a, double[] b) {
    if (a.length != b.length || a.length < 2) throw new IllegalArgumentException("need two equal-length vectors of at least 2 values");
    return pearson(ranks(a), ranks(b));
  }

  /** 1-based ranks; tied values share the mean of the ranks they span. */
  static double[] ranks(double[] v) {
    Integer[] order = IntStream.range(0, v.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
    double[] r = new double[v.length];
    for (int i = 0; i < order.length;) {
      int j = i;
      while (j + 1 < order.length && v[order[j + 1]] == v[order[i]]) j++;
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) r[order[k]] = rank;
      i = j + 1;
    }
    return r;
  }

  private static double pearson(double[] x, double[] y) {
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }
}
