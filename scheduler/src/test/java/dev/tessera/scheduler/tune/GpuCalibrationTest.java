package dev.tessera.scheduler.tune;

import static com.google.common.truth.Truth.assertThat;

import dev.tessera.ir.ElemType;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.Scheduler;
import dev.tessera.scheduler.cost.Calibration;
import dev.tessera.scheduler.cost.GpuCostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.Profiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fitting the GPU model's weights from synthetic tuning measurements, and storing them per profile. */
class GpuCalibrationTest {
  /** Decode: one query row per head over many keys, so the enumeration varies threads, blockN and key splits. */
  private static final KernelInfo DECODE = new KernelInfo(KernelInfo.Kind.PARALLEL, 16, 1, 8192, 128, 128, 1, 1);
  private static final double[] TRUTH = {0.6, 1.8, 0.3, 2.5, 0.9, 1.4};
  private static final TuneKey KEY = TuneKey.of("decode", "h200", Map.of("N", 8192L));

  @TempDir
  Path tmp;

  private static GpuProfile profile(String name) throws Exception {
    return (GpuProfile) Profiles.load(Optional.empty(), new Host(Path.of("unused"), t -> {
      throw new AssertionError("not measured here");
    }, n -> { }), w -> { }).get(name);
  }

  /** Every legal schedule "measured" at the time a model with {@code truth} predicts, times a little noise. */
  private static TuneResult measured(GpuProfile p, double[] truth, double noise, int limit) throws Exception {
    GpuCostModel model = new GpuCostModel(ElemType.F16, truth);
    Random r = new Random(7);
    List<TuneResult.Trial> trials = new ArrayList<>();
    for (Schedule s : Scheduler.enumerateCuda(DECODE, p, ElemType.F16)) {
      if (trials.size() == limit) break;
      trials.add(TuneResult.Trial.measured(s, model.predict(DECODE, s, p).seconds() * (1 + noise * r.nextGaussian())));
    }
    trials.add(TuneResult.Trial.skipped(trials.get(0).schedule().with("threads", 4096), "ptxas: too many threads"));
    TuneResult.Trial best = trials.get(0);
    return new TuneResult(KEY, best.schedule(), best.seconds(), trials, false);
  }

  /** The weights a flash-kernel session determines: all but the split between tensor and smem (see {@link GpuCalibration}). */
  private static void assertRecovered(double[] w, GpuProfile p) throws Exception {
    assertThat(new double[] {w[1], w[3], w[4], w[5]}).usingTolerance(1e-3).containsExactly(TRUTH[1], TRUTH[3], TRUTH[4], TRUTH[5]).inOrder();
    double[] f = new GpuCostModel(ElemType.F16).features(DECODE, Scheduler.enumerateCuda(DECODE, p, ElemType.F16).get(0), p);
    assertThat(w[0] * f[0] + w[2] * f[2]).isWithin(1e-9).of(TRUTH[0] * f[0] + TRUTH[2] * f[2]);
  }

  @Test
  void recoversKnownWeightsFromMeasurements() throws Exception {
    GpuProfile h200 = profile("h200");
    TuneResult r = measured(h200, TRUTH, 0, Integer.MAX_VALUE);
    GpuCalibration.Fit fit = GpuCalibration.fit(DECODE, h200, ElemType.F16, GpuCostModel.ones(), r.trials()).orElseThrow();
    assertThat(fit.measurements()).isEqualTo(r.trials().size() - 1);
    assertThat(fit.measurements()).isAtLeast(20);
    assertRecovered(fit.weights(), h200);
    assertThat(fit.errorBefore()).isGreaterThan(0.05);
    assertThat(fit.errorAfter()).isLessThan(1e-6);
  }

  @Test
  void noisyMeasurementsStillLandNearTheTruth() throws Exception {
    GpuProfile h200 = profile("h200");
    GpuCalibration.Fit fit = GpuCalibration.fit(DECODE, h200, ElemType.F16, GpuCostModel.ones(), measured(h200, TRUTH, 0.01, Integer.MAX_VALUE).trials())
        .orElseThrow();
    assertThat(fit.errorAfter()).isLessThan(0.02);
    assertThat(fit.errorAfter()).isLessThan(fit.errorBefore());
  }

  @Test
  void tooFewMeasurementsFitNothingAndAShortSessionExplainsItsRowsWithoutLeavingThePriorFar() throws Exception {
    GpuProfile h200 = profile("h200");
    assertThat(GpuCalibration.fit(DECODE, h200, ElemType.F16, GpuCostModel.ones(), measured(h200, TRUTH, 0, 2).trials())).isEmpty();
    GpuCalibration.Fit three = GpuCalibration.fit(DECODE, h200, ElemType.F16, GpuCostModel.ones(), measured(h200, TRUTH, 0, 3).trials())
        .orElseThrow();
    assertThat(three.measurements()).isEqualTo(3);
    assertThat(three.errorAfter()).isLessThan(1e-6);
    for (double w : three.weights()) assertThat(w).isAtLeast(0.0);
  }

  @Test
  void updateStoresPerProfileAndTheModelLoadsIt() throws Exception {
    GpuProfile h200 = profile("h200");
    assertThat(GpuCalibration.stored(tmp, "h200")).isEmpty();
    assertThat(GpuCalibration.model(ElemType.F16, "h200", tmp).weights()).isEqualTo(GpuCostModel.ones());
    GpuCalibration.Fit fit = GpuCalibration.update(tmp, DECODE, h200, ElemType.F16, measured(h200, TRUTH, 0, Integer.MAX_VALUE)).orElseThrow();
    Path file = Calibration.file(tmp, "h200");
    assertThat(Files.readString(file)).contains("fitted by `tessera tune --target cuda`");
    assertThat(GpuCalibration.stored(tmp, "h200").orElseThrow()).usingTolerance(1e-5).containsExactly(fit.weights()).inOrder();
    assertRecovered(GpuCalibration.model(ElemType.F16, "h200", tmp).weights(), h200);
    assertThat(GpuCalibration.stored(tmp, "h100")).isEmpty();
    assertThat(GpuCalibration.model(ElemType.F16, "h100", tmp).weights()).isEqualTo(GpuCostModel.ones());
  }

  @Test
  void aResultFromTheCacheOrOfTooFewSchedulesStoresNothing() throws Exception {
    GpuProfile h200 = profile("h200");
    TuneResult cached = new TuneResult(KEY, Scheduler.CUDA_CONTRACTION, 1e-3, List.of(), true);
    assertThat(GpuCalibration.update(tmp, DECODE, h200, ElemType.F16, cached)).isEmpty();
    assertThat(GpuCalibration.update(tmp, DECODE, h200, ElemType.F16, measured(h200, TRUTH, 0, 2))).isEmpty();
    assertThat(Files.exists(Calibration.file(tmp, "h200"))).isFalse();
  }
}
