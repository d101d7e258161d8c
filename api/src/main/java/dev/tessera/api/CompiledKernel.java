package dev.tessera.api;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.cpu.CpuKernel;
import dev.tessera.diag.CompileException;
import dev.tessera.diag.Sources;
import dev.tessera.ir.Extents;
import dev.tessera.ir.IrPrinter;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.SourceMap;
import dev.tessera.ir.TensorDecl;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.DimBinder;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.Interpreter;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.StorageTypes;
import dev.tessera.runtime.mesh.MeshArtifacts;
import dev.tessera.runtime.mesh.MeshRun;
import dev.tessera.runtime.mesh.MeshTuneRunner;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.MeshProfile;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel compiled for one {@link Target}: its signature, schedule and cost prediction, and
 * {@link #run} to execute it. The generated code does not depend on the dimensions, so one compiled
 * kernel runs at every size its inputs give. Instances are immutable and safe to share between
 * threads; each run allocates its own outputs.
 */
public final class CompiledKernel {
  /** Everything a compiled kernel needs, gathered by {@link Tessera#compile()}. */
  record Parts(Module module, Kernel kernel, SourceMap sourceMap, Sources sources, Target target, Schedule schedule,
      Map<String, Long> dims, String profile, Path profileDir) {}

  private final Parts parts;
  /** Null except on the cpu target. */
  private final CpuKernel cpu;

  CompiledKernel(Parts parts) {
    this.parts = parts;
    try {
      this.cpu = parts.target() == Target.CPU ? CpuBackend.compile(parts.module(), parts.kernel(), parts.schedule()) : null;
    } catch (ScheduleException e) {
      throw Errors.api(Errors.ILLEGAL_SCHEDULE, e.getMessage(), "knobs: threads, blockM, blockN, splitKv, fuse");
    }
  }

  /** The kernel's name as declared in the source. */
  public String name() {
    return parts.kernel().name();
  }

  /** The target it was compiled for. */
  public Target target() {
    return parts.target();
  }

  /** The kernel's dimension names, in declaration order. */
  public List<String> dimensionNames() {
    return parts.kernel().dims();
  }

  /** The dimensions fixed at compile time with {@link Tessera#dim}. */
  public Map<String, Long> fixedDims() {
    return parts.dims();
  }

  /** The inputs in declaration order, then the outputs. */
  public List<TensorSpec> signature() {
    List<TensorSpec> out = new ArrayList<>();
    for (TensorDecl t : parts.kernel().inputs()) out.add(spec(t, TensorSpec.Role.INPUT));
    for (TensorDecl t : parts.kernel().outputs()) out.add(spec(t, TensorSpec.Role.OUTPUT));
    return out;
  }

  private static TensorSpec spec(TensorDecl t, TensorSpec.Role role) {
    return new TensorSpec(t.name(), role, t.type().text(), t.shape().stream().map(IrPrinter::expr).toList());
  }

  /**
   * The schedule in its text form, e.g. {@code cpu{blockM=64, ...}} or {@code mesh{algorithm=meshgemm,
   * gridX=0, gridY=0}} (grid 0: each run takes the smallest square that fits); empty for
   * {@link Target#REF}.
   */
  public java.util.Optional<String> schedule() {
    return java.util.Optional.ofNullable(parts.schedule()).map(Schedule::toString);
  }

  /**
   * The same kernel with other CPU schedule knobs (those not given keep their values).
   *
   * @throws TesseraException code E412 for an illegal schedule, E410 on the reference target
   */
  public CompiledKernel withSchedule(String schedule) {
    requireCpu("withSchedule");
    return new CompiledKernel(withParts(merge(parts.schedule(), schedule)));
  }

  private Parts withParts(Schedule s) {
    return new Parts(parts.module(), parts.kernel(), parts.sourceMap(), parts.sources(), parts.target(), s, parts.dims(),
        parts.profile(), parts.profileDir());
  }

  /**
   * The cost model's prediction for this schedule on the builder's profile, at the fixed
   * dimensions (the kernel's defaults for the others).
   *
   * @throws TesseraException E403 when a dimension is neither fixed nor defaulted, E410 on the
   *     reference target or for a kernel the model does not describe, E409 for an unknown profile
   */
  public CostPrediction prediction() {
    requireCpu("prediction");
    try {
      Map<String, Long> dims = new DimBinder(parts.kernel(), parts.sourceMap()).bind(Map.of(), parts.dims());
      return Predictions.predict(parts.kernel(), dims, parts.schedule(), parts.profile(), parts.profileDir());
    } catch (CompileException e) {
      throw Errors.of(e, parts.sources());
    }
  }

  /**
   * Runs the kernel with the dimensions fixed at compile time and those the inputs' shapes give.
   *
   * @param inputs every input by name: a {@link Tensor}, a {@link Path} to a {@code .npy} file, or a
   *     flat row-major {@code float[]}, {@code double[]}, {@code int[]}, {@code byte[]},
   *     {@link java.nio.FloatBuffer} or {@link java.nio.ByteBuffer} (f32) whose shape the
   *     dimensions determine
   * @return every output by name, in declaration order
   * @throws TesseraException with a positioned diagnostic for a missing or unknown input (E405), a
   *     shape that disagrees with the declaration or the other inputs (E402, E404), an unbound
   *     dimension (E403), or a value the storage type cannot hold (E409)
   */
  public Map<String, Tensor> run(Map<String, ?> inputs) {
    return run(inputs, Map.of());
  }

  /** {@link #run(Map)} with more dimensions for this run only; they must agree with the fixed ones. */
  public Map<String, Tensor> run(Map<String, ?> inputs, Map<String, Long> dims) {
    Inputs.Prepared p = prepare(inputs, dims);
    try {
      return switch (parts.target()) {
        case REF -> reference(p);
        case CPU -> cpu(p);
        case MESH -> simulate(p).outputs();
        case CUDA -> cuda(p);
      };
    } catch (CompileException e) {
      throw Errors.of(e, parts.sources());
    }
  }

  /** {@link #simulate(Map, Map)} with no further dimensions. */
  public Simulation simulate(Map<String, ?> inputs) {
    return simulate(inputs, Map.of());
  }

  /**
   * Runs a {@link Target#MESH} kernel through the event-driven mesh simulator (real f32 numbers and
   * cycles) and reports what the simulated wafer took.
   *
   * @param inputs as for {@link #run(Map)}
   * @param dims more dimensions for this run only, as for {@link #run(Map, Map)}
   * @throws TesseraException as {@link #run(Map)}; E410 on another target or for a kernel the mesh
   *     backend cannot lower; E412 when no grid's programs fit the cores' SRAM or colours
   */
  public Simulation simulate(Map<String, ?> inputs, Map<String, Long> dims) {
    if (parts.target() != Target.MESH) {
      throw Errors.api(Errors.UNAVAILABLE, "simulate needs the mesh target; this kernel was compiled for " + parts.target().text(),
          "compile with target(Target.MESH)");
    }
    return simulate(prepare(inputs, dims));
  }

  private Inputs.Prepared prepare(Map<String, ?> inputs, Map<String, Long> dims) {
    try {
      Map<String, Long> all = new LinkedHashMap<>(parts.dims());
      for (Map.Entry<String, Long> e : dims.entrySet()) {
        Long fixed = all.put(e.getKey(), e.getValue());
        if (fixed != null && !fixed.equals(e.getValue())) {
          throw Errors.api(RunErrors.BAD_DIM, "dimension " + e.getKey() + " is fixed to " + fixed + " at compile time, not " + e.getValue(), "");
        }
      }
      InputBinder.Bound bound = new InputBinder(parts.kernel(), parts.sourceMap()).bind(inputs, all);
      return Inputs.prepare(parts.kernel(), parts.sourceMap(), bound.arrays(), bound.dims(), 0);
    } catch (CompileException e) {
      throw Errors.of(e, parts.sources());
    } catch (OutOfMemoryError e) {
      throw outOfMemory();
    }
  }

  private static TesseraException outOfMemory() {
    return Errors.api(RunErrors.BAD_DIM, "not enough memory for the tensors of this run (the Java heap holds at most "
        + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB)", "use smaller dimensions or a larger -Xmx");
  }

  private Simulation simulate(Inputs.Prepared p) {
    MeshProfile profile = MeshTarget.profile(parts.profile());
    MeshRun.Result r;
    try {
      r = MeshTarget.run(parts.module(), parts.kernel(), p, MeshTarget.choice(parts.schedule().toString()), profile);
    } catch (OutOfMemoryError e) {
      throw outOfMemory();
    }
    Map<String, Tensor> result = new LinkedHashMap<>();
    for (TensorDecl t : parts.kernel().outputs()) {
      DenseTensor d = r.outputs().get(t.name());
      double[] v = new double[d.data().length];
      for (int i = 0; i < v.length; i++) v[i] = StorageTypes.round(t.type(), (float) d.data()[i]);
      result.put(t.name(), Tensor.ofValues("f32", d.shape(), v));
    }
    int grid = r.phases().isEmpty() ? 0 : r.phases().get(0).grid();
    return new Simulation(result, r.cycles(), r.cycles() / profile.clockMhz(), grid, r.phases().size());
  }

  private Map<String, Tensor> reference(Inputs.Prepared p) throws CompileException {
    Map<String, DenseTensor> out = new Interpreter(parts.module(), parts.sourceMap()).run(parts.kernel(), p.dims(), p.inputs());
    Map<String, Tensor> result = new LinkedHashMap<>();
    for (TensorDecl t : parts.kernel().outputs()) {
      DenseTensor d = out.get(t.name());
      result.put(t.name(), Tensor.ofValues("f64", d.shape(), d.data()));
    }
    return Collections.unmodifiableMap(result);
  }

  private Map<String, Tensor> cuda(Inputs.Prepared p) {
    var r = CudaTarget.run(parts.module(), parts.kernel(), p, CudaTarget.profile(parts.profile(), parts.profileDir()), parts.schedule());
    Map<String, Tensor> result = new LinkedHashMap<>();
    for (TensorDecl t : parts.kernel().outputs()) {
      DenseTensor d = r.outputs().get(t.name());
      double[] v = new double[d.data().length];
      for (int i = 0; i < v.length; i++) v[i] = StorageTypes.round(t.type(), (float) d.data()[i]);
      result.put(t.name(), Tensor.ofValues("f32", d.shape(), v));
    }
    return Collections.unmodifiableMap(result);
  }

  private Map<String, Tensor> cpu(Inputs.Prepared p) {
    Map<String, float[]> in = new LinkedHashMap<>();
    p.inputs().forEach((name, t) -> {
      double[] d = t.data();
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
      in.put(name, f);
    });
    Map<String, float[]> out = cpu.run(in, p.dims());
    Map<String, Tensor> result = new LinkedHashMap<>();
    for (TensorDecl t : parts.kernel().outputs()) {
      float[] f = out.get(t.name());
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) d[i] = StorageTypes.round(t.type(), f[i]);
      result.put(t.name(), Tensor.ofValues("f32", Extents.shape(t.shape(), p.dims()), d));
    }
    return Collections.unmodifiableMap(result);
  }

  /**
   * Writes what the target compiles to into {@code dir} (created if missing), at the dimensions
   * fixed at compile time and the kernel's defaults for the rest:
   * <ul>
   *   <li>{@link Target#CPU}: {@code NAME.class}, the generated class's bytes (for {@code javap});
   *   <li>{@link Target#MESH}: {@code NAME.mesh}, the text form of every distinct mesh program the
   *       kernel runs, and {@code NAME.mesh.tsv}, one line per program run (op, algorithm, grid,
   *       program index, simulated cycles) — obtained by simulating the kernel on seeded inputs;
   *   <li>{@link Target#CUDA}: {@code NAME.cu}, {@code NAME.manifest.json} (launches, grid, block,
   *       shared memory, parameters) and, where {@code nvcc} is on the PATH, {@code NAME.ptx},
   *       {@code NAME.cubin} and {@code NAME.ptxas.json} (registers, spills, shared memory);
   *   <li>{@link Target#REF}: nothing.
   * </ul>
   *
   * @return the files written, in order
   * @throws TesseraException E403 when a dimension is neither fixed nor defaulted, E414 when a file
   *     cannot be written, and as {@link #simulate} on the mesh target
   */
  public List<Path> writeArtifacts(Path dir) {
    try {
      List<Path> written = new ArrayList<>();
      switch (parts.target()) {
        case REF -> { }
        case CPU -> written.add(write(dir.resolve(name() + ".class"), CpuBackend.generate(parts.module(), parts.kernel(), parts.schedule())));
        case MESH -> {
          Inputs.Prepared p = Inputs.prepare(parts.kernel(), parts.sourceMap(), Map.of(), parts.dims(), 0);
          MeshRun.Result r = MeshTarget.run(parts.module(), parts.kernel(), p, MeshTarget.choice(parts.schedule().toString()),
              MeshTarget.profile(parts.profile()));
          written.addAll(inTemp(dir, tmp -> MeshArtifacts.write(name(), r, tmp)));
        }
        case CUDA -> {
          Map<String, Long> bound = new DimBinder(parts.kernel(), parts.sourceMap()).bind(Map.of(), parts.dims());
          GpuProfile gpu = CudaTarget.profile(parts.profile(), parts.profileDir());
          written.addAll(inTemp(dir, tmp -> CudaTarget.write(parts.module(), parts.kernel(), bound, gpu, parts.schedule(), tmp)));
        }
      }
      return List.copyOf(written);
    } catch (CompileException e) {
      throw Errors.of(e, parts.sources());
    } catch (ScheduleException e) {
      throw Errors.api(Errors.ILLEGAL_SCHEDULE, e.getMessage(), "");
    }
  }

  /** What a writer puts in a fresh temporary directory. */
  private interface Writer {
    List<Path> write(Path tmp) throws java.io.IOException;
  }

  /** Runs {@code w} in a temporary directory beside {@code dir}, then moves its files into {@code dir}: a failure leaves nothing. */
  private static List<Path> inTemp(Path dir, Writer w) {
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempDirectory(dir, ".tessera");
      List<Path> placed = new ArrayList<>();
      for (Path f : w.write(tmp)) {
        Path dest = dir.resolve(f.getFileName().toString());
        Files.move(f, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        placed.add(dest);
      }
      return placed;
    } catch (java.io.IOException e) {
      throw Errors.api(Errors.OUTPUT, "cannot write to " + dir + ": " + e.getMessage(), "");
    } finally {
      if (tmp != null) {
        try (var s = Files.walk(tmp)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
          // Best effort: an empty leftover temporary directory is harmless.
        }
      }
    }
  }

  private static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".tessera", ".tmp");
      Files.write(tmp, bytes);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return file;
    } catch (java.io.IOException e) {
      throw Errors.api(Errors.OUTPUT, "cannot write " + file + ": " + e.getMessage(), "");
    }
  }

  /**
   * Measures candidate schedules at the fixed dimensions, keeps the fastest in the tuning cache that
   * {@code tessera run} also reads, and returns it with the kernel compiled for it. On
   * {@link Target#CPU} the candidates (the backend's default first, then the cost model's ranking)
   * are timed on this machine; on {@link Target#MESH} they (the mesh cost model's ranking of grids ×
   * GEMM algorithms for contractions, the grids from the smallest for attention) are run in the
   * event simulator, and a schedule's time is its simulated cycles over the profile's clock; on
   * {@link Target#CUDA} the GPU cost model's ranking for the builder's GPU profile is timed on this
   * machine's GPU (CUDA events, median of repeated runs) and the profile's cost-model weights are
   * refitted from the measurements (see {@code docs/cuda.md}).
   *
   * @param maxCandidates at most this many candidates are measured (at least 1)
   * @param maxTime no candidate is started after this much time
   * @param listener told after each candidate
   * @throws TesseraException E410 on the reference target, for a kernel the mesh cannot run, or on
   *     CUDA without a GPU, its driver or nvcc (nothing is cached then); E409 for a bad budget, E412
   *     when no candidate could run
   */
  public TuneReport autotune(int maxCandidates, Duration maxTime, TuneListener listener) {
    if (parts.target() != Target.MESH && parts.target() != Target.CUDA) requireCpu("autotune");
    if (maxCandidates < 1) throw Errors.api(Errors.BAD_VALUE, "autotune needs at least 1 candidate, not " + maxCandidates, "");
    if (maxTime == null || maxTime.isNegative() || maxTime.isZero()) throw Errors.api(Errors.BAD_VALUE, "autotune needs a positive time budget", "");
    try {
      Inputs.Prepared p = Inputs.prepare(parts.kernel(), parts.sourceMap(), Map.of(), parts.dims(), 0);
      double seconds = maxTime.toNanos() / 1e9;
      Tuning.Outcome o = switch (parts.target()) {
        case MESH -> Tuning.tuneMesh(parts.module(), parts.kernel(), p, maxCandidates, seconds, listener, MeshTarget.profile(parts.profile()));
        case CUDA -> Tuning.tuneCuda(parts.module(), parts.kernel(), p, maxCandidates, seconds, listener,
            CudaTarget.profile(parts.profile(), parts.profileDir()));
        case CPU, REF -> Tuning.tune(parts.module(), parts.kernel(), p, maxCandidates, seconds, listener, parts.profile(), parts.profileDir());
      };
      return new TuneReport(o.best().toString(), o.seconds(), o.trials(), new CompiledKernel(withParts(o.best())));
    } catch (dev.tessera.runtime.cuda.CudaLauncher.CudaUnavailable e) {
      throw Errors.api(Errors.UNAVAILABLE, "autotune on cuda measures on a GPU, and this machine cannot: " + e.getMessage(),
          "'tessera schedule FILE --target cuda --explain' ranks the schedules with the cost model without measuring");
    } catch (MeshTuneRunner.Unrunnable e) {
      throw Errors.api(e.problem.code, e.problem.getMessage(), e.problem.hint);
    } catch (CompileException e) {
      throw Errors.of(e, parts.sources());
    } catch (ScheduleException e) {
      throw Errors.api(Errors.ILLEGAL_SCHEDULE, "no candidate could run: " + e.getMessage(), "");
    }
  }

  private void requireCpu(String what) {
    if (parts.target() != Target.CPU) {
      throw Errors.api(Errors.UNAVAILABLE, what + " needs the cpu target; this kernel was compiled for " + parts.target().text(),
          "compile with target(Target.CPU)");
    }
  }

  /** {@code base} with the knobs of {@code text} ({@code cpu{knob=value, ...}}) set, validated. */
  static Schedule merge(Schedule base, String text) {
    Schedule s = base;
    try {
      if (text != null) {
        Schedule given = Schedule.parse(text);
        if (!given.target().equals("cpu")) throw new IllegalArgumentException("the schedule's target is " + given.target() + ", not cpu");
        for (Map.Entry<String, String> e : given.knobs().entrySet()) s = s.with(e.getKey(), e.getValue());
      }
      CpuBackend.validate(s);
      return s;
    } catch (IllegalArgumentException e) {
      throw Errors.api(Errors.ILLEGAL_SCHEDULE, "schedule " + text + ": " + e.getMessage(), "write it as cpu{knob=value, ...}");
    } catch (ScheduleException e) {
      throw Errors.api(Errors.ILLEGAL_SCHEDULE, e.getMessage(), "knobs: threads, blockM, blockN, splitKv, fuse");
    }
  }

  /** E.g. {@code gemm(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N]) on cpu}. */
  @Override
  public String toString() {
    List<TensorSpec> sig = signature();
    return name() + "(" + String.join(", ", sig.stream().filter(t -> t.role() == TensorSpec.Role.INPUT).map(TensorSpec::toString).toList())
        + ") -> (" + String.join(", ", sig.stream().filter(t -> t.role() == TensorSpec.Role.OUTPUT).map(TensorSpec::toString).toList())
        + ") on " + target().text();
  }
}
