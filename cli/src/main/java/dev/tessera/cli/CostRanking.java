package dev.tessera.cli;

import dev.tessera.ir.Kernel;
import dev.tessera.runtime.KernelInfos;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.Scheduler;
import dev.tessera.scheduler.cost.Calibration;
import dev.tessera.scheduler.cost.CpuCostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.profile.CpuProfile;
import dev.tessera.scheduler.profile.HardwareProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.ProfileException;
import dev.tessera.scheduler.profile.Profiles;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The cost model's order of legal CPU schedules for a kernel on the host, so the autotuner measures its top-k. */
final class CostRanking {
  private CostRanking() {}

  /** Best predicted first; empty when the kernel has no template the model describes. */
  static List<Schedule> ranked(Kernel kernel, Map<String, Long> dims, PrintWriter err) throws ScheduleException, ProfileException {
    Optional<KernelInfo> info = KernelInfos.of(kernel, dims);
    if (info.isEmpty()) return List.of();
    Host host = Host.standard(note -> err.println("tessera: " + note));
    HardwareProfile p = Profiles.load(Optional.empty(), host, w -> err.println("tessera: warning: " + w)).get("host");
    if (!(p instanceof CpuProfile cpu)) return List.of();
    CpuCostModel model = Calibration.read(Calibration.file(Host.defaultCacheDir(), cpu.name()), CpuCostModel.TERMS)
        .map(CpuCostModel::new).orElseGet(CpuCostModel::new);
    return Scheduler.rank(info.get(), cpu, model).stream().map(Scheduler.Ranked::schedule).toList();
  }
}
