package dev.tessera.runtime.cuda;

import dev.tessera.cuda.CudaArtifacts;
import dev.tessera.cuda.CudaBackend;
import dev.tessera.cuda.Nvcc;
import dev.tessera.ir.Extents;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.TensorDecl;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.RunException;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.profile.GpuProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a kernel on the GPU: generates its CUDA for the profile, compiles the PTX with nvcc, and
 * launches it through the {@link CudaLauncher}. Without a driver or without nvcc it fails with E410
 * before anything runs. Used by {@code tessera run --target cuda} and the Java API.
 */
public final class CudaRun {
  private CudaRun() {}

  /** The outputs and timings of a run. */
  public record Result(Map<String, DenseTensor> outputs, Schedule schedule, double compileMillis, double firstMillis, double medianMillis) {}

  /**
   * Runs {@code kernel} once, then {@code repeat} more times for the median.
   *
   * @throws RunException (a code, message and hint, as for the mesh runs) E410 without a driver
   *     or nvcc, E412 for an illegal schedule
   */
  public static Result run(Module module, Kernel kernel, Map<String, Long> dims, Map<String, DenseTensor> inputs, GpuProfile profile,
      Schedule schedule, int repeat) throws RunException {
    try (CudaLauncher launcher = CudaLauncher.open()) {
      if (Nvcc.find().isEmpty()) {
        throw new RunException(RunErrors.UNAVAILABLE, "the cuda target needs nvcc to compile the generated code to PTX, and none is on PATH",
            "install the CUDA toolkit, or use 'tessera compile --target cuda' on a machine that has it");
      }
      long start = System.nanoTime();
      CudaArtifacts a = CudaBackend.generate(module, kernel, schedule, profile, dims, null);
      byte[] ptx = ptx(a).orElseThrow(() -> new IOException("nvcc is gone from PATH"));
      double compileMillis = (System.nanoTime() - start) / 1e6;
      Map<String, double[]> in = new LinkedHashMap<>();
      inputs.forEach((k, v) -> in.put(k, v.data()));
      CudaLauncher.Result r = launcher.run(LaunchManifest.parse(a.manifest()), ptx, in, repeat + 1);
      Map<String, DenseTensor> outputs = new LinkedHashMap<>();
      for (TensorDecl t : kernel.outputs()) outputs.put(t.name(), new DenseTensor(Extents.shape(t.shape(), dims), r.outputs().get(t.name())));
      double[] timed = java.util.Arrays.copyOfRange(r.millis(), 1, r.millis().length);
      return new Result(outputs, schedule, compileMillis, r.millis()[0], CudaLauncher.median(timed));
    } catch (CudaLauncher.CudaUnavailable e) {
      throw new RunException(RunErrors.UNAVAILABLE, "the cuda target: " + e.getMessage(),
          "run it on a machine with an NVIDIA GPU and driver, or use the cpu target");
    } catch (ScheduleException e) {
      throw new RunException(RunErrors.ILLEGAL_SCHEDULE, e.getMessage(), "");
    } catch (IOException e) {
      throw new RunException(RunErrors.UNAVAILABLE, "the cuda target: " + e.getMessage(), "");
    }
  }

  /**
   * nvcc's PTX for the artifacts, written and compiled in a temporary directory that is removed
   * afterwards; empty when nvcc did not run.
   */
  static Optional<byte[]> ptx(CudaArtifacts a) throws IOException {
    Path dir = Files.createTempDirectory("tessera-cuda-");
    try {
      if (!a.write(dir).compiled()) return Optional.empty();
      return Optional.of(Files.readAllBytes(dir.resolve(a.kernel() + ".ptx")));
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // Best effort: a leftover temporary directory is harmless.
      }
    }
  }
}
