package dev.tessera.api;

import dev.tessera.cuda.CudaBackend;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.RunException;
import dev.tessera.runtime.cuda.CudaRun;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.HardwareProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.ProfileException;
import dev.tessera.scheduler.profile.Profiles;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The API's cuda target: schedule knobs, the GPU profile, and a run through the JCuda launcher. */
final class CudaTarget {
  /**
   * The GPU compiled for when the builder's profile is not a GPU (its default is the host CPU):
   * sm_80 PTX, which the driver also JIT-compiles for every newer GPU.
   */
  static final String DEFAULT_PROFILE = "a100";

  private CudaTarget() {}

  /** {@code cuda{…}} knobs over the backend's defaults, checked for form (the profile's limits are checked when generating). */
  static Schedule schedule(String text) {
    Schedule s = CudaBackend.defaultSchedule();
    if (text == null) return s;
    try {
      Schedule given = Schedule.parse(text);
      if (!given.target().equals("cuda")) throw new IllegalArgumentException("the schedule's target is " + given.target() + ", not cuda");
      for (Map.Entry<String, String> e : given.knobs().entrySet()) s = s.with(e.getKey(), e.getValue());
      return s;
    } catch (IllegalArgumentException e) {
      throw Errors.api(Errors.ILLEGAL_SCHEDULE, "schedule " + text + ": " + e.getMessage(), "write it as cuda{threads=128, blockM=64, ...}");
    }
  }

  static GpuProfile profile(String name, Path profileDir) {
    try {
      HardwareProfile p = Profiles.load(Optional.ofNullable(profileDir), Host.standard(n -> { }), w -> { })
          .get(name.equals("host") ? DEFAULT_PROFILE : name);
      if (p instanceof GpuProfile g) return g;
      throw Errors.api(RunErrors.BAD_VALUE, "profile " + p.name() + " is a " + p.kind() + " profile, not a GPU",
          "use profile(\"h100\"), \"h200\", \"a100\" or \"rtx4090\" with Target.CUDA");
    } catch (ProfileException e) {
      throw Errors.api(RunErrors.BAD_VALUE, e.getMessage(), "");
    }
  }

  static CudaRun.Result run(Module module, Kernel kernel, Inputs.Prepared p, GpuProfile profile, Schedule schedule) {
    try {
      return CudaRun.run(module, kernel, p.dims(), p.inputs(), profile, schedule, 0);
    } catch (RunException e) {
      throw Errors.api(e.code, e.getMessage(), e.hint);
    }
  }

  static java.util.List<Path> write(Module module, Kernel kernel, Map<String, Long> dims, GpuProfile profile, Schedule schedule, Path dir)
      throws java.io.IOException {
    try {
      return CudaBackend.generate(module, kernel, schedule, profile, dims, null).write(dir).files();
    } catch (ScheduleException e) {
      throw Errors.api(Errors.ILLEGAL_SCHEDULE, e.getMessage(), "");
    }
  }
}
