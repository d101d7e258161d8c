package dev.tessera.scheduler.cost;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationTest {
  @TempDir
  Path tmp;

  private static double[][] features(int rows, int terms, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[rows][terms];
    for (double[] row : x) for (int j = 0; j < terms; j++) row[j] = 1e-3 * (0.1 + r.nextDouble());
    return x;
  }

  private static double[] times(double[][] x, double[] w) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) for (int j = 0; j < w.length; j++) y[i] += w[j] * x[i][j];
    return y;
  }

  @Test
  void recoversKnownWeightsFromExactData() {
    double[] truth = {1.7, 0.4, 2.5, 0.05, 0.7, 3.0, 1.4, 0.8, 1.2, 0.3, 1.9, 0.6, 2.2, 0.9};
    double[][] x = features(60, truth.length, 1);
    double[] fitted = Calibration.fit(x, times(x, truth), CpuCostModel.ones());
    assertThat(fitted).usingTolerance(1e-4).containsExactly(truth).inOrder();
  }

  @Test
  void recoversKnownWeightsThroughNoise() {
    double[] truth = {2.0, 0.5, 1.0};
    double[][] x = features(400, truth.length, 2);
    double[] y = times(x, truth);
    Random r = new Random(3);
    for (int i = 0; i < y.length; i++) y[i] *= 1 + 0.02 * r.nextGaussian();
    assertThat(Calibration.fit(x, y, new double[] {1, 1, 1})).usingTolerance(0.1).containsExactly(truth).inOrder();
  }

  @Test
  void termsAbsentFromTheDataKeepTheirPriorAndNegativeOnesAreDropped() {
    double[][] x = features(50, 3, 4);
    for (double[] row : x) row[1] = 0;
    double[] y = times(x, new double[] {1.5, 0, -0.2});
    double[] fitted = Calibration.fit(x, y, new double[] {1, 7, 1});
    assertThat(fitted[1]).isEqualTo(7);
    assertThat(fitted[2]).isEqualTo(0);
    assertThat(fitted[0]).isGreaterThan(0);
  }

  @Test
  void termsSeenInTooFewMeasurementsKeepTheirPriorAndStillCount() {
    double[][] x = features(20, 2, 5);
    for (int i = 2; i < x.length; i++) x[i][1] = 0;
    // Term 1 appears in two rows only: held at its prior of 1, it still explains its share of them.
    double[] held = Calibration.fit(x, times(x, new double[] {2, 1}), new double[] {1, 1}, 5);
    assertThat(held).usingTolerance(1e-6).containsExactly(new double[] {2, 1}).inOrder();
    double[] fitted = Calibration.fit(x, times(x, new double[] {2, 3}), new double[] {1, 1}, 1);
    assertThat(fitted).usingTolerance(1e-6).containsExactly(new double[] {2, 3}).inOrder();
  }

  @Test
  void weightsRoundTripThroughTheirFile() throws Exception {
    Path file = Calibration.file(tmp, "host");
    assertThat(file.getFileName().toString()).isEqualTo("cost-model-host.weights");
    double[] w = {1.25, 0, 3.5e-3, 2, 0.3, 1, 0.75, 0.5, 10, 0.6, 1.5, 0.25, 4, 1};
    Calibration.write(file, CpuCostModel.TERMS, w);
    assertThat(Calibration.read(file, CpuCostModel.TERMS).orElseThrow()).usingTolerance(1e-9).containsExactly(w).inOrder();
    Files.writeString(file, "compute = 1\n");
    assertThat(Calibration.read(file, CpuCostModel.TERMS)).isEmpty();
    assertThat(Calibration.read(tmp.resolve("missing"), List.of("compute"))).isEmpty();
  }
}
