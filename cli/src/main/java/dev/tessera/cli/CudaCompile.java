package dev.tessera.cli;

import dev.tessera.cuda.CudaArtifacts;
import dev.tessera.cuda.CudaBackend;
import dev.tessera.diag.CompileException;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.runtime.RunErrors;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.HardwareProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.ProfileException;
import dev.tessera.scheduler.profile.Profiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cuda branch of {@code tessera compile}: profile, schedule (the given knobs, else the one
 * {@code tessera tune --target cuda} cached for this kernel, size bucket and profile, else the
 * backend's default), generation and nvcc.
 */
final class CudaCompile {
  private CudaCompile() {}

  record Result(List<Path> files, String note) {}

  static Result write(Module module, Kernel kernel, Map<String, Long> dims, ElemType storage, String profileName, Path profileDir,
      String scheduleText, Path dir, PrintWriter err) throws CompileException, ScheduleException, ProfileException, IOException {
    GpuProfile profile = gpu(profileName, profileDir, err);
    Schedule schedule = CudaBackend.defaultSchedule();
    Optional<Schedule> tuned = scheduleText == null
        ? Tuned.lookupCuda(module, storage == null ? kernel : RunCommand.withStorage(kernel, storage), dims, profile, err) : Optional.empty();
    if (tuned.isPresent()) schedule = tuned.get();
    if (scheduleText != null) {
      try {
        Schedule given = Schedule.parse(scheduleText);
        if (!given.target().equals("cuda")) throw new IllegalArgumentException("the schedule's target is " + given.target() + ", not cuda");
        for (Map.Entry<String, String> e : given.knobs().entrySet()) schedule = schedule.with(e.getKey(), e.getValue());
      } catch (IllegalArgumentException e) {
        throw RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, "--schedule " + scheduleText + ": " + e.getMessage(), "write it as cuda{knob=value, ...}");
      }
    }
    CudaArtifacts a = CudaBackend.generate(module, kernel, schedule, profile, dims, storage);
    CudaArtifacts.Written w;
    try {
      w = a.write(dir);
    } catch (IOException e) {
      throw RunCommand.error(RunErrors.OUTPUT, e.getMessage(), "");
    }
    String note = profile.name() + ", " + a.arch() + ", " + a.launches() + " launch" + (a.launches() == 1 ? "" : "es")
        + (tuned.isPresent() ? ", tuned schedule " + schedule : "")
        + (w.compiled() ? "; PTX and cubin by nvcc" + ptxas(w.ptxas()) : "; nvcc not found, so no PTX or cubin");
    return new Result(w.files(), note);
  }

  /** ptxas's figures in a few words: the most registers of any entry and the spilled bytes. */
  private static String ptxas(dev.tessera.cuda.PtxasReport r) {
    int regs = r.entries().stream().mapToInt(dev.tessera.cuda.PtxasReport.Entry::registers).max().orElse(0);
    long spills = r.entries().stream().mapToLong(e -> e.spillStores() + e.spillLoads()).sum();
    return ", at most " + regs + " registers per thread, " + spills + " bytes spilled";
  }

  /** The GPU profile {@code name} (from the built-ins and {@code dir}); another kind is a diagnostic. */
  static GpuProfile gpu(String name, Path dir, PrintWriter err) throws ProfileException, CompileException {
    Profiles profiles = Profiles.load(Optional.ofNullable(dir), Host.standard(n -> err.println("tessera: " + n)),
        w -> err.println("tessera: warning: " + w));
    HardwareProfile p = profiles.get(name);
    if (p instanceof GpuProfile g) return g;
    throw RunCommand.error(RunErrors.BAD_VALUE, "profile " + name + " is a " + p.kind() + " profile; --target cuda needs a gpu profile",
        "try --profile h100, h200, a100 or rtx4090");
  }
}
