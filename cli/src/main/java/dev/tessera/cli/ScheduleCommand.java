package dev.tessera.cli;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Sources;
import dev.tessera.diag.Span;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import dev.tessera.runtime.DimBinder;
import dev.tessera.runtime.KernelInfos;
import dev.tessera.runtime.RunErrors;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.Scheduler;
import dev.tessera.scheduler.cost.Calibration;
import dev.tessera.scheduler.cost.CpuCostModel;
import dev.tessera.scheduler.cost.GpuCostModel;
import dev.tessera.scheduler.cost.MeshCostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.cost.Prediction;
import dev.tessera.scheduler.profile.CpuProfile;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.HardwareProfile;
import dev.tessera.scheduler.profile.MeshProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.ProfileException;
import dev.tessera.scheduler.profile.Profiles;
import dev.tessera.scheduler.tune.GpuCalibration;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tessera schedule FILE}: enumerates a kernel's legal schedules, ranks them with the cost model and prints the pick. */
@Command(name = "schedule", mixinStandardHelpOptions = true,
    description = "Pick a schedule for a kernel with the cost model; --explain shows the top candidates and their cost breakdowns.")
final class ScheduleCommand implements Callable<Integer> {
  private static final Span COMMAND_LINE = new Span("<command line>", 0, 0, 0);
  static final int EXPLAINED = 10;

  @Parameters(index = "0", paramLabel = "FILE", description = "the DSL file")
  Path file;

  @Option(names = "--target", paramLabel = "T", defaultValue = "cpu", description = "cpu, cuda or mesh (default: ${DEFAULT-VALUE})")
  String target;

  @Option(names = "--profile", paramLabel = "NAME", description = "the hardware profile (default: host for cpu, h100 for cuda, wse2 for mesh)")
  String profileName;

  @Option(names = "--dtype", paramLabel = "T", defaultValue = "f16", description = "cuda: the storage type of the floating-point tensors, f32, f16 or bf16 (default: ${DEFAULT-VALUE})")
  String dtype;

  @Option(names = "--profile-dir", paramLabel = "DIR", description = "more profiles: DIR/NAME.profile files")
  Path profileDir;

  @Option(names = "--dim", paramLabel = "NAME=VALUE", description = "bind a dimension (repeatable; others take the kernel's defaults)")
  List<String> dims = new ArrayList<>();

  @Option(names = "--kernel", paramLabel = "NAME", description = "which kernel of the file (default: the only one, or the one named like the file)")
  String kernelName;

  @Option(names = "--explain", description = "show the top " + EXPLAINED + " schedules with their predicted breakdowns")
  boolean explain;

  @Option(names = "--ptxas", paramLabel = "N", description = "cuda: compile the model's top N schedules with nvcc and rank them again with "
      + "ptxas's register counts (those that spill drop out)")
  Integer ptxas;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Sources sources = new Sources();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      if (!List.of("cpu", "cuda", "mesh").contains(target)) {
        throw error(RunErrors.BAD_VALUE, "--target must be cpu, cuda or mesh, not '" + target + "'", "");
      }
      Frontend.Compiled compiled = Frontend.compile(sources, file);
      Module module = Pipeline.run(compiled.module());
      Kernel kernel = KernelChoice.choose(module, file, kernelName, compiled.sourceMap());
      Map<String, Long> bound = new DimBinder(kernel, compiled.sourceMap()).bind(Map.of(), parseDims());
      KernelInfo info = KernelInfos.of(kernel, bound).orElseThrow(() -> error(RunErrors.UNAVAILABLE,
          "kernel " + kernel.name() + " has no attention or contraction template to schedule", ""));
      if (ptxas != null && (!target.equals("cuda") || ptxas < 1 || ptxas > 100)) {
        throw error(RunErrors.BAD_VALUE, "--ptxas needs --target cuda and a count between 1 and 100", "");
      }
      if (target.equals("cuda")) return cuda(out, err, module, kernel, bound, info);
      if (target.equals("mesh")) return mesh(out, err, kernel, info);
      CpuProfile profile = cpuProfile(err);
      Optional<double[]> weights = Calibration.read(Calibration.file(Host.defaultCacheDir(), profile.name()), CpuCostModel.TERMS);
      CpuCostModel model = weights.map(CpuCostModel::new).orElseGet(CpuCostModel::new);
      List<Scheduler.Ranked> ranked = Scheduler.rank(info, profile, model);
      if (ranked.isEmpty()) throw error(RunErrors.ILLEGAL_SCHEDULE, "no legal cpu schedule for " + kernel.name() + " on " + profile.name(), "");
      print(out, kernel, info, profile, weights.isPresent(), ranked);
      return 0;
    } catch (CompileException e) {
      return new Console(sources, err).report(e);
    } catch (ScheduleException e) {
      return new Console(sources, err).report(error(RunErrors.ILLEGAL_SCHEDULE, e.getMessage(), ""));
    } catch (ProfileException e) {
      err.println("tessera: " + e.getMessage());
      return Main.INPUT_ERROR;
    }
  }

  private HardwareProfile profile(PrintWriter err, String fallback) throws ProfileException {
    Host host = Host.standard(note -> err.println("tessera: " + note));
    Profiles profiles = Profiles.load(Optional.ofNullable(profileDir), host, w -> err.println("tessera: warning: " + w));
    return profiles.get(profileName == null ? fallback : profileName);
  }

  private CpuProfile cpuProfile(PrintWriter err) throws ProfileException, CompileException {
    HardwareProfile p = profile(err, Host.NAME);
    if (p instanceof CpuProfile c) return c;
    throw error(RunErrors.BAD_VALUE, "profile " + p.name() + " is a " + p.kind() + " profile; --target cpu needs a cpu profile", "try --profile host");
  }

  private int cuda(PrintWriter out, PrintWriter err, Module module, Kernel kernel, Map<String, Long> dims, KernelInfo info)
      throws ProfileException, CompileException, ScheduleException {
    HardwareProfile hp = profile(err, "h100");
    if (!(hp instanceof GpuProfile p)) {
      throw error(RunErrors.BAD_VALUE, "profile " + hp.name() + " is a " + hp.kind() + " profile; --target cuda needs a gpu profile", "try --profile h100");
    }
    ElemType type = ElemType.parse(dtype).filter(ElemType::isFloat)
        .orElseThrow(() -> error(RunErrors.BAD_VALUE, "--dtype must be f32, f16 or bf16, not '" + dtype + "'", ""));
    boolean calibrated = GpuCalibration.stored(Host.defaultCacheDir(), p.name()).isPresent();
    GpuCostModel model = GpuCalibration.model(type, p.name(), Host.defaultCacheDir());
    List<Scheduler.Ranked> ranked = Scheduler.rank(info, p, model, Scheduler.enumerateCuda(info, p, type));
    if (ranked.isEmpty()) throw error(RunErrors.ILLEGAL_SCHEDULE, "no legal cuda schedule for " + kernel.name() + " on " + p.name(), "");
    Scheduler.Ranked pick = ranked.get(0);
    out.printf(Locale.ROOT, "kernel %s: %s (%s)%n", kernel.name(), info, type.text());
    out.printf(Locale.ROOT, "profile %s: %s, %d SMs, %.0f TFLOP/s %s, %.0f GB/s; cost model: roofline per block, waves over SMs (%s)%n",
        p.name(), p.description(), p.smCount(), p.peakTflops().getOrDefault(type.text(), p.peakTflops().get("f32")), type.text(), p.memoryGbPerS(),
        calibrated ? "calibrated on this GPU by 'tessera tune --target cuda': " + Calibration.file(Host.defaultCacheDir(), p.name())
            : "not calibrated: no GPU measured");
    out.printf(Locale.ROOT, "%d legal schedules%n", ranked.size());
    out.printf(Locale.ROOT, "pick: %s  predicted %s ms (%.1f TFLOP/s), %d blocks per SM; traffic %.3g MB, %.2fx the I/O lower bound (%.3g MB)%n",
        pick.schedule(), ms(pick.prediction().seconds()), flops(info) / pick.prediction().seconds() / 1e12, model.occupancy(info, pick.schedule(), p),
        pick.prediction().trafficBytes() / 1e6, pick.prediction().boundRatio(), pick.prediction().lowerBoundBytes() / 1e6);
    if (explain) table(out, ranked, GpuCostModel.TERMS, "terms in ms; io/bound: HBM+L2 traffic over the attention I/O lower bound, M = shared memory per SM.");
    if (ptxas != null) ptxasCheck(out, module, kernel, dims, model, type, info, p, ranked.subList(0, Math.min(ptxas, ranked.size())));
    out.flush();
    return 0;
  }

  private void ptxasCheck(PrintWriter out, Module module, Kernel kernel, Map<String, Long> dims, GpuCostModel model, ElemType type, KernelInfo info,
      GpuProfile p, List<Scheduler.Ranked> top) throws CompileException, ScheduleException {
    if (dev.tessera.cuda.Nvcc.find().isEmpty()) {
      throw error(RunErrors.UNAVAILABLE, "--ptxas needs nvcc, and none is on PATH", "install the CUDA toolkit, or leave out --ptxas");
    }
    Path work = null;
    try {
      work = java.nio.file.Files.createTempDirectory("tessera-ptxas-");
      List<PtxasCheck.Checked> checked = PtxasCheck.check(module, kernel, dims, type, model, info, p, top, work);
      List<PtxasCheck.Checked> ranked = PtxasCheck.reranked(checked);
      out.println();
      out.printf(Locale.ROOT, "ptxas: the model's top %d compiled by nvcc for %s, ranked again with their real register counts:%n", top.size(),
          dev.tessera.cuda.CudaBackend.arch(p));
      out.printf(Locale.ROOT, "%4s  %-60s %9s %6s %7s %s%n", "rank", "schedule", "total ms", "regs", "blocks", "model rank");
      for (int i = 0; i < ranked.size(); i++) {
        PtxasCheck.Checked c = ranked.get(i);
        out.printf(Locale.ROOT, "%4d  %-60s %9s %6d %7d %d%n", i + 1, c.schedule(), ms(c.ranked().prediction().seconds()), c.registers(),
            model.occupancy(info, c.ranked().schedule(), p), checked.indexOf(c) + 1);
      }
      for (PtxasCheck.Checked c : checked) {
        if (c.dropped() != null) {
          out.printf(Locale.ROOT, "  dropped %s: %s%s%n", c.schedule(), c.dropped(), c.spilledBytes() > 0 ? " (" + c.spilledBytes() + " bytes)" : "");
        }
      }
      if (ranked.isEmpty()) throw error(RunErrors.ILLEGAL_SCHEDULE, "none of the top " + top.size() + " schedules compiles without spills", "try a larger --ptxas");
      out.printf(Locale.ROOT, "pick after ptxas: %s%n", ranked.get(0).schedule());
    } catch (java.io.IOException e) {
      throw error(RunErrors.OUTPUT, "cannot compile the candidates: " + e.getMessage(), "");
    } finally {
      if (work != null) CompileCommand.deleteQuietly(work);
    }
  }

  private int mesh(PrintWriter out, PrintWriter err, Kernel kernel, KernelInfo info) throws ProfileException, CompileException, ScheduleException {
    HardwareProfile hp = profile(err, "wse2");
    if (!(hp instanceof MeshProfile p)) {
      throw error(RunErrors.BAD_VALUE, "profile " + hp.name() + " is a " + hp.kind() + " profile; --target mesh needs a mesh profile", "try --profile wse2");
    }
    if (info.kind() != KernelInfo.Kind.CONTRACTION) {
      throw error(RunErrors.UNAVAILABLE, "the mesh cost model ranks contractions (GEMM, GEMV); " + kernel.name() + " is " + info.kind().name().toLowerCase(Locale.ROOT)
          + " attention", "measure attention schedules with 'tessera sim'");
    }
    List<Scheduler.Ranked> ranked = Scheduler.rank(info, p, new MeshCostModel(), Scheduler.enumerateMesh(info, p));
    if (ranked.isEmpty()) throw error(RunErrors.ILLEGAL_SCHEDULE, "no legal mesh schedule for " + kernel.name() + " on " + p.name(), "");
    Scheduler.Ranked pick = ranked.get(0);
    out.printf(Locale.ROOT, "kernel %s: %s%n", kernel.name(), info);
    out.printf(Locale.ROOT, "profile %s: %s, %dx%d cores, %d KiB SRAM each, %d MHz; cost model: closed form (checked against the simulator in 'tessera bench mesh')%n",
        p.name(), p.description(), p.gridWidth(), p.gridHeight(), p.sramPerCoreBytes() / 1024, p.clockMhz());
    out.printf(Locale.ROOT, "%d legal schedules%n", ranked.size());
    out.printf(Locale.ROOT, "pick: %s  predicted %s ms (%.0f cycles)%n", pick.schedule(), ms(pick.prediction().seconds()),
        pick.prediction().seconds() * p.clockMhz() * 1e6);
    if (explain) table(out, ranked, List.of("compute", "communication"), "terms in ms; io/bound: words shifted over the same (the mesh model has no separate bound).");
    out.flush();
    return 0;
  }

  /** Useful FLOPs: the visible score and aggregation products (for a contraction, its product). */
  private static double flops(KernelInfo k) {
    return switch (k.kind()) {
      case PARALLEL -> 2.0 * k.batch() * k.m() * k.n() * k.visibleFraction() * (k.d() + k.e());
      case RECURRENT -> 2.0 * k.batch() * k.m() * (k.m() + 1) / 2.0 * (k.d() + k.e());
      case CONTRACTION -> 2.0 * k.batch() * k.m() * k.n() * k.d();
    };
  }

  private void print(PrintWriter out, Kernel kernel, KernelInfo info, CpuProfile p, boolean calibrated, List<Scheduler.Ranked> ranked) {
    Scheduler.Ranked pick = ranked.get(0);
    out.printf(Locale.ROOT, "kernel %s: %s%n", kernel.name(), info);
    out.printf(Locale.ROOT, "profile %s: %s, %d cores, L2 %d KiB; cost model weights: %s%n", p.name(), p.description(), p.cores(),
        p.l2Bytes() / 1024, calibrated ? "calibrated (tessera bench cost-model)" : "defaults (not calibrated)");
    out.printf(Locale.ROOT, "%d legal schedules%n", ranked.size());
    out.printf(Locale.ROOT, "pick: %s  predicted %s ms; traffic %.3g MB, %.2fx the I/O lower bound (%.3g MB)%n", pick.schedule(),
        ms(pick.prediction().seconds()), pick.prediction().trafficBytes() / 1e6, pick.prediction().boundRatio(),
        pick.prediction().lowerBoundBytes() / 1e6);
    if (!explain) {
      out.flush();
      return;
    }
    table(out, ranked, CpuCostModel.TERMS, "terms in ms; io/bound: the schedule's memory traffic over the attention I/O lower bound Θ(N²d²/M), M = L2.");
    out.flush();
  }

  private static void table(PrintWriter out, List<Scheduler.Ranked> ranked, List<String> terms, String legend) {
    out.println();
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%4s  %-60s %9s", "rank", "schedule", "total ms"));
    for (String t : terms) header.append(String.format(Locale.ROOT, " %11s", t));
    out.println(header.append(String.format(Locale.ROOT, " %8s", "io/bound")));
    for (int i = 0; i < Math.min(EXPLAINED, ranked.size()); i++) {
      Prediction pr = ranked.get(i).prediction();
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%4d  %-60s %9s", i + 1, ranked.get(i).schedule(), ms(pr.seconds())));
      for (String t : terms) row.append(String.format(Locale.ROOT, " %11s", ms(pr.breakdown().get(t))));
      out.println(row.append(String.format(Locale.ROOT, " %8.2f", pr.boundRatio())));
    }
    out.println(legend);
  }

  private static String ms(double seconds) {
    return String.format(Locale.ROOT, "%.4f", seconds * 1e3);
  }

  private Map<String, Long> parseDims() throws CompileException {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String d : dims) {
      int eq = d.indexOf('=');
      try {
        if (eq <= 0) throw new NumberFormatException();
        long v = Long.parseLong(d.substring(eq + 1).trim());
        if (v < 1 || v > Integer.MAX_VALUE) throw new NumberFormatException();
        out.put(d.substring(0, eq).trim(), v);
      } catch (NumberFormatException e) {
        throw error(RunErrors.BAD_DIM, "--dim " + d + ": expected NAME=VALUE with a whole number between 1 and " + Integer.MAX_VALUE, "");
      }
    }
    return out;
  }

  private static CompileException error(String code, String message, String hint) {
    return new CompileException(Diagnostic.error(code, COMMAND_LINE, message, hint));
  }
}
