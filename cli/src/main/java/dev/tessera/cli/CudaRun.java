package dev.tessera.cli;

import dev.tessera.cuda.CudaBackend;
import dev.tessera.diag.CompileException;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.RunException;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.ProfileException;
import dev.tessera.scheduler.profile.Profiles;
import java.util.Optional;

/**
 * {@code tessera run --target cuda}: generates the kernel for sm_80 (its PTX is JIT-compiled by the
 * driver for any newer GPU) and runs it through {@link dev.tessera.runtime.cuda.CudaRun}.
 * Without a driver or without nvcc it fails with a diagnostic before anything is written.
 */
final class CudaRun {
  private CudaRun() {}

  static dev.tessera.runtime.cuda.CudaRun.Result run(Module module, Kernel kernel, Inputs.Prepared prepared, int repeat) throws CompileException {
    try {
      GpuProfile profile = (GpuProfile) Profiles.load(Optional.empty(), Host.standard(n -> {}), w -> {}).get("a100");
      return dev.tessera.runtime.cuda.CudaRun.run(module, kernel, prepared.dims(), prepared.inputs(), profile, CudaBackend.defaultSchedule(), repeat);
    } catch (RunException e) {
      throw RunCommand.error(e.code, "--target cuda: " + e.getMessage().replaceFirst("^the cuda target: ", ""), e.hint);
    } catch (ProfileException e) {
      throw RunCommand.error(RunErrors.UNAVAILABLE, "--target cuda: " + e.getMessage(), "");
    }
  }
}
