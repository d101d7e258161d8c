package dev.tessera.cli;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.mesh.MeshText;
import dev.tessera.passes.Pipeline;
import dev.tessera.runtime.DimBinder;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.mesh.MeshChoice;
import dev.tessera.runtime.mesh.Heatmap;
import dev.tessera.runtime.mesh.MeshRun;
import dev.tessera.runtime.RunException;
import dev.tessera.runtime.mesh.SimResult;
import dev.tessera.scheduler.profile.MeshProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tessera sim FILE}: runs a kernel through the mesh simulator and reports (and draws) where the cycles go. */
@Command(name = "sim", mixinStandardHelpOptions = true,
    description = "Simulate a kernel on a wafer-scale mesh: cycles per program, core utilisation, link traffic; optionally a heatmap.")
final class SimCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "the DSL file")
  Path file;

  @Option(names = "--kernel", paramLabel = "NAME", description = "which kernel of the file (default: the only one, or the one named like the file)")
  String kernelName;

  @Option(names = "--dim", paramLabel = "NAME=VALUE", description = "bind a dimension (repeatable; default: the kernel's defaults)")
  List<String> dims = new ArrayList<>();

  @Option(names = "--schedule", paramLabel = "TEXT", description = "mesh knobs, e.g. 'mesh{gridX=16, gridY=16, algorithm=summa}'")
  String scheduleText;

  @Option(names = "--mesh-profile", paramLabel = "NAME", defaultValue = "wse2", description = "wse2 or wse3 (default: ${DEFAULT-VALUE})")
  String meshProfile;

  @Option(names = "--mode", paramLabel = "M", defaultValue = "event",
      description = "event (per message, with numbers) or analytic (cycles of GEMM/GEMV from their shapes; any grid) (default: ${DEFAULT-VALUE})")
  String mode;

  @Option(names = "--heatmap", paramLabel = "FILE", description = "draw core busy time and link traffic to FILE (.png or .svg); event mode")
  Path heatmap;

  @Option(names = "--emit", paramLabel = "FILE", description = "write the text form of the first mesh program to FILE; event mode")
  Path emit;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "seed for the generated inputs (default: ${DEFAULT-VALUE})")
  long seed;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Sources sources = new Sources();
    PrintWriter out = spec.commandLine().getOut();
    try {
      if (!mode.equals("event") && !mode.equals("analytic")) throw RunCommand.error(RunErrors.BAD_VALUE, "--mode must be event or analytic, not '" + mode + "'", "");
      if (mode.equals("analytic") && (heatmap != null || emit != null)) {
        throw RunCommand.error(RunErrors.BAD_VALUE, "--heatmap and --emit need the event mode, which keeps per-core figures", "drop --mode analytic");
      }
      checkOutput(heatmap, List.of(".png", ".svg"));
      checkOutput(emit, List.of(""));
      MeshChoice choice = MeshTarget.parse(scheduleText);
      MeshProfile profile = MeshTarget.profile(meshProfile);
      Frontend.Compiled compiled = Frontend.compile(sources, file);
      Module module = Pipeline.run(compiled.module());
      Kernel kernel = KernelChoice.choose(module, file, kernelName, compiled.sourceMap());
      if (mode.equals("analytic")) {
        // Cycles only: bind the dimensions, but generate no tensors (a 32K x 32K GEMV's would not fit the heap).
        Map<String, Long> bound = new DimBinder(kernel, compiled.sourceMap()).bind(Map.of(), RunCommand.parseDims(dims));
        return analytic(out, kernel, bound, choice, profile);
      }
      Inputs.Prepared prepared = Inputs.prepare(kernel, compiled.sourceMap(), Map.of(), RunCommand.parseDims(dims), seed);
      MeshTarget.Outcome o = MeshTarget.run(module, kernel, prepared,
          MeshTarget.choose(scheduleText, kernel, prepared.dims(), profile, spec.commandLine().getErr()), profile);
      report(out, kernel, o);
      List<MeshRun.Phase> phases = o.result().phases();
      if (emit != null) write(emit, MeshText.print(phases.get(0).kernel().program()));
      if (heatmap != null) {
        SimResult all = Heatmap.sum(phases.stream().map(MeshRun.Phase::sim).toList());
        try {
          Heatmap.write(heatmap, all, kernel.name() + " on " + o.choice().grid() + "x" + o.choice().grid() + " " + profile.name() + " cores, "
              + o.choice().algorithm() + ", " + phases.size() + (phases.size() == 1 ? " program" : " programs"));
        } catch (IOException e) {
          throw RunCommand.error(RunErrors.OUTPUT, "cannot write " + heatmap + ": " + e.getMessage(), "");
        }
        out.println("heatmap   " + heatmap);
      }
      if (emit != null) out.println("program   " + emit);
      out.flush();
      return 0;
    } catch (CompileException e) {
      return new Console(sources, spec.commandLine().getErr()).report(e);
    } catch (OutOfMemoryError e) {
      return new Console(sources, spec.commandLine().getErr()).report(RunCommand.error(RunErrors.BAD_DIM,
          "not enough memory for the tensors of this simulation (the Java heap holds at most " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB)",
          "use smaller --dim values, --mode analytic for cycles only, or give Java more memory, e.g. TESSERA_JAVA_OPTS=-Xmx16g"));
    }
  }

  private static void checkOutput(Path p, List<String> suffixes) throws CompileException {
    if (p == null) return;
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (suffixes.stream().noneMatch(name::endsWith)) throw RunCommand.error(RunErrors.BAD_VALUE, p + ": the heatmap must be a .png or .svg file", "");
    Path dir = p.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) throw RunCommand.error(RunErrors.OUTPUT, "cannot write " + p + ": no such directory " + dir, "");
  }

  private static void write(Path p, String text) throws CompileException {
    try {
      Files.writeString(p, text);
    } catch (IOException e) {
      throw RunCommand.error(RunErrors.OUTPUT, "cannot write " + p + ": " + e.getMessage(), "");
    }
  }

  private int analytic(PrintWriter out, Kernel kernel, Map<String, Long> dims, MeshChoice choice, MeshProfile profile) throws CompileException {
    int grid = choice.grid() > 0 ? choice.grid() : Math.min(profile.gridWidth(), profile.gridHeight());
    if (grid > Math.min(profile.gridWidth(), profile.gridHeight())) {
      throw RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, "gridX=" + grid + " exceeds " + profile.name() + "'s " + profile.gridWidth() + "x" + profile.gridHeight() + " cores", "");
    }
    try {
      double cycles = MeshRun.analytic(kernel, dims, profile, grid, choice.algorithm());
      out.printf(Locale.ROOT, "kernel    %s%n", kernel.name());
      out.printf(Locale.ROOT, "target    mesh (analytic model of %s)%n", profile.name());
      out.printf(Locale.ROOT, "schedule  %s%n", choice.withGrid(grid).schedule());
      out.printf(Locale.ROOT, "cycles    %.0f = %.3f us at %d MHz (no numbers computed in this mode)%n", cycles, cycles / profile.clockMhz(), profile.clockMhz());
      out.flush();
      return 0;
    } catch (RunException e) {
      throw RunCommand.error(e.code, e.getMessage(), e.hint);
    }
  }

  private static void report(PrintWriter out, Kernel kernel, MeshTarget.Outcome o) {
    List<MeshRun.Phase> phases = o.result().phases();
    double cycles = o.result().cycles();
    out.printf(Locale.ROOT, "kernel    %s%n", kernel.name());
    out.printf(Locale.ROOT, "target    mesh (event simulation of %s)%n", o.profile().name());
    out.printf(Locale.ROOT, "schedule  %s%s%n", o.choice().schedule(), o.tuned() ? " (tuned)" : "");
    out.printf(Locale.ROOT, "cycles    %.0f = %.3f us at %d MHz%n", cycles, cycles / o.profile().clockMhz(), o.profile().clockMhz());
    out.printf(Locale.ROOT, "%-10s %-9s %12s %8s %8s %12s%n", "program", "algorithm", "cycles", "busy avg", "busy min", "max link");
    for (MeshRun.Phase p : phases.subList(0, Math.min(phases.size(), 16))) {
      SimResult s = p.sim();
      double sum = 0;
      double min = Double.MAX_VALUE;
      for (double b : s.busy()) {
        sum += b;
        min = Math.min(min, b);
      }
      long maxLink = 0;
      for (long l : s.linkWords()) maxLink = Math.max(maxLink, l);
      out.printf(Locale.ROOT, "%-10s %-9s %12.0f %7.1f%% %7.1f%% %12d%n", p.op(), p.algorithm(), s.cycles(), 100 * sum / s.busy().length / s.cycles(),
          100 * min / s.cycles(), maxLink);
    }
    if (phases.size() > 16) out.printf(Locale.ROOT, "... %d more programs%n", phases.size() - 16);
  }
}
