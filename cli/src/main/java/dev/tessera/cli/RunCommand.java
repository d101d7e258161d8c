package dev.tessera.cli;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Sources;
import dev.tessera.diag.Span;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.TensorDecl;
import dev.tessera.passes.Pipeline;
import dev.tessera.cpu.CpuBackend;
import dev.tessera.runtime.CpuRun;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.runtime.FlopCount;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.Interpreter;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.npy.Npy;
import dev.tessera.runtime.npy.NpyArray;
import dev.tessera.runtime.npy.NpyFormatException;
import dev.tessera.runtime.npy.NpyType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tessera run FILE ...}: runs a kernel on given or generated inputs and writes its outputs as .npy. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a kernel on .npy inputs (missing ones are generated) and write its outputs as .npy.")
final class RunCommand implements Callable<Integer> {
  private static final Span COMMAND_LINE = new Span("<command line>", 0, 0, 0);

  @Parameters(index = "0", paramLabel = "FILE", description = "the DSL file")
  Path file;

  @Option(names = "--target", paramLabel = "T", defaultValue = "ref", description = "ref, cpu, cuda or mesh (default: ${DEFAULT-VALUE})")
  String target;

  @Option(names = "--dtype", paramLabel = "T", description = "override the storage type of floating-point tensors: f32, f16 or bf16")
  String dtype;

  @Option(names = "--input", paramLabel = "NAME=PATH", description = "an input tensor as a .npy file (repeatable)")
  List<String> inputs = new ArrayList<>();

  @Option(names = "--dim", paramLabel = "NAME=VALUE", description = "bind a dimension the inputs do not fix (repeatable)")
  List<String> dims = new ArrayList<>();

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "seed for generated inputs (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "out", description = "where outputs go, as NAME.npy (default: ${DEFAULT-VALUE})")
  Path outputDir;

  @Option(names = "--kernel", paramLabel = "NAME", description = "which kernel of the file to run (default: the only one, or the one named like the file)")
  String kernelName;

  @Option(names = "--schedule", paramLabel = "TEXT", description = "schedule knobs for the cpu target, e.g. 'cpu{blockM=32, threads=1}' "
      + "(default: the one 'tessera tune' found for this kernel and size, else the cpu backend's)")
  String scheduleText;

  @Option(names = "--repeat", paramLabel = "N", defaultValue = "3", description = "runs on the cpu target; the median is reported (default: ${DEFAULT-VALUE})")
  int repeat;

  @Option(names = "--check", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "compare the cpu target's outputs with the reference interpreter (default: on; --no-check for large runs)")
  boolean check;

  @Option(names = "--mesh-profile", paramLabel = "NAME", defaultValue = "wse2", description = "the mesh target's profile: wse2 or wse3 (default: ${DEFAULT-VALUE})")
  String meshProfile;

  @Option(names = "--gpu-profile", paramLabel = "NAME", defaultValue = CudaRun.DEFAULT_PROFILE,
      description = "the cuda target's GPU profile: code is generated for it and its tuned schedule is used: a100, h100, h200 or rtx4090 "
          + "(default: ${DEFAULT-VALUE}, whose sm_80 code runs on any newer GPU)")
  String gpuProfile;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private Schedule schedule() throws CompileException {
    Schedule s = cpuSchedule(scheduleText);
    if (repeat < 1 || repeat > 1000) throw error(RunErrors.BAD_VALUE, "--repeat must be between 1 and 1000", "");
    return s;
  }

  /** The cpu backend's default schedule with the knobs of {@code scheduleText} ({@code cpu{…}}, may be null), validated. */
  static Schedule cpuSchedule(String scheduleText) throws CompileException {
    Schedule s = CpuBackend.defaultSchedule();
    if (scheduleText != null) {
      try {
        Schedule given = Schedule.parse(scheduleText);
        for (Map.Entry<String, String> e : given.knobs().entrySet()) s = s.with(e.getKey(), e.getValue());
        if (!given.target().equals("cpu")) throw new IllegalArgumentException("the schedule's target is " + given.target() + ", not cpu");
      } catch (IllegalArgumentException e) {
        throw error(RunErrors.ILLEGAL_SCHEDULE, "--schedule " + scheduleText + ": " + e.getMessage(), "write it as cpu{knob=value, ...}");
      }
    }
    try {
      CpuBackend.validate(s);
    } catch (ScheduleException e) {
      throw error(RunErrors.ILLEGAL_SCHEDULE, e.getMessage(), "knobs: threads, blockM, blockN, splitKv, fuse");
    }
    return s;
  }

  @Override
  public Integer call() {
    Sources sources = new Sources();
    PrintWriter out = spec.commandLine().getOut();
    try {
      ElemType storage = storageType();
      long sourceStart = System.nanoTime();
      Frontend.Compiled compiled = Frontend.compile(sources, file);
      Module module = Pipeline.run(compiled.module());
      double frontMillis = (System.nanoTime() - sourceStart) / 1e6;
      Kernel kernel = KernelChoice.choose(module, file, kernelName, compiled.sourceMap());
      if (storage != null) kernel = withStorage(kernel, storage);
      if (!java.util.List.of("ref", "cpu", "cuda", "mesh").contains(target)) {
        throw error(RunErrors.BAD_VALUE, "--target must be ref, cpu, cuda or mesh, not '" + target + "'", "");
      }
      if (target.equals("mesh")) return runMesh(module, kernel, compiled, out);
      Schedule schedule = schedule();
      Inputs.Prepared prepared = Inputs.prepare(kernel, compiled.sourceMap(), readInputs(), parseDims(dims), seed);
      Interpreter ref = new Interpreter(module, compiled.sourceMap());
      Summary.Report report;
      if (target.equals("ref")) {
        long start = System.nanoTime();
        Map<String, DenseTensor> outputs = ref.run(kernel, prepared.dims(), prepared.inputs());
        double ms = (System.nanoTime() - start) / 1e6;
        report = new Summary.Report(kernel, prepared.dims(), target, null, false, frontMillis, -1, ms, ms, 1, outputs, Double.NaN);
      } else if (target.equals("cuda")) {
        CudaRun.Outcome o = CudaRun.run(module, kernel, prepared, repeat, gpuProfile, spec.commandLine().getErr());
        dev.tessera.runtime.cuda.CudaRun.Result r = o.result();
        double err = check ? CpuRun.relativeError(r.outputs(), ref.run(kernel, prepared.dims(), prepared.inputs())) : Double.NaN;
        report = new Summary.Report(kernel, prepared.dims(), target, r.schedule(), o.tuned(), frontMillis, r.compileMillis(), r.firstMillis(),
            r.medianMillis(), repeat, r.outputs(), err);
      } else {
        java.util.Optional<Schedule> tuned = scheduleText == null
            ? Tuned.lookup(kernel, prepared.dims(), spec.commandLine().getErr()) : java.util.Optional.empty();
        CpuRun.Result r = CpuRun.run(module, kernel, prepared, tuned.orElse(schedule), repeat);
        double err = check ? CpuRun.relativeError(r.outputs(), ref.run(kernel, prepared.dims(), prepared.inputs())) : Double.NaN;
        report = new Summary.Report(kernel, prepared.dims(), target, r.schedule(), tuned.isPresent(), frontMillis, r.compileMillis(),
            r.firstMillis(), r.medianMillis(), repeat, r.outputs(), err);
      }
      List<Path> written = write(report.outputs());
      Summary.print(out, report, FlopCount.of(kernel, prepared.dims()), written);
      return 0;
    } catch (CompileException e) {
      return new Console(sources, spec.commandLine().getErr()).report(e);
    } catch (ScheduleException e) {
      return new Console(sources, spec.commandLine().getErr()).report(error(RunErrors.ILLEGAL_SCHEDULE, e.getMessage(), ""));
    } catch (OutOfMemoryError e) {
      return new Console(sources, spec.commandLine().getErr()).report(error(RunErrors.BAD_DIM,
          "not enough memory for the tensors of this run (the Java heap holds at most " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB)",
          "use smaller --dim values, or give Java more memory, e.g. TESSERA_JAVA_OPTS=-Xmx16g"));
    }
  }

  /** The mesh target: simulate, check against the reference, write the outputs, print the report. */
  private int runMesh(Module module, Kernel kernel, Frontend.Compiled compiled, PrintWriter out) throws CompileException {
    MeshTarget.parse(scheduleText);
    var profile = MeshTarget.profile(meshProfile);
    Inputs.Prepared prepared = Inputs.prepare(kernel, compiled.sourceMap(), readInputs(), parseDims(dims), seed);
    MeshTarget.Choice choice = MeshTarget.choose(scheduleText, kernel, prepared.dims(), profile, spec.commandLine().getErr());
    MeshTarget.Outcome o = MeshTarget.run(module, kernel, prepared, choice, profile);
    double err = check ? MeshTarget.error(o.result().outputs(), new Interpreter(module, compiled.sourceMap()).run(kernel, prepared.dims(), prepared.inputs()))
        : Double.NaN;
    List<Path> written = write(o.result().outputs());
    Summary.printMesh(out, kernel, prepared.dims(), o, FlopCount.of(kernel, prepared.dims()), err, written);
    return 0;
  }

  private ElemType storageType() throws CompileException {
    if (dtype == null) return null;
    ElemType t = ElemType.parse(dtype).filter(ElemType::isFloat)
        .orElseThrow(() -> error(RunErrors.BAD_VALUE, "--dtype must be f32, f16 or bf16, not '" + dtype + "'", ""));
    return t;
  }

  static Kernel withStorage(Kernel k, ElemType t) {
    return k.withTensors(k.tensors().stream().map(d -> d.type().isFloat() && d.role() != TensorDecl.Role.TEMP ? d.withType(t) : d).toList());
  }

  private Map<String, NpyArray> readInputs() throws CompileException {
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    for (String spec : inputs) {
      String[] kv = split(spec, "--input", "NAME=PATH");
      if (arrays.containsKey(kv[0])) throw error(RunErrors.BAD_VALUE, "input '" + kv[0] + "' is given twice", "");
      try {
        arrays.put(kv[0], Npy.read(Path.of(kv[1])));
      } catch (NpyFormatException e) {
        String msg = e.getMessage().startsWith(kv[1] + ": ") ? e.getMessage().substring(kv[1].length() + 2) : e.getMessage();
        throw new CompileException(Diagnostic.error(RunErrors.BAD_INPUT_FILE, new Span(kv[1], 0, 0, 0), msg, ""));
      } catch (IOException | java.nio.file.InvalidPathException e) {
        throw new CompileException(Diagnostic.error(RunErrors.BAD_INPUT_FILE, new Span(kv[1], 0, 0, 0),
            "cannot read input '" + kv[0] + "': " + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()), ""));
      }
    }
    return arrays;
  }

  static Map<String, Long> parseDims(List<String> dims) throws CompileException {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String d : dims) {
      String[] kv = split(d, "--dim", "NAME=VALUE");
      try {
        long v = Long.parseLong(kv[1].trim());
        if (v < 1 || v > Integer.MAX_VALUE) throw new NumberFormatException();
        out.put(kv[0], v);
      } catch (NumberFormatException e) {
        throw error(RunErrors.BAD_DIM, "--dim " + d + ": the value must be a whole number between 1 and " + Integer.MAX_VALUE, "");
      }
    }
    return out;
  }

  private static String[] split(String s, String option, String form) throws CompileException {
    int eq = s.indexOf('=');
    if (eq <= 0 || eq == s.length() - 1) throw error(RunErrors.BAD_VALUE, option + " " + s + ": expected " + form, "");
    return new String[] {s.substring(0, eq).trim(), s.substring(eq + 1)};
  }

  /** Writes every output only after all were computed, so a failed run leaves nothing behind. */
  private List<Path> write(Map<String, DenseTensor> outputs) throws CompileException {
    List<Path> paths = new ArrayList<>();
    try {
      Files.createDirectories(outputDir);
      for (Map.Entry<String, DenseTensor> e : outputs.entrySet()) {
        Path p = outputDir.resolve(e.getKey() + ".npy");
        Npy.write(p, new NpyArray(NpyType.F32, e.getValue().shape(), e.getValue().data()));
        paths.add(p);
      }
    } catch (IOException e) {
      throw error(RunErrors.OUTPUT, "cannot write outputs to " + outputDir + ": " + e.getMessage(), "");
    }
    return paths;
  }

  static CompileException error(String code, String message, String hint) {
    return new CompileException(Diagnostic.error(code, COMMAND_LINE, message, hint));
  }
}
