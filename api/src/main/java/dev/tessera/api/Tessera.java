package dev.tessera.api;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Span;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.TensorDecl;
import dev.tessera.passes.Pipeline;
import dev.tessera.runtime.RunErrors;
import dev.tessera.scheduler.Schedule;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The entry point: names a kernel source, collects options, and {@link #compile() compiles} it.
 *
 * <pre>{@code
 * CompiledKernel k = Tessera.fromSource("gemm.attn", text)   // or Tessera.fromFile(path)
 *     .target(Target.CPU)          // default Target.CPU
 *     .dim("K", 64)                // fix a dimension; the rest come from input shapes or defaults
 *     .compile();
 * }</pre>
 *
 * <p>A builder is not thread-safe; the {@link CompiledKernel} it makes is.
 */
public final class Tessera {
  private final Path file;
  private final String name;
  private final String text;
  private String kernelName;
  private Target target = Target.CPU;
  private String profile = "host";
  private Path profileDir;
  private ElemType dtype;
  private String scheduleText;
  private final Map<String, Long> dims = new LinkedHashMap<>();

  private Tessera(Path file, String name, String text) {
    this.file = file;
    this.name = name;
    this.text = text;
  }

  /** A builder for the kernel in a DSL file; the file is read by {@link #compile()}. */
  public static Tessera fromFile(Path file) {
    return new Tessera(Objects.requireNonNull(file, "file"), file.toString(), null);
  }

  /**
   * A builder for kernel source text; {@code name} (e.g. {@code gemm.attn}) is the file name
   * diagnostics point into and picks the kernel when the source defines several.
   */
  public static Tessera fromSource(String name, String source) {
    return new Tessera(null, Objects.requireNonNull(name, "name"), Objects.requireNonNull(source, "source"));
  }

  /** Which kernel of the source to compile (default: the only one, or the one named like the file). */
  public Tessera kernel(String kernel) {
    this.kernelName = kernel;
    return this;
  }

  /** The target (default {@link Target#CPU}). */
  public Tessera target(Target t) {
    this.target = Objects.requireNonNull(t, "target");
    return this;
  }

  /**
   * The hardware profile the cost model predicts for (default {@code host}, this machine); for
   * {@link Target#MESH}, the mesh the simulator models ({@code wse2}, the default, or {@code wse3}); for
   * {@link Target#CUDA}, the GPU generated for ({@code a100}, the default, whose sm_80 PTX runs on
   * every newer GPU; {@code h100}, {@code h200}, {@code rtx4090}).
   */
  public Tessera profile(String name) {
    this.profile = Objects.requireNonNull(name, "profile");
    return this;
  }

  /** A directory of extra {@code NAME.profile} files for {@link #profile}. */
  public Tessera profileDir(Path dir) {
    this.profileDir = dir;
    return this;
  }

  /**
   * Overrides the storage type of the floating-point tensors: {@code f32}, {@code f16} or
   * {@code bf16} (arithmetic stays in f32 or wider).
   *
   * @throws TesseraException code E409 for any other name
   */
  public Tessera dtype(String type) {
    this.dtype = ElemType.parse(type).filter(ElemType::isFloat)
        .orElseThrow(() -> Errors.api(Errors.BAD_VALUE, "dtype must be f32, f16 or bf16, not '" + type + "'", ""));
    return this;
  }

  /** Fixes a dimension for every run and for the prediction; input shapes must agree with it. */
  public Tessera dim(String dim, long value) {
    dims.put(Objects.requireNonNull(dim, "dim"), value);
    return this;
  }

  /** Fixes several dimensions, as {@link #dim}. */
  public Tessera dims(Map<String, Long> values) {
    values.forEach(this::dim);
    return this;
  }

  /**
   * Schedule knobs: for {@link Target#CPU} e.g. {@code cpu{blockM=32, threads=1}} (knobs not given
   * keep the backend's defaults); for {@link Target#MESH} e.g. {@code mesh{gridX=8, gridY=8,
   * algorithm=summa}} (without a grid, each run takes the smallest square whose programs fit the
   * cores' SRAM); for {@link Target#CUDA} e.g. {@code cuda{blockM=64, blockN=64, splitKv=4}}.
   */
  public Tessera schedule(String text) {
    this.scheduleText = text;
    return this;
  }

  /**
   * Parses, checks and lowers the source, picks the kernel, and for {@link Target#CPU} generates
   * and loads its code.
   *
   * @throws TargetUnavailableException for a target this build leaves out (none does today)
   * @throws TesseraException with positioned diagnostics for errors in the source or the options
   */
  public CompiledKernel compile() {
    return compile(false).get(0);
  }

  /**
   * Compiles every kernel the source defines, in definition order, with the same options; {@link
   * #kernel} is ignored, and dimensions fixed with {@link #dim} apply to the kernels that have them.
   *
   * @throws TargetUnavailableException for a target this build leaves out (none does today)
   * @throws TesseraException with positioned diagnostics for errors in the source or the options
   */
  public java.util.List<CompiledKernel> compileAll() {
    return compile(true);
  }

  private java.util.List<CompiledKernel> compile(boolean all) {
    if (!target.isAvailable()) throw Errors.unavailable(target, "compile " + name);
    Sources sources = new Sources();
    try {
      for (Map.Entry<String, Long> e : dims.entrySet()) {
        if (e.getValue() < 1 || e.getValue() > Integer.MAX_VALUE) {
          throw Errors.api(RunErrors.BAD_DIM, "dimension " + e.getKey() + "=" + e.getValue() + " must be between 1 and " + Integer.MAX_VALUE, "");
        }
      }
      Frontend.Compiled compiled = file != null ? Frontend.compile(sources, file) : Frontend.compile(sources, name, text);
      Module module = Pipeline.run(compiled.module());
      java.util.List<Kernel> kernels = all ? module.kernels() : java.util.List.of(choose(module));
      Schedule schedule = switch (target) {
        case CPU -> schedule();
        case MESH -> MeshTarget.choice(scheduleText).schedule();
        case CUDA -> CudaTarget.schedule(scheduleText);
        default -> null;
      };
      java.util.List<CompiledKernel> out = new java.util.ArrayList<>();
      for (Kernel k : kernels) {
        Kernel kernel = dtype == null ? k : withStorage(k, dtype);
        Map<String, Long> fixed = new LinkedHashMap<>();
        for (Map.Entry<String, Long> d : dims.entrySet()) {
          if (kernel.dims().contains(d.getKey())) fixed.put(d.getKey(), d.getValue());
          else if (!all) {
            throw new TesseraException(java.util.List.of(Diagnostic.error(RunErrors.BAD_DIM, compiled.sourceMap().kernel(kernel.name()),
                "kernel " + kernel.name() + " has no dimension '" + d.getKey() + "'", "its dimensions are " + String.join(", ", kernel.dims()))),
                sources);
          }
        }
        out.add(new CompiledKernel(new CompiledKernel.Parts(module, kernel, compiled.sourceMap(), sources, target, schedule,
            java.util.Collections.unmodifiableMap(fixed), profile, profileDir)));
      }
      return java.util.List.copyOf(out);
    } catch (CompileException e) {
      throw Errors.of(e, sources);
    }
  }

  private Kernel choose(Module m) throws CompileException {
    String names = m.kernels().stream().map(Kernel::name).collect(Collectors.joining(", "));
    Span at = new Span(name, 0, 0, 0);
    if (kernelName != null) {
      return m.kernel(kernelName).orElseThrow(() -> new CompileException(Diagnostic.error(RunErrors.UNKNOWN_KERNEL, at,
          "no kernel named '" + kernelName + "'", names.isEmpty() ? "the source defines no kernel" : "kernels: " + names)));
    }
    if (m.kernels().size() == 1) return m.kernels().get(0);
    String stem = Path.of(name).getFileName().toString().replaceFirst("\\.attn$", "");
    return m.kernel(stem).orElseThrow(() -> new CompileException(Diagnostic.error(RunErrors.UNKNOWN_KERNEL, at,
        m.kernels().isEmpty() ? "the source defines no kernel" : "the source defines several kernels",
        names.isEmpty() ? "" : "choose one with kernel(NAME): " + names)));
  }

  private Schedule schedule() {
    return CompiledKernel.merge(CpuBackend.defaultSchedule(), scheduleText);
  }

  static Kernel withStorage(Kernel k, ElemType t) {
    return k.withTensors(k.tensors().stream().map(d -> d.type().isFloat() && d.role() != TensorDecl.Role.TEMP ? d.withType(t) : d).toList());
  }
}
