package dev.tessera.scheduler.tune;

import dev.tessera.ir.ElemType;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.cost.Calibration;
import dev.tessera.scheduler.cost.GpuCostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.profile.GpuProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The GPU cost model's weights, fitted per GPU profile from what a CUDA tuning session measured:
 * each measured schedule gives one row, the model's nominal terms for it against its time, and
 * {@link Calibration#fit} finds the weights. The prior is the profile's stored weights (else all
 * 1), so each session refines the last one's fit rather than starting over, and the directions a
 * short session cannot determine keep their earlier values. One such direction is structural: in
 * the flash kernel both the {@code tensor} and the {@code smem} term scale with warps × keys, so
 * measurements of attention schedules fix their weighted sum but not how it splits. The weights
 * live in {@link Calibration#file} under the profile's name, beside the CPU model's.
 */
public final class GpuCalibration {
  /** Fewer measured schedules than this fit nothing: the session is too short to say anything. */
  public static final int MIN_MEASUREMENTS = 3;

  private GpuCalibration() {}

  /**
   * A fit: the new weights, the rows they came from, and the mean relative error of the
   * predictions over those rows before (with the prior) and after.
   */
  public record Fit(double[] weights, int measurements, double errorBefore, double errorAfter) {
    public Fit {
      weights = weights.clone();
    }
  }

  /** The weights stored for {@code profile} under {@code cacheDir}, if a readable file is there. */
  public static Optional<double[]> stored(Path cacheDir, String profile) {
    return Calibration.read(Calibration.file(cacheDir, profile), GpuCostModel.TERMS);
  }

  /** The model for {@code dtype} with the stored weights of {@code profile}, else the defaults. */
  public static GpuCostModel model(ElemType dtype, String profile, Path cacheDir) {
    return new GpuCostModel(dtype, stored(cacheDir, profile).orElseGet(GpuCostModel::ones));
  }

  /**
   * Fits the weights of {@code profile}'s model to the schedules {@code result} measured for
   * {@code kernel} stored as {@code dtype}, and stores them; empty (nothing stored) when fewer than
   * {@link #MIN_MEASUREMENTS} were measured or the result came from the cache.
   *
   * @throws IOException when the weights cannot be written
   * @throws ScheduleException when a measured schedule's knobs are malformed for the model
   */
  public static Optional<Fit> update(Path cacheDir, KernelInfo kernel, GpuProfile profile, ElemType dtype, TuneResult result)
      throws IOException, ScheduleException {
    Optional<Fit> fit = fit(kernel, profile, dtype, stored(cacheDir, profile.name()).orElseGet(GpuCostModel::ones), result.trials());
    if (fit.isPresent()) {
      Calibration.write(Calibration.file(cacheDir, profile.name()), "GPU cost-model weights for " + profile.name()
          + " fitted by `tessera tune --target cuda` from " + fit.get().measurements() + " measured schedules", GpuCostModel.TERMS, fit.get().weights());
    }
    return fit;
  }

  /** The fit from the measured {@code trials} starting from {@code prior}; empty below {@link #MIN_MEASUREMENTS}. */
  public static Optional<Fit> fit(KernelInfo kernel, GpuProfile profile, ElemType dtype, double[] prior, List<TuneResult.Trial> trials)
      throws ScheduleException {
    GpuCostModel nominal = new GpuCostModel(dtype);
    List<double[]> rows = new ArrayList<>();
    List<Double> seconds = new ArrayList<>();
    for (TuneResult.Trial t : trials) {
      if (!t.wasMeasured() || !(t.seconds() > 0)) continue;
      rows.add(nominal.features(kernel, t.schedule(), profile));
      seconds.add(t.seconds());
    }
    if (rows.size() < MIN_MEASUREMENTS) return Optional.empty();
    double[][] x = rows.toArray(double[][]::new);
    double[] y = seconds.stream().mapToDouble(Double::doubleValue).toArray();
    double[] w = Calibration.fit(x, y, prior);
    return Optional.of(new Fit(w, rows.size(), meanRelativeError(x, y, prior), meanRelativeError(x, y, w)));
  }

  private static double meanRelativeError(double[][] x, double[] y, double[] w) {
    double sum = 0;
    for (int r = 0; r < x.length; r++) {
      double predicted = 0;
      for (int j = 0; j < w.length; j++) predicted += w[j] * x[r][j];
      sum += Math.abs(predicted - y[r]) / y[r];
    }
    return sum / x.length;
  }
}
