package dev.tessera.cli;

import dev.tessera.diag.CompileException;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.KernelInfos;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.cuda.CudaLauncher;
import dev.tessera.runtime.cuda.CudaTuneRunner;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.cost.Calibration;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.tune.Autotuner;
import dev.tessera.scheduler.tune.Budget;
import dev.tessera.scheduler.tune.GpuCalibration;
import dev.tessera.scheduler.tune.TuneCache;
import dev.tessera.scheduler.tune.TuneKey;
import dev.tessera.scheduler.tune.TuneRequest;
import dev.tessera.scheduler.tune.TuneResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code tessera tune --target cuda}: the GPU cost model's ranking of the legal CUDA schedules
 * (with the profile's calibrated weights when there are some), the top measured on this machine's
 * GPU, the fastest cached under (kernel, GPU profile, size bucket), and the model's weights for the
 * profile refitted from the measurements. The GPU is opened before anything is printed or
 * written: without a driver, a device or nvcc the command fails with the reason and writes nothing.
 */
final class CudaTune {
  /** Opens a tuning session's runner. */
  @FunctionalInterface
  interface Opener {
    CudaTuneRunner open(Module module, Kernel kernel, Map<String, Long> dims, Map<String, DenseTensor> inputs, GpuProfile profile, double warmUp)
        throws CudaLauncher.CudaUnavailable;
  }

  /** The GPU of this machine; the command-line tests put a stand-in GPU here, as there is none where they run. */
  static Opener opener = CudaTuneRunner::open;

  private final PrintWriter out;
  private final PrintWriter err;
  private final Path file;
  private final boolean force;

  CudaTune(PrintWriter out, PrintWriter err, Path file, boolean force) {
    this.out = out;
    this.err = err;
    this.file = file;
    this.force = force;
  }

  int tune(Module module, Kernel kernel, Inputs.Prepared prepared, GpuProfile profile, Budget budget, double warmUp)
      throws CompileException, ScheduleException {
    Map<String, Long> dims = prepared.dims();
    KernelInfo info = KernelInfos.of(kernel, dims).orElseThrow(() -> RunCommand.error(RunErrors.UNAVAILABLE,
        "kernel " + kernel.name() + " has no attention or contraction template, so there are no cuda schedules to choose between", ""));
    Path cacheDir = Host.defaultCacheDir();
    boolean calibrated = GpuCalibration.stored(cacheDir, profile.name()).isPresent();
    List<Schedule> candidates = CudaTuneRunner.candidates(kernel, dims, profile,
        GpuCalibration.model(CudaTuneRunner.storage(kernel), profile.name(), cacheDir));
    if (candidates.isEmpty()) {
      throw RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, "no legal cuda schedule for " + kernel.name() + " at these sizes on " + profile.name(), "");
    }
    CudaTuneRunner runner;
    try {
      runner = opener.open(module, kernel, dims, prepared.inputs(), profile, warmUp);
    } catch (CudaLauncher.CudaUnavailable e) {
      throw RunCommand.error(RunErrors.UNAVAILABLE, "tuning for cuda measures on a GPU, and this machine cannot: " + e.getMessage(),
          "'tessera schedule " + file + " --target cuda --profile " + profile.name() + " --explain' ranks the schedules with the cost model "
              + "without measuring");
    }
    try (runner) {
      return measure(kernel, info, dims, profile, candidates, calibrated, runner, budget, cacheDir);
    }
  }

  private int measure(Kernel kernel, KernelInfo info, Map<String, Long> dims, GpuProfile profile, List<Schedule> candidates, boolean calibrated,
      Autotuner.Runner runner, Budget budget, Path cacheDir) throws ScheduleException {
    TuneKey key = Tuned.key(kernel, dims, profile.name());
    TuneCache cache = Tuned.cache(err);
    Autotuner tuner = new Autotuner(cache);
    TuneCommand.header(out, kernel, dims, key, "cuda on this machine's GPU as " + profile.name() + " (event-timed; candidates ranked by the "
        + (calibrated ? "calibrated" : "uncalibrated") + " cost model)");
    if (!force) {
      Optional<TuneResult> hit = tuner.cached(key);
      if (hit.isPresent()) {
        out.printf(Locale.ROOT, "cached:   %s  %s (from %s; --force to measure again)%n", hit.get().best(), us(hit.get().bestSeconds()),
            cache.file());
        out.flush();
        return 0;
      }
    }
    TuneResult r = tuner.measure(new TuneRequest(key, candidates), runner, budget,
        new TuneCommand.ProgressBar(err, System.console() != null, CudaTune::us));
    TuneCommand.table(out, r, candidates.size(), CudaTune::us);
    out.printf(Locale.ROOT, "winner    %s  %s%s%n", r.best(), us(r.bestSeconds()),
        TuneCommand.speedup(r, candidates.get(0), "the model's pick's"));
    out.printf(Locale.ROOT, "saved     %s ('tessera run --target cuda --gpu-profile %s' and 'tessera compile --target cuda --profile %s' use it)%n",
        cache.file(), profile.name(), profile.name());
    calibrate(info, profile, kernel, r, cacheDir);
    out.flush();
    return 0;
  }

  /** GPU kernels take microseconds: milliseconds to three places would hide the differences. */
  static String us(double seconds) {
    return String.format(Locale.ROOT, "%.2f us", seconds * 1e6);
  }

  /** Refits the profile's cost-model weights from this session's measurements and says how much closer they bring the predictions. */
  private void calibrate(KernelInfo info, GpuProfile profile, Kernel kernel, TuneResult r, Path cacheDir) throws ScheduleException {
    try {
      Optional<GpuCalibration.Fit> fit = GpuCalibration.update(cacheDir, info, profile, CudaTuneRunner.storage(kernel), r);
      if (fit.isEmpty()) {
        out.printf(Locale.ROOT, "model     not calibrated: fewer than %d schedules were measured%n", GpuCalibration.MIN_MEASUREMENTS);
        return;
      }
      out.printf(Locale.ROOT, "model     %s's weights fitted to %d measured schedules: mean error %.1f%% before, %.1f%% after; saved in %s%n",
          profile.name(), fit.get().measurements(), 100 * fit.get().errorBefore(), 100 * fit.get().errorAfter(),
          Calibration.file(cacheDir, profile.name()));
    } catch (IOException e) {
      err.println("tessera: warning: could not store the cost-model weights for " + profile.name() + " (" + e.getMessage() + ")");
    }
  }
}
