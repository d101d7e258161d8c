package dev.tessera.api;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.IrPrinter;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.runtime.CpuTuneRunner;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.KernelInfos;
import dev.tessera.runtime.cuda.CudaLauncher;
import dev.tessera.runtime.cuda.CudaTuneRunner;
import dev.tessera.runtime.mesh.MeshTuneRunner;
import dev.tessera.scheduler.Knobs;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.Scheduler;
import dev.tessera.scheduler.cost.Calibration;
import dev.tessera.scheduler.cost.CpuCostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.profile.CpuProfile;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.MeshProfile;
import dev.tessera.scheduler.profile.ProfileException;
import dev.tessera.scheduler.tune.Autotuner;
import dev.tessera.scheduler.tune.Budget;
import dev.tessera.scheduler.tune.CpuCandidates;
import dev.tessera.scheduler.tune.GpuCalibration;
import dev.tessera.scheduler.tune.TuneCache;
import dev.tessera.scheduler.tune.TuneKey;
import dev.tessera.scheduler.tune.TuneRequest;
import dev.tessera.scheduler.tune.TuneResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Autotuning as {@code tessera tune} does it: on the cpu the default schedule first (the baseline),
 * then the cost model's ranking on the host; on the mesh and the GPU their cost models' rankings;
 * measured until the budget is spent, the winner cached under the same key the command line uses.
 */
final class Tuning {
  private Tuning() {}

  /** Untimed running per candidate; shorter than the command line's 0.3 s when the budget is small. */
  private static final double MAX_WARM_UP_SECONDS = 0.3;

  record Outcome(Schedule best, double seconds, List<TuneReport.Trial> trials) {}

  static Outcome tune(Module module, Kernel kernel, Inputs.Prepared p, int maxCandidates, double maxSeconds, TuneListener listener,
      String profile, java.nio.file.Path profileDir) throws ScheduleException {
    List<Schedule> candidates = candidates(kernel, p.dims(), profile, profileDir);
    double warmUp = Math.min(MAX_WARM_UP_SECONDS, maxSeconds / (4.0 * Math.min(maxCandidates, candidates.size())));
    return measure(TuneKey.of(IrPrinter.print(kernel), Host.NAME, p.dims()), candidates, new CpuTuneRunner(module, kernel, p, warmUp),
        maxCandidates, maxSeconds, listener);
  }

  /**
   * Mesh tuning as {@code tessera tune --target mesh}: the candidates of {@link MeshTuneRunner#candidates},
   * each simulated event by event; the time is simulated cycles over the profile's clock.
   *
   * @throws MeshTuneRunner.Unrunnable when the mesh target cannot run the kernel at all
   */
  static Outcome tuneMesh(Module module, Kernel kernel, Inputs.Prepared p, int maxCandidates, double maxSeconds, TuneListener listener,
      MeshProfile profile) throws ScheduleException {
    List<Schedule> candidates = MeshTuneRunner.candidates(kernel, p.dims(), profile);
    if (candidates.isEmpty()) throw new ScheduleException(Schedule.of("mesh"), Knobs.GRID_X, "has no value the simulation runs on " + profile.name());
    return measure(TuneKey.of(IrPrinter.print(kernel), profile.name(), p.dims()), candidates,
        new MeshTuneRunner(module, kernel, p.dims(), p.inputs(), profile), maxCandidates, maxSeconds, listener);
  }

  /**
   * CUDA tuning as {@code tessera tune --target cuda}: the GPU cost model's ranking (calibrated for
   * the profile when a calibration is stored), measured on this machine's GPU through {@link
   * CudaTuneRunner}, cached under the profile's name; afterwards the profile's cost-model weights
   * are refitted from the measurements.
   *
   * @throws CudaLauncher.CudaUnavailable without a driver, a device or nvcc, before anything is measured or cached
   */
  static Outcome tuneCuda(Module module, Kernel kernel, Inputs.Prepared p, int maxCandidates, double maxSeconds, TuneListener listener,
      GpuProfile profile) throws ScheduleException, CudaLauncher.CudaUnavailable {
    Path cacheDir = Host.defaultCacheDir();
    ElemType storage = CudaTuneRunner.storage(kernel);
    KernelInfo info = KernelInfos.of(kernel, p.dims()).orElseThrow(() -> new ScheduleException(Schedule.of("cuda"), "target",
        "has nothing to choose for " + kernel.name() + ": it has no attention or contraction template"));
    List<Schedule> candidates = CudaTuneRunner.candidates(kernel, p.dims(), profile, GpuCalibration.model(storage, profile.name(), cacheDir));
    if (candidates.isEmpty()) throw new ScheduleException(Schedule.of("cuda"), "target", "has no legal schedule for " + kernel.name() + " on " + profile.name());
    double warmUp = Math.min(MAX_WARM_UP_SECONDS, maxSeconds / (4.0 * Math.min(maxCandidates, candidates.size())));
    try (CudaTuneRunner runner = CudaTuneRunner.open(module, kernel, p.dims(), p.inputs(), profile, warmUp)) {
      TuneResult r = run(TuneKey.of(IrPrinter.print(kernel), profile.name(), p.dims()), candidates, runner, maxCandidates, maxSeconds, listener);
      try {
        GpuCalibration.update(cacheDir, info, profile, storage, r);
      } catch (java.io.IOException e) {
        // The tuned schedule is what was asked for; an unwritable calibration only leaves the model as it was.
      }
      return outcome(r);
    }
  }

  private static Outcome measure(TuneKey key, List<Schedule> candidates, Autotuner.Runner runner, int maxCandidates, double maxSeconds,
      TuneListener listener) throws ScheduleException {
    return outcome(run(key, candidates, runner, maxCandidates, maxSeconds, listener));
  }

  private static TuneResult run(TuneKey key, List<Schedule> candidates, Autotuner.Runner runner, int maxCandidates, double maxSeconds,
      TuneListener listener) throws ScheduleException {
    Autotuner tuner = new Autotuner(TuneCache.standard(w -> { }));
    return tuner.measure(new TuneRequest(key, candidates), runner, new Budget(maxCandidates, maxSeconds), new Autotuner.Progress() {
          @Override
          public void started(int total) {}

          @Override
          public void finished(int done, int total, TuneResult.Trial t) {
            listener.finished(done, total, t.schedule().toString(), t.wasMeasured() ? t.seconds() : Double.NaN);
          }
        });
  }

  private static Outcome outcome(TuneResult r) {
    List<TuneReport.Trial> trials = r.trials().stream()
        .map(t -> new TuneReport.Trial(t.schedule().toString(), t.wasMeasured() ? t.seconds() : Double.NaN, t.wasMeasured() ? "" : t.problem()))
        .toList();
    return new Outcome(r.best(), r.bestSeconds(), trials);
  }

  private static List<Schedule> candidates(Kernel kernel, Map<String, Long> dims, String profile, java.nio.file.Path profileDir)
      throws ScheduleException {
    Schedule base = CpuBackend.defaultSchedule();
    List<Schedule> ranked = ranked(kernel, dims, profile, profileDir);
    if (ranked.isEmpty()) return CpuCandidates.of(base, Runtime.getRuntime().availableProcessors(), CpuTuneRunner.recurrent(kernel));
    List<Schedule> out = new ArrayList<>(List.of(base));
    for (Schedule s : ranked) {
      Schedule full = base;
      for (Map.Entry<String, String> k : s.knobs().entrySet()) full = full.with(k.getKey(), k.getValue());
      if (!out.contains(full)) out.add(full);
    }
    return out;
  }

  /**
   * The cost model's order on the builder's profile (the host unless another cpu profile was
   * chosen: measuring always happens here, the ranking only orders the candidates). Empty when the
   * model does not describe the kernel or the profile cannot be had.
   */
  private static List<Schedule> ranked(Kernel kernel, Map<String, Long> dims, String profile, java.nio.file.Path profileDir)
      throws ScheduleException {
    Optional<KernelInfo> info = KernelInfos.of(kernel, dims);
    if (info.isEmpty()) return List.of();
    CpuProfile cpu;
    try {
      cpu = Predictions.cpuProfile(profile, profileDir);
    } catch (ProfileException | TesseraException e) {
      return List.of();
    }
    CpuCostModel model = Calibration.read(Calibration.file(Host.defaultCacheDir(), cpu.name()), CpuCostModel.TERMS)
        .map(CpuCostModel::new).orElseGet(CpuCostModel::new);
    return Scheduler.rank(info.get(), cpu, model).stream().map(Scheduler.Ranked::schedule).toList();
  }
}
