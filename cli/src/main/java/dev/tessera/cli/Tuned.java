package dev.tessera.cli;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.ir.IrPrinter;
import dev.tessera.ir.Kernel;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.tune.TuneCache;
import dev.tessera.scheduler.tune.TuneKey;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;

/** Where {@code tune} leaves its results and {@code run} finds them: one key for both commands. */
final class Tuned {
  private Tuned() {}

  /** The cache key of {@code kernel} (as chosen after the pass pipeline) on this machine at {@code dims}. */
  static TuneKey key(Kernel kernel, Map<String, Long> dims) {
    return TuneKey.of(IrPrinter.print(kernel), Host.NAME, dims);
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
}
