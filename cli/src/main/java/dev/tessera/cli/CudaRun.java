package dev.tessera.cli;

import dev.tessera.cuda.CudaArtifacts;
import dev.tessera.cuda.CudaBackend;
import dev.tessera.cuda.Nvcc;
import dev.tessera.diag.CompileException;
import dev.tessera.ir.Extents;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.TensorDecl;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.cuda.CudaLauncher;
import dev.tessera.runtime.cuda.LaunchManifest;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.ProfileException;
import dev.tessera.scheduler.profile.Profiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code tessera run --target cuda}: generates the kernel for sm_80 (its PTX is JIT-compiled by the
 * driver for any newer GPU), compiles PTX with nvcc, and runs it through the JCuda launcher.
 * Without a driver or without nvcc it fails with a diagnostic before anything is written.
 */
final class CudaRun {
  private CudaRun() {}

  /** The outputs and timings of a run. */
  record Result(Map<String, DenseTensor> outputs, Schedule schedule, double compileMillis, double firstMillis, double medianMillis) {}

  static Result run(Module module, Kernel kernel, Inputs.Prepared prepared, int repeat) throws CompileException {
    try (CudaLauncher launcher = open()) {
      if (Nvcc.find().isEmpty()) {
        throw RunCommand.error(RunErrors.UNAVAILABLE, "--target cuda needs nvcc to compile the generated code to PTX, and none is on PATH",
            "install the CUDA toolkit, or use 'tessera compile --target cuda' on a machine that has it");
      }
      GpuProfile profile = (GpuProfile) Profiles.load(Optional.empty(), Host.standard(n -> {}), w -> {}).get("a100");
      Schedule schedule = CudaBackend.defaultSchedule();
      long start = System.nanoTime();
      CudaArtifacts a = CudaBackend.generate(module, kernel, schedule, profile, prepared.dims(), null);
      Path dir = Files.createTempDirectory("tessera-cuda-run-");
      byte[] ptx;
      try {
        a.write(dir);
        ptx = Files.readAllBytes(dir.resolve(a.kernel() + ".ptx"));
      } finally {
        try (var s = Files.walk(dir)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      double compileMillis = (System.nanoTime() - start) / 1e6;
      Map<String, double[]> inputs = new LinkedHashMap<>();
      prepared.inputs().forEach((k, v) -> inputs.put(k, v.data()));
      CudaLauncher.Result r = launcher.run(LaunchManifest.parse(a.manifest()), ptx, inputs, repeat + 1);
      Map<String, DenseTensor> outputs = new LinkedHashMap<>();
      for (TensorDecl t : kernel.outputs()) outputs.put(t.name(), new DenseTensor(Extents.shape(t.shape(), prepared.dims()), r.outputs().get(t.name())));
      double[] timed = java.util.Arrays.copyOfRange(r.millis(), 1, r.millis().length);
      return new Result(outputs, schedule, compileMillis, r.millis()[0], new CudaLauncher.Result(r.outputs(), timed).medianMillis());
    } catch (CudaLauncher.CudaUnavailable e) {
      throw RunCommand.error(RunErrors.UNAVAILABLE, "--target cuda: " + e.getMessage(), "run it on a machine with an NVIDIA GPU and driver, or use --target cpu");
    } catch (ScheduleException e) {
      throw RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, e.getMessage(), "");
    } catch (ProfileException | IOException e) {
      throw RunCommand.error(RunErrors.UNAVAILABLE, "--target cuda: " + e.getMessage(), "");
    }
  }

  private static CudaLauncher open() throws CudaLauncher.CudaUnavailable {
    return CudaLauncher.open();
  }
}
