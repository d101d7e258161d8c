package dev.tessera.cli;

import dev.tessera.cuda.CudaBackend;
import dev.tessera.diag.CompileException;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.RunException;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.ProfileException;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * {@code tessera run --target cuda}: generates the kernel for a GPU profile (by default a100, whose
 * sm_80 PTX the driver JIT-compiles for any newer GPU) with the schedule {@code tessera tune
 * --target cuda} cached for it, else the backend's default, and runs it through {@link
 * dev.tessera.runtime.cuda.CudaRun}. Without a driver or without nvcc it fails with a diagnostic
 * before anything is written.
 */
final class CudaRun {
  /** The profile generated for when none is named. */
  static final String DEFAULT_PROFILE = "a100";

  private CudaRun() {}

  /** A run and whether its schedule came from the tuning cache. */
  record Outcome(dev.tessera.runtime.cuda.CudaRun.Result result, boolean tuned) {}

  static Outcome run(Module module, Kernel kernel, Inputs.Prepared prepared, int repeat, String profileName, PrintWriter err) throws CompileException {
    try {
      GpuProfile profile = CudaCompile.gpu(profileName, null, err);
      Optional<Schedule> tuned = Tuned.lookupCuda(module, kernel, prepared.dims(), profile, err);
      return new Outcome(dev.tessera.runtime.cuda.CudaRun.run(module, kernel, prepared.dims(), prepared.inputs(), profile,
          tuned.orElse(CudaBackend.defaultSchedule()), repeat), tuned.isPresent());
    } catch (RunException e) {
      throw RunCommand.error(e.code, "--target cuda: " + e.getMessage().replaceFirst("^the cuda target: ", ""), e.hint);
    } catch (ProfileException e) {
      throw RunCommand.error(RunErrors.BAD_VALUE, "--gpu-profile: " + e.getMessage(), "");
    }
  }
}
