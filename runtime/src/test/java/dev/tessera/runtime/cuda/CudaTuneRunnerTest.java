package dev.tessera.runtime.cuda;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.cuda.CudaBackend;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.IrPrinter;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.KernelInfos;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.cost.GpuCostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.Profiles;
import dev.tessera.scheduler.tune.Autotuner;
import dev.tessera.scheduler.tune.Budget;
import dev.tessera.scheduler.tune.GpuCalibration;
import dev.tessera.scheduler.tune.TuneCache;
import dev.tessera.scheduler.tune.TuneKey;
import dev.tessera.scheduler.tune.TuneRequest;
import dev.tessera.scheduler.tune.TuneResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA tuning flow without a GPU: the real generator behind a compiler that skips nvcc, and a
 * device whose "measured" times are those of a cost model with known weights. Ranking, skipping,
 * the median, caching and calibration are checked; a launch on real hardware is the launcher's test.
 */
class CudaTuneRunnerTest {
  /** The weights of the stand-in GPU: what calibration should find (up to tensor/smem, which attention cannot separate). */
  private static final double[] TRUTH = {0.5, 2.0, 0.5, 1.5, 3.0, 1.2};
  private static final Map<String, Long> DIMS = Map.of("B", 1L, "H", 4L, "M", 1L, "N", 512L, "D", 64L, "E", 64L);

  @TempDir
  Path tmp;

  private Module module;
  private Kernel kernel;
  private Inputs.Prepared prepared;
  private GpuProfile h200;
  private KernelInfo info;
  private final List<Schedule> timed = new ArrayList<>();
  private int closed;

  @BeforeEach
  void compile() throws Exception {
    Frontend.Compiled c = Frontend.compile(new Sources(), Path.of("..", "examples", "attention", "mha.attn"));
    module = Pipeline.run(c.module());
    kernel = module.kernels().get(0);
    prepared = Inputs.prepare(kernel, c.sourceMap(), Map.of(), DIMS, 3);
    h200 = (GpuProfile) Profiles.load(Optional.empty(), new Host(Path.of("unused"), t -> {
      throw new AssertionError("not measured here");
    }, n -> { }), w -> { }).get("h200");
    info = KernelInfos.of(kernel, prepared.dims()).orElseThrow();
  }

  /** The CUDA backend's generation (so illegal tilings fail as they would), with the schedule as the "image"; {@code rejected} fails as nvcc would. */
  private CudaTuneRunner.Compiler compiler(Schedule rejected) {
    return s -> {
      if (s.equals(rejected)) throw new ScheduleException(s, "nvcc", "rejected it: ptxas error   : Entry function uses too much shared data");
      String manifest = CudaBackend.generate(module, kernel, s, h200, prepared.dims(), null).manifest();
      return new CudaTuneRunner.Compiled(LaunchManifest.parse(manifest), s.toString().getBytes(StandardCharsets.UTF_8));
    };
  }

  /** Times as the {@link #TRUTH} model predicts them, with a slow first run the median must ignore; {@code unlaunchable} fails as the driver would. */
  private CudaTuneRunner.Device device(Schedule unlaunchable) {
    GpuCostModel truth = new GpuCostModel(ElemType.F32, TRUTH);
    return new CudaTuneRunner.Device() {
      @Override
      public double[] time(CudaTuneRunner.Compiled c, double warmUp, int runs) throws CudaLauncher.CudaUnavailable {
        Schedule s = Schedule.parse(new String(c.image(), StandardCharsets.UTF_8));
        timed.add(s);
        if (s.equals(unlaunchable)) throw new CudaLauncher.CudaUnavailable("the CUDA driver rejected a call: CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES");
        double ms;
        try {
          ms = truth.predict(info, s, h200).seconds() * 1e3;
        } catch (ScheduleException e) {
          throw new AssertionError(e);
        }
        double[] millis = new double[runs];
        java.util.Arrays.fill(millis, ms);
        millis[0] = 50 * ms;
        millis[1] = 0.5 * ms;
        return millis;
      }

      @Override
      public void close() {
        closed++;
      }
    };
  }

  @Test
  void candidatesAreTheLegalCudaSchedulesInTheModelsOrder() throws Exception {
    GpuCostModel model = new GpuCostModel(ElemType.F32);
    List<Schedule> ranked = CudaTuneRunner.candidates(kernel, prepared.dims(), h200, model);
    assertThat(ranked.size()).isGreaterThan(10);
    List<Double> predicted = new ArrayList<>();
    for (Schedule s : ranked) predicted.add(model.predict(info, s, h200).seconds());
    assertThat(predicted).isInOrder();
    assertThat(ranked.stream().map(s -> s.get("splitKv").orElseThrow()).distinct().count()).isGreaterThan(1L);
  }

  @Test
  void tuningMeasuresTheTopInOrderSkipsWhatFailsCachesTheFastestAndCalibrates() throws Exception {
    List<Schedule> candidates = CudaTuneRunner.candidates(kernel, prepared.dims(), h200, new GpuCostModel(ElemType.F32));
    Schedule noCompile = candidates.get(1);
    Schedule noLaunch = candidates.get(3);
    TuneKey key = TuneKey.of(IrPrinter.print(kernel), h200.name(), prepared.dims());
    TuneCache cache = new TuneCache(tmp.resolve(TuneCache.FILE), w -> {
      throw new AssertionError(w);
    });
    TuneResult r;
    try (CudaTuneRunner runner = new CudaTuneRunner(compiler(noCompile), device(noLaunch), 0.01)) {
      r = new Autotuner(cache).measure(new TuneRequest(key, candidates), runner, Budget.candidates(9), Autotuner.Progress.NONE);
    }
    assertThat(closed).isEqualTo(1);
    assertThat(r.trials().stream().map(TuneResult.Trial::schedule).toList()).containsExactlyElementsIn(candidates.subList(0, 9)).inOrder();
    assertThat(timed).doesNotContain(noCompile);
    assertThat(r.trials().get(1).problem()).contains("too much shared data");
    assertThat(r.trials().get(3).problem()).contains("CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES");
    assertThat(r.trials().stream().filter(TuneResult.Trial::wasMeasured).count()).isEqualTo(7);

    GpuCostModel truth = new GpuCostModel(ElemType.F32, TRUTH);
    TuneResult.Trial fastest = r.trials().stream().filter(TuneResult.Trial::wasMeasured).min(Comparator.comparingDouble(TuneResult.Trial::seconds))
        .orElseThrow();
    assertThat(r.best()).isEqualTo(fastest.schedule());
    // The median of the runs, not the slow first one nor the fast second one.
    assertThat(r.bestSeconds()).isWithin(1e-15).of(truth.predict(info, r.best(), h200).seconds());
    assertThat(cache.get(key).orElseThrow().schedule()).isEqualTo(r.best());
    timed.clear();
    assertThat(new Autotuner(cache).tune(new TuneRequest(key, candidates), s -> {
      throw new AssertionError("measured although cached");
    }, Budget.candidates(9), Autotuner.Progress.NONE).cached()).isTrue();

    GpuCalibration.Fit fit = GpuCalibration.update(tmp, info, h200, ElemType.F32, r).orElseThrow();
    assertThat(fit.measurements()).isEqualTo(7);
    assertThat(fit.errorAfter()).isLessThan(1e-4);
    assertThat(fit.errorAfter()).isLessThan(fit.errorBefore());
    // The calibrated model now ranks what was measured as the stand-in GPU timed it.
    GpuCostModel calibrated = GpuCalibration.model(ElemType.F32, h200.name(), tmp);
    for (TuneResult.Trial t : r.trials()) {
      if (t.wasMeasured()) assertThat(calibrated.predict(info, t.schedule(), h200).seconds()).isWithin(1e-4 * t.seconds()).of(t.seconds());
    }
    assertThat(GpuCalibration.stored(tmp, "h100")).isEmpty();
  }

  @Test
  void whenEveryCandidateFailsTheFirstReasonIsTheError() throws Exception {
    List<Schedule> candidates = CudaTuneRunner.candidates(kernel, prepared.dims(), h200, new GpuCostModel(ElemType.F32));
    CudaTuneRunner runner = new CudaTuneRunner(compiler(candidates.get(0)), device(candidates.get(1)), 0);
    TuneCache cache = new TuneCache(tmp.resolve(TuneCache.FILE), w -> { });
    TuneKey key = TuneKey.of(IrPrinter.print(kernel), h200.name(), prepared.dims());
    ScheduleException e = assertThrows(ScheduleException.class,
        () -> new Autotuner(cache).measure(new TuneRequest(key, candidates), runner, Budget.candidates(2), Autotuner.Progress.NONE));
    assertThat(e).hasMessageThat().contains("too much shared data");
    assertThat(cache.entries()).isEmpty();
  }

  @Test
  void nvccsComplaintIsSummarisedOnOneLine() {
    assertThat(CudaTuneRunner.summary("nvcc failed on mha.cu (ptx):\n\nptxas error   : Entry function 'mha_k0' uses too much shared data\nmore"))
        .isEqualTo("nvcc failed on mha.cu (ptx): ptxas error   : Entry function 'mha_k0' uses too much shared data");
    assertThat(CudaTuneRunner.summary("mha_k0 uses 300 registers per thread; h200 allows 255")).isEqualTo("mha_k0 uses 300 registers per thread; h200 allows 255");
  }

  @Test
  void withoutADriverOpeningSaysWhy() {
    CudaLauncher.Availability a = CudaLauncher.probe();
    Assumptions.assumeFalse(a.available(), "a CUDA driver is present; the no-driver path is not exercised");
    CudaLauncher.CudaUnavailable e = assertThrows(CudaLauncher.CudaUnavailable.class,
        () -> CudaTuneRunner.open(module, kernel, prepared.dims(), prepared.inputs(), h200, 0.1));
    assertThat(e.getMessage()).isEqualTo(a.reason());
  }
}
