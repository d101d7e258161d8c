package dev.tessera.cli;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.diag.CompileException;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import dev.tessera.runtime.CpuTuneRunner;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.mesh.MeshRun;
import dev.tessera.runtime.mesh.MeshTuneRunner;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.MeshProfile;
import dev.tessera.scheduler.profile.ProfileException;
import dev.tessera.scheduler.tune.Autotuner;
import dev.tessera.scheduler.tune.Budget;
import dev.tessera.scheduler.tune.CpuCandidates;
import dev.tessera.scheduler.tune.TuneCache;
import dev.tessera.scheduler.tune.TuneKey;
import dev.tessera.scheduler.tune.TuneRequest;
import dev.tessera.scheduler.tune.TuneResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.DoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tessera tune FILE ...}: times candidate schedules, caches the fastest for {@code run} to use. */
@Command(name = "tune", mixinStandardHelpOptions = true,
    description = "Time candidate schedules of a kernel (cpu: on this machine; cuda: on this machine's GPU; mesh: in the mesh simulator) "
        + "and remember the fastest; 'tessera run' and 'compile' then use it.")
final class TuneCommand implements Callable<Integer> {
  /** Candidates measured when neither --budget nor --seconds is given. */
  static final int DEFAULT_BUDGET = 8;

  @Parameters(index = "0", paramLabel = "FILE", description = "the DSL file")
  Path file;

  @Option(names = "--target", paramLabel = "T", defaultValue = "cpu",
      description = "cpu (real timing on this machine), cuda (event timing on this machine's GPU) or mesh (simulated cycles) (default: ${DEFAULT-VALUE})")
  String target;

  @Option(names = "--profile", paramLabel = "NAME",
      description = "the machine the result is cached for: cpu: host, the one tuning runs on; cuda: the GPU here, h100 (default), h200, a100 "
          + "or rtx4090; mesh: wse2 (default) or wse3")
  String profile;

  @Option(names = "--dtype", paramLabel = "T", description = "override the storage type of floating-point tensors: f32, f16 or bf16 "
      + "(results hold for runs with the same --dtype)")
  String dtype;

  @Option(names = "--dim", paramLabel = "NAME=VALUE", description = "bind a dimension (repeatable); results hold for sizes in the same power-of-two bucket")
  List<String> dims = new ArrayList<>();

  @Option(names = "--kernel", paramLabel = "NAME", description = "which kernel of the file to tune (default: the only one, or the one named like the file)")
  String kernelName;

  @Option(names = "--budget", paramLabel = "N", description = "measure at most N candidates (default: " + DEFAULT_BUDGET + " unless --seconds is given)")
  Integer budget;

  @Option(names = "--seconds", paramLabel = "S", description = "stop starting candidates after S seconds")
  Double seconds;

  @Option(names = "--warm-up", paramLabel = "S", defaultValue = "0.3", description = "untimed running per candidate before timing (default: ${DEFAULT-VALUE})")
  double warmUp;

  @Option(names = "--force", description = "measure again even when a result is cached")
  boolean force;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "seed for the generated inputs (default: ${DEFAULT-VALUE})")
  long seed;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Sources sources = new Sources();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      checkOptions();
      Budget b = budget();
      MeshProfile mesh = target.equals("mesh") ? MeshTarget.profile(profile == null ? "wse2" : profile, "--profile") : null;
      GpuProfile gpu = target.equals("cuda") ? CudaCompile.gpu(profile == null ? "h100" : profile, null, err) : null;
      Frontend.Compiled compiled = Frontend.compile(sources, file);
      Module module = Pipeline.run(compiled.module());
      Kernel kernel = KernelChoice.choose(module, file, kernelName, compiled.sourceMap());
      if (dtype != null) {
        kernel = RunCommand.withStorage(kernel, ElemType.parse(dtype).filter(ElemType::isFloat)
            .orElseThrow(() -> RunCommand.error(RunErrors.BAD_VALUE, "--dtype must be f32, f16 or bf16, not '" + dtype + "'", "")));
      }
      Inputs.Prepared prepared = Inputs.prepare(kernel, compiled.sourceMap(), Map.of(), RunCommand.parseDims(dims), seed);
      if (gpu != null) return new CudaTune(out, err, file, force).tune(module, kernel, prepared, gpu, b, warmUp);
      TuneKey key = Tuned.key(kernel, prepared.dims(), mesh == null ? Host.NAME : mesh.name());
      TuneCache cache = Tuned.cache(err);
      Autotuner tuner = new Autotuner(cache);
      DoubleFunction<String> time = mesh == null ? TuneCommand::ms : seconds -> cycles(seconds, mesh);
      header(out, kernel, prepared.dims(), key, mesh == null ? "cpu on " + Host.NAME : "mesh on " + mesh.name() + " (simulated cycles)");
      if (!force) {
        var hit = tuner.cached(key);
        if (hit.isPresent()) {
          out.printf(Locale.ROOT, "cached:   %s  %s (from %s; --force to measure again)%n", hit.get().best(), time.apply(hit.get().bestSeconds()),
              cache.file());
          return 0;
        }
      }
      List<Schedule> candidates = mesh == null ? candidates(kernel, prepared.dims(), err) : MeshTuneRunner.candidates(kernel, prepared.dims(), mesh);
      if (candidates.isEmpty()) {
        throw RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, "no legal mesh schedule for " + kernel.name() + " at these sizes on a grid the event "
            + "simulation runs (up to " + MeshRun.EVENT_GRID_LIMIT + "x" + MeshRun.EVENT_GRID_LIMIT + " cores)",
            "rank larger grids with 'tessera schedule FILE --target mesh' and time them with 'tessera sim --mode analytic'");
      }
      Autotuner.Runner runner = mesh == null ? new CpuTuneRunner(module, kernel, prepared, warmUp)
          : new MeshTuneRunner(module, kernel, prepared.dims(), prepared.inputs(), mesh);
      TuneResult r = tuner.measure(new TuneRequest(key, candidates), runner, b, new ProgressBar(err, System.console() != null, time));
      table(out, r, candidates.size(), time);
      out.printf(Locale.ROOT, "winner    %s  %s%s%n", r.best(), time.apply(r.bestSeconds()),
          speedup(r, candidates.get(0), mesh == null ? "the default's" : "the first candidate's"));
      out.printf(Locale.ROOT, "saved     %s ('tessera run%s' uses it for this kernel and size bucket)%n", cache.file(),
          mesh == null ? "" : " --target mesh");
      out.flush();
      return 0;
    } catch (MeshTuneRunner.Unrunnable e) {
      return new Console(sources, err).report(RunCommand.error(e.problem.code, e.problem.getMessage(), e.problem.hint));
    } catch (CompileException e) {
      return new Console(sources, err).report(e);
    } catch (ScheduleException e) {
      return new Console(sources, err).report(RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, "no candidate could run: " + e.getMessage(), ""));
    } catch (ProfileException e) {
      return new Console(sources, err).report(RunCommand.error(RunErrors.BAD_VALUE, "--profile: " + e.getMessage(), ""));
    }
  }

  /**
   * The default schedule first (the baseline every result is compared with), then the cost model's
   * ranking of the legal schedules; the fixed grid when the model has no description of the kernel.
   */
  private static List<Schedule> candidates(Kernel kernel, Map<String, Long> dims, PrintWriter err) throws ScheduleException {
    List<Schedule> ranked;
    try {
      ranked = CostRanking.ranked(kernel, dims, err);
    } catch (dev.tessera.scheduler.profile.ProfileException e) {
      err.println("tessera: warning: " + e.getMessage() + "; tuning without the cost model");
      ranked = List.of();
    }
    Schedule base = CpuBackend.defaultSchedule();
    if (ranked.isEmpty()) return CpuCandidates.of(base, Runtime.getRuntime().availableProcessors(), CpuTuneRunner.recurrent(kernel));
    List<Schedule> out = new ArrayList<>(List.of(base));
    for (Schedule s : ranked) {
      Schedule full = base;
      for (Map.Entry<String, String> k : s.knobs().entrySet()) full = full.with(k.getKey(), k.getValue());
      if (!out.contains(full)) out.add(full);
    }
    return out;
  }

  private void checkOptions() throws CompileException {
    if (!List.of("cpu", "cuda", "mesh").contains(target)) {
      throw RunCommand.error(RunErrors.BAD_VALUE, "--target must be cpu, cuda or mesh, not '" + target + "'", "");
    }
    if (target.equals("cpu") && profile != null && !profile.equals(Host.NAME)) {
      throw RunCommand.error(RunErrors.BAD_VALUE, "--profile " + profile + ": cpu tuning times this machine, so its results are for 'host'",
          "leave out --profile");
    }
    if (!(warmUp >= 0 && warmUp <= 60)) throw RunCommand.error(RunErrors.BAD_VALUE, "--warm-up must be between 0 and 60 seconds", "");
  }

  private Budget budget() throws CompileException {
    if (budget != null && budget < 1) throw RunCommand.error(RunErrors.BAD_VALUE, "--budget must be at least 1, not " + budget, "");
    if (seconds != null && !(seconds > 0)) throw RunCommand.error(RunErrors.BAD_VALUE, "--seconds must be positive, not " + seconds, "");
    int n = budget != null ? budget : seconds != null ? Integer.MAX_VALUE : DEFAULT_BUDGET;
    return new Budget(n, seconds != null ? seconds : Double.POSITIVE_INFINITY);
  }

  static void header(PrintWriter out, Kernel k, Map<String, Long> dims, TuneKey key, String target) {
    out.printf(Locale.ROOT, "kernel    %s%n", k.name());
    out.printf(Locale.ROOT, "target    %s%n", target);
    out.printf(Locale.ROOT, "dims      %s (bucket %s)%n",
        String.join(" ", k.dims().stream().map(d -> d + "=" + dims.get(d)).toList()), key.bucket().isEmpty() ? "-" : key.bucket());
    out.flush();
  }

  static void table(PrintWriter out, TuneResult r, int generated, DoubleFunction<String> time) {
    out.printf(Locale.ROOT, "measured  %d of %d candidates%n", r.trials().size(), generated);
    int width = r.trials().stream().mapToInt(t -> t.schedule().toString().length()).max().orElse(8);
    out.printf(Locale.ROOT, "  %3s  %-" + width + "s  %s%n", "#", "schedule", "time");
    int i = 1;
    for (TuneResult.Trial t : r.trials()) {
      String shown = t.wasMeasured() ? time.apply(t.seconds()) + (t.schedule().equals(r.best()) ? "  *" : "") : "skipped: " + t.problem();
      out.printf(Locale.ROOT, "  %3d  %-" + width + "s  %s%n", i++, t.schedule(), shown);
    }
  }

  static String speedup(TuneResult r, Schedule base, String baseName) {
    return r.trials().stream().filter(t -> t.wasMeasured() && t.schedule().equals(base)).findFirst()
        .map(t -> String.format(Locale.ROOT, " (%.2fx %s speed)", t.seconds() / r.bestSeconds(), baseName)).orElse("");
  }

  static String ms(double seconds) {
    return String.format(Locale.ROOT, "%.3f ms", seconds * 1e3);
  }

  /** A simulated time as the profile's cycles, and microseconds at its clock. */
  private static String cycles(double seconds, MeshProfile p) {
    return String.format(Locale.ROOT, "%.0f cycles (%.3f us)", seconds * p.clockMhz() * 1e6, seconds * 1e6);
  }

  /** A bar redrawn in place on a terminal; elsewhere (a pipe, a log, a test) one line per candidate. */
  static final class ProgressBar implements Autotuner.Progress {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final boolean terminal;
    private final DoubleFunction<String> time;
    private double best = Double.POSITIVE_INFINITY;

    ProgressBar(PrintWriter err, boolean terminal, DoubleFunction<String> time) {
      this.err = err;
      this.terminal = terminal;
      this.time = time;
    }

    @Override
    public void started(int total) {
      if (terminal) draw(0, total);
    }

    @Override
    public void finished(int done, int total, TuneResult.Trial t) {
      if (t.wasMeasured()) best = Math.min(best, t.seconds());
      if (terminal) {
        draw(done, total);
        if (done == total) err.println();
      } else {
        err.printf(Locale.ROOT, "tune %d/%d %s %s%n", done, total, t.schedule(), t.wasMeasured() ? time.apply(t.seconds()) : "skipped");
      }
      err.flush();
    }

    private void draw(int done, int total) {
      int filled = total == 0 ? WIDTH : done * WIDTH / total;
      err.printf(Locale.ROOT, "\rtuning [%s%s] %d/%d%s", "#".repeat(filled), ".".repeat(WIDTH - filled), done, total,
          Double.isInfinite(best) ? "" : "  best " + time.apply(best));
      err.flush();
    }
  }
}
