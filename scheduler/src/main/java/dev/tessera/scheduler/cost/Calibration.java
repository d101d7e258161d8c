package dev.tessera.scheduler.cost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Fits a cost model's term weights to measurements by least squares: measured seconds ≈ Σ wᵢ·fᵢ
 * over the model's nominal terms fᵢ. Rows are weighted by 1/measured so the fit minimises relative
 * error (times span orders of magnitude across schedules). Weights stay non-negative: a term whose
 * weight comes out negative is dropped (weight 0) and the rest refitted. A term that is zero in
 * every row cannot be fitted and keeps its prior weight. The fit is the smallest change to the
 * prior that explains the data: a tiny ridge pulls towards the prior, so with fewer measurements
 * than terms (a short GPU tuning session) the directions the data do not determine keep their
 * prior weights instead of drifting to arbitrary values.
 */
public final class Calibration {
  private Calibration() {}

  /** The weights that best explain {@code seconds} from {@code features} (one row per measurement). */
  public static double[] fit(double[][] features, double[] seconds, double[] prior) {
    return fit(features, seconds, prior, 1);
  }

  /**
   * As {@link #fit(double[][], double[], double[])}, but a term non-zero in fewer than {@code minRows}
   * measurements keeps its prior weight, and counts at that weight while the others are fitted: a
   * handful of schedules of one kernel cannot determine the terms only that kernel has.
   */
  public static double[] fit(double[][] features, double[] seconds, double[] prior, int minRows) {
    int terms = prior.length;
    double[] w = prior.clone();
    List<Integer> active = new ArrayList<>();
    for (int j = 0; j < terms; j++) {
      int seen = 0;
      for (double[] row : features) if (row[j] != 0) seen++;
      if (seen > 0 && seen >= minRows) active.add(j);
    }
    while (!active.isEmpty()) {
      double[] fitted = solve(features, seconds, active, w);
      int worst = -1;
      for (int i = 0; i < active.size(); i++) if (fitted[i] < 0 && (worst < 0 || fitted[i] < fitted[worst])) worst = i;
      if (worst < 0) {
        for (int i = 0; i < active.size(); i++) w[active.get(i)] = fitted[i];
        return w;
      }
      w[active.remove(worst)] = 0;
    }
    return w;
  }

  /** The weights of {@code columns} that best fit, as the prior's plus a ridge-regularised correction (the other columns are 0). */
  private static double[] solve(double[][] features, double[] seconds, List<Integer> columns, double[] prior) {
    RealMatrix a = new Array2DRowRealMatrix(features.length, columns.size());
    ArrayRealVector b = new ArrayRealVector(features.length);
    for (int r = 0; r < features.length; r++) {
      double scale = 1 / seconds[r];
      // Terms not being fitted count at their current weight (0 once dropped, the prior when held).
      double predicted = 0;
      for (int j = 0; j < prior.length; j++) if (!columns.contains(j)) predicted += features[r][j] * prior[j] * scale;
      for (int c = 0; c < columns.size(); c++) {
        a.setEntry(r, c, features[r][columns.get(c)] * scale);
        predicted += a.getEntry(r, c) * prior[columns.get(c)];
      }
      b.setEntry(r, 1 - predicted);
    }
    // A tiny ridge on the correction keeps nearly collinear terms from taking huge opposite weights
    // and leaves undetermined directions at the prior.
    RealMatrix ata = a.transpose().multiply(a);
    for (int c = 0; c < columns.size(); c++) ata.addToEntry(c, c, 1e-9 * Math.max(1, ata.getEntry(c, c)));
    double[] delta = new QRDecomposition(ata).getSolver().solve(a.transpose().operate(b)).toArray();
    for (int c = 0; c < columns.size(); c++) delta[c] += prior[columns.get(c)];
    return delta;
  }

  /** Where the weights for {@code profile} live: beside the profile cache, {@code cost-model-PROFILE.weights}. */
  public static Path file(Path cacheDir, String profile) {
    return cacheDir.resolve("cost-model-" + profile + ".weights");
  }

  /** Writes {@code name = value} lines in term order, under the CPU model's comment. */
  public static void write(Path file, List<String> terms, double[] weights) throws IOException {
    write(file, "CPU cost-model weights fitted by `tessera bench cost-model`", terms, weights);
  }

  /** Writes {@code # source; delete to use the defaults.} and {@code name = value} lines in term order. */
  public static void write(Path file, String source, List<String> terms, double[] weights) throws IOException {
    StringBuilder sb = new StringBuilder("# " + source + "; delete to use the defaults.\n");
    for (int i = 0; i < terms.size(); i++) sb.append(String.format(Locale.ROOT, "%s = %.6g%n", terms.get(i), weights[i]));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, sb.toString());
  }

  /** The stored weights, or empty when the file is missing, malformed or names other terms. */
  public static Optional<double[]> read(Path file, List<String> terms) {
    if (!Files.isRegularFile(file)) return Optional.empty();
    double[] w = new double[terms.size()];
    boolean[] seen = new boolean[terms.size()];
    try {
      for (String line : Files.readAllLines(file)) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) continue;
        String[] kv = t.split("=", 2);
        int i = kv.length == 2 ? terms.indexOf(kv[0].strip()) : -1;
        if (i < 0) return Optional.empty();
        w[i] = Double.parseDouble(kv[1].strip());
        if (!(w[i] >= 0) || Double.isInfinite(w[i])) return Optional.empty();
        seen[i] = true;
      }
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    for (boolean s : seen) if (!s) return Optional.empty();
    return Optional.of(w);
  }
}
