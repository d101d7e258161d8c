package dev.tessera.cli;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.cuda.CudaBackend;
import dev.tessera.ir.Module;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.ir.IrPrinter;
import dev.tessera.ir.Kernel;
import dev.tessera.runtime.RunException;
import dev.tessera.runtime.mesh.MeshChoice;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.tune.TuneCache;
import dev.tessera.scheduler.tune.TuneKey;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;

/** Where {@code tune} leaves its results and {@code run}, {@code compile} and {@code sim} find them: one key for all. */
final class Tuned {
  private Tuned() {}

  /** The cache key of {@code kernel} (as chosen after the pass pipeline) on this machine at {@code dims}. */
  static TuneKey key(Kernel kernel, Map<String, Long> dims) {
    return key(kernel, dims, Host.NAME);
  }

  /** The cache key of {@code kernel} on the profile named {@code profile} at {@code dims}. */
  static TuneKey key(Kernel kernel, Map<String, Long> dims, String profile) {
    return TuneKey.of(IrPrinter.print(kernel), profile, dims);
  }

  static TuneCache cache(PrintWriter err) {
    return TuneCache.standard(w -> err.println("tessera: warning: " + w));
  }

  /** The tuned cpu schedule for the kernel and size, if one is cached and still valid. */
  static Optional<Schedule> lookup(Kernel kernel, Map<String, Long> dims, PrintWriter err) {
    Optional<TuneCache.Entry> e = cache(err).get(key(kernel, dims));
    if (e.isEmpty()) return Optional.empty();
    try {
      CpuBackend.validate(e.get().schedule());
      return Optional.of(e.get().schedule());
    } catch (ScheduleException ex) {
      err.println("tessera: warning: ignoring the tuned schedule (" + ex.getMessage() + "); run 'tessera tune' again");
      return Optional.empty();
    }
  }

  /** The tuned mesh schedule for the kernel and size on the mesh profile {@code profile}, if one is cached and readable. */
  static Optional<MeshChoice> lookupMesh(Kernel kernel, Map<String, Long> dims, String profile, PrintWriter err) {
    Optional<TuneCache.Entry> e = cache(err).get(key(kernel, dims, profile));
    if (e.isEmpty()) return Optional.empty();
    try {
      MeshChoice c = MeshChoice.of(e.get().schedule());
      if (c.grid() > 0) return Optional.of(c);
      err.println("tessera: warning: ignoring the tuned schedule " + e.get().schedule() + " (it names no grid); run 'tessera tune --target mesh' again");
    } catch (RunException ex) {
      err.println("tessera: warning: ignoring the tuned schedule (" + ex.getMessage() + "); run 'tessera tune --target mesh' again");
    }
    return Optional.empty();
  }

  /**
   * The tuned CUDA schedule for the kernel (with its storage types as it will run) and size on the
   * GPU profile, if one is cached and the backend still generates it.
   */
  static Optional<Schedule> lookupCuda(Module module, Kernel kernel, Map<String, Long> dims, GpuProfile profile, PrintWriter err) {
    Optional<TuneCache.Entry> e = cache(err).get(key(kernel, dims, profile.name()));
    if (e.isEmpty()) return Optional.empty();
    Schedule s = e.get().schedule();
    try {
      if (!s.target().equals("cuda")) throw new ScheduleException(s, "target", "is not cuda");
      CudaBackend.generate(module, kernel, s, profile, dims, null);
      return Optional.of(s);
    } catch (ScheduleException | IllegalArgumentException ex) {
      err.println("tessera: warning: ignoring the tuned schedule (" + ex.getMessage() + "); run 'tessera tune --target cuda --profile "
          + profile.name() + "' again");
      return Optional.empty();
    }
  }
}
