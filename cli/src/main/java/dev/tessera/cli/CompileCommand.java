package dev.tessera.cli;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import dev.tessera.cpu.CpuBackend;
import dev.tessera.runtime.DimBinder;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.mesh.MeshArtifacts;
import dev.tessera.scheduler.profile.MeshProfile;
import dev.tessera.scheduler.Schedule;
import dev.tessera.runtime.RunErrors;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.profile.ProfileException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tessera compile FILE --target T -o DIR}: writes a kernel's generated artifacts. Each
 * target is one branch of {@link #artifacts}; files are written into a temporary directory first
 * and moved into place only when all of them exist, so a failure leaves nothing behind.
 */
@Command(name = "compile", mixinStandardHelpOptions = true, description = "Generate a kernel's code for a target and write it to a directory.")
final class CompileCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "the DSL file")
  Path file;

  @Option(names = "--target", paramLabel = "T", required = true, description = "cuda, mesh or cpu")
  String target;

  @Option(names = "--profile", paramLabel = "P", description = "hardware profile (cuda: h100 (default), h200, a100, rtx4090; mesh: wse2 (default), wse3)")
  String profileName;

  @Option(names = "--profile-dir", paramLabel = "DIR", description = "a directory of extra *.profile files")
  Path profileDir;

  @Option(names = "--dtype", paramLabel = "T", description = "override the storage type of floating-point tensors: f32, f16 or bf16")
  String dtype;

  @Option(names = "--dim", paramLabel = "NAME=VALUE", description = "bind a dimension (repeatable); the rest take the kernel's defaults")
  List<String> dims = new ArrayList<>();

  @Option(names = "--kernel", paramLabel = "NAME", description = "which kernel of the file (default: the only one, or the one named like the file)")
  String kernelName;

  @Option(names = "--schedule", paramLabel = "TEXT", description = "schedule knobs, e.g. 'cuda{threads=128, blockM=64, blockN=64, stages=2}'")
  String scheduleText;

  @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", required = true, description = "where the artifacts go")
  Path outputDir;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private dev.tessera.ir.SourceMap sourceMap;

  /** The files one target produced in a directory. */
  private record Produced(List<Path> files, String note) {}

  @Override
  public Integer call() {
    Sources sources = new Sources();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path tmp = null;
    try {
      ElemType storage = dtype == null ? null : ElemType.parse(dtype).filter(ElemType::isFloat)
          .orElseThrow(() -> RunCommand.error(RunErrors.BAD_VALUE, "--dtype must be f32, f16 or bf16, not '" + dtype + "'", ""));
      Frontend.Compiled compiled = Frontend.compile(sources, file);
      Module module = Pipeline.run(compiled.module());
      Kernel kernel = KernelChoice.choose(module, file, kernelName, compiled.sourceMap());
      Map<String, Long> bound = new DimBinder(kernel, compiled.sourceMap()).bind(Map.of(), RunCommand.parseDims(dims));
      Path parent = outputDir.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      tmp = Files.createTempDirectory(parent, ".tessera-compile-");
      sourceMap = compiled.sourceMap();
      Produced produced = artifacts(module, kernel, bound, storage, tmp, err);
      Files.createDirectories(outputDir);
      List<Path> placed = new ArrayList<>();
      for (Path f : produced.files()) {
        Path dest = outputDir.resolve(f.getFileName().toString());
        Files.move(f, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        placed.add(dest);
      }
      out.println("kernel " + kernel.name() + " -> " + target + " (" + produced.note() + ")");
      for (Path p : placed) out.println("  wrote " + p);
      out.flush();
      return 0;
    } catch (CompileException e) {
      return new Console(sources, err).report(e);
    } catch (ScheduleException e) {
      return new Console(sources, err).report(RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, e.getMessage(), ""));
    } catch (ProfileException e) {
      return new Console(sources, err).report(RunCommand.error(RunErrors.BAD_VALUE, e.getMessage(), ""));
    } catch (IOException e) {
      return new Console(sources, err).report(RunCommand.error(RunErrors.OUTPUT, "cannot write to " + outputDir + ": " + e.getMessage(), ""));
    } finally {
      if (tmp != null) deleteQuietly(tmp);
    }
  }

  private Produced artifacts(Module module, Kernel kernel, Map<String, Long> dims, ElemType storage, Path dir, PrintWriter err)
      throws CompileException, ScheduleException, ProfileException, IOException {
    return switch (target) {
      case "cuda" -> {
        CudaCompile.Result r = CudaCompile.write(module, kernel, dims, storage, profileName == null ? "h100" : profileName, profileDir,
            scheduleText, dir, err);
        yield new Produced(r.files(), r.note());
      }
      case "mesh" -> {
        // Mesh programs are generated op by op as the kernel runs: simulate it once on seeded inputs.
        Kernel k = storage == null ? kernel : RunCommand.withStorage(kernel, storage);
        Inputs.Prepared prepared = Inputs.prepare(k, sourceMap, Map.of(), dims, 0);
        MeshProfile profile = MeshTarget.profile(profileName == null ? "wse2" : profileName);
        MeshTarget.Outcome o = MeshTarget.run(module, k, prepared, MeshTarget.choose(scheduleText, k, dims, profile, err), profile);
        int n = o.result().phases().size();
        yield new Produced(MeshArtifacts.write(k.name(), o.result(), dir), n + (n == 1 ? " program" : " programs") + " on "
            + o.choice().grid() + "x" + o.choice().grid() + " " + o.profile().name() + " cores, " + String.format(java.util.Locale.ROOT, "%.0f", o.result().cycles())
            + " simulated cycles" + (o.tuned() ? " (tuned schedule)" : ""));
      }
      case "cpu" -> {
        Kernel k = storage == null ? kernel : RunCommand.withStorage(kernel, storage);
        Schedule s = scheduleText == null ? Tuned.lookup(k, dims, err).orElse(RunCommand.cpuSchedule(null)) : RunCommand.cpuSchedule(scheduleText);
        Path cls = dir.resolve(k.name() + ".class");
        Files.write(cls, CpuBackend.generate(module, k, s));
        yield new Produced(List.of(cls), "JVM bytecode of the generated class, " + s + "; javap -c -p shows it");
      }
      default -> throw RunCommand.error(RunErrors.BAD_VALUE, "--target must be cuda, mesh or cpu, not '" + target + "'",
          "'tessera run' runs the reference interpreter");
    };
  }

  /** Removes {@code dir} and everything in it, as far as it can. */
  static void deleteQuietly(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a leftover empty temporary directory is harmless.
    }
  }
}
