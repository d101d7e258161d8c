package dev.tessera.runtime.cuda;

import dev.tessera.cuda.CudaArtifacts;
import dev.tessera.cuda.CudaBackend;
import dev.tessera.cuda.Nvcc;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.TensorDecl;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.KernelInfos;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.Scheduler;
import dev.tessera.scheduler.cost.GpuCostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.tune.Autotuner;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Times CUDA schedules for the autotuner on the GPU. Each candidate is generated for the profile
 * and compiled to PTX by nvcc; the PTX runs through one {@link CudaLauncher} kept open for the
 * whole session, on inputs uploaded once; after a warm-up, the median of {@value #TIMED_RUNS}
 * event-timed runs is the candidate's time. A candidate nvcc or ptxas rejects (including one over
 * the profile's registers or shared memory) or that the driver will not load or launch is a
 * {@link ScheduleException} carrying the reason, so the autotuner records it as skipped and goes on.
 *
 * <p>Compiling and running are the {@link Compiler} and {@link Device} seams: tests substitute
 * both and exercise the tuning flow without a GPU.
 */
public final class CudaTuneRunner implements Autotuner.Runner, AutoCloseable {
  /** Event-timed runs per candidate; the median is reported. */
  static final int TIMED_RUNS = 21;

  /** What the device loads for one candidate: its launch manifest and its PTX (or cubin). */
  public record Compiled(LaunchManifest manifest, byte[] image) {}

  /** Generates and compiles one candidate. */
  @FunctionalInterface
  public interface Compiler {
    /** The compiled candidate; a {@link ScheduleException} naming why when it does not compile here. */
    Compiled compile(Schedule schedule) throws ScheduleException;
  }

  /** Where candidates run: the GPU, through {@link #gpu}. */
  public interface Device extends AutoCloseable {
    /** The milliseconds of each of {@code runs} timed runs after {@code warmUpSeconds} of untimed ones. */
    double[] time(Compiled candidate, double warmUpSeconds, int runs) throws CudaLauncher.CudaUnavailable;

    @Override
    void close();
  }

  private final Compiler compiler;
  private final Device device;
  private final double warmUpSeconds;

  /** @param warmUpSeconds untimed running per candidate before timing */
  public CudaTuneRunner(Compiler compiler, Device device, double warmUpSeconds) {
    this.compiler = compiler;
    this.device = device;
    this.warmUpSeconds = warmUpSeconds;
  }

  /**
   * The runner for {@code kernel} at {@code dims} on {@code profile}'s architecture: the GPU with
   * {@code inputs} resident on it, candidates compiled by the nvcc on PATH.
   *
   * @throws CudaLauncher.CudaUnavailable without a CUDA driver and device, or without nvcc (the
   *     message says which); nothing has been compiled or run then
   */
  public static CudaTuneRunner open(Module module, Kernel kernel, Map<String, Long> dims, Map<String, DenseTensor> inputs, GpuProfile profile,
      double warmUpSeconds) throws CudaLauncher.CudaUnavailable {
    Device gpu = gpu(inputs);
    if (Nvcc.find().isEmpty()) {
      gpu.close();
      throw new CudaLauncher.CudaUnavailable("no nvcc on PATH to compile the candidates to PTX");
    }
    return new CudaTuneRunner(nvcc(module, kernel, dims, profile), gpu, warmUpSeconds);
  }

  /** The GPU (device 0) with {@code inputs}, as the launcher converts them, uploaded on first use and kept. */
  public static Device gpu(Map<String, DenseTensor> inputs) throws CudaLauncher.CudaUnavailable {
    CudaLauncher launcher = CudaLauncher.open();
    Map<String, double[]> host = new LinkedHashMap<>();
    inputs.forEach((name, t) -> host.put(name, t.data()));
    return new Device() {
      @Override
      public double[] time(Compiled c, double warmUp, int runs) throws CudaLauncher.CudaUnavailable {
        return launcher.time(c.manifest(), c.image(), host, warmUp, runs);
      }

      @Override
      public void close() {
        launcher.close();
      }
    };
  }

  /** Generation for {@code profile} and nvcc's PTX, in a temporary directory removed afterwards. */
  public static Compiler nvcc(Module module, Kernel kernel, Map<String, Long> dims, GpuProfile profile) {
    Map<String, Long> bound = Map.copyOf(dims);
    return schedule -> {
      CudaArtifacts a = CudaBackend.generate(module, kernel, schedule, profile, bound, null);
      try {
        byte[] ptx = CudaRun.ptx(a).orElseThrow(() -> new ScheduleException(schedule, "nvcc", "cannot be compiled: nvcc is gone from PATH"));
        return new Compiled(LaunchManifest.parse(a.manifest()), ptx);
      } catch (IOException e) {
        throw new ScheduleException(schedule, "nvcc", "rejected it: " + summary(e.getMessage()));
      }
    };
  }

  /**
   * The legal CUDA schedules of {@code kernel} at {@code dims} on {@code profile}, ranked by
   * {@code model} best first: what the autotuner measures the top of. Empty when the kernel has no
   * attention or contraction template the model describes.
   */
  public static List<Schedule> candidates(Kernel kernel, Map<String, Long> dims, GpuProfile profile, GpuCostModel model) throws ScheduleException {
    Optional<KernelInfo> info = KernelInfos.of(kernel, dims);
    if (info.isEmpty()) return List.of();
    List<Schedule> legal = Scheduler.enumerateCuda(info.get(), profile, storage(kernel));
    return Scheduler.rank(info.get(), profile, model, legal).stream().map(Scheduler.Ranked::schedule).toList();
  }

  /** The storage type the kernel's code uses: that of its first floating-point input, as the CUDA backend names the artifact's precision. */
  public static ElemType storage(Kernel kernel) {
    return kernel.inputs().stream().map(TensorDecl::type).filter(ElemType::isFloat).findFirst().orElse(ElemType.F32);
  }

  /**
   * The median of the timed runs, in seconds.
   *
   * @throws ScheduleException when the candidate does not compile, or the driver does not load or
   *     launch it (the driver's reason is the message)
   */
  @Override
  public double measure(Schedule schedule) throws ScheduleException {
    Compiled c = compiler.compile(schedule);
    double[] millis;
    try {
      millis = device.time(c, warmUpSeconds, TIMED_RUNS);
    } catch (CudaLauncher.CudaUnavailable e) {
      throw new ScheduleException(schedule, "launch", "failed: " + e.getMessage());
    }
    return CudaLauncher.median(millis) / 1e3;
  }

  /** Frees the inputs on the device and its context. */
  @Override
  public void close() {
    device.close();
  }

  /** The first line of nvcc's complaint, with the line after it when the first only introduces it ("nvcc failed on X.cu (ptx):"). */
  static String summary(String s) {
    if (s == null) return "no detail";
    List<String> lines = s.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.isEmpty()) return "no detail";
    return lines.get(0).endsWith(":") && lines.size() > 1 ? lines.get(0) + " " + lines.get(1) : lines.get(0);
  }
}
