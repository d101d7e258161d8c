package dev.tessera.api;

import dev.tessera.ir.Kernel;
import dev.tessera.runtime.KernelInfos;
import dev.tessera.runtime.RunErrors;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.cost.Calibration;
import dev.tessera.scheduler.cost.CpuCostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.cost.Prediction;
import dev.tessera.scheduler.profile.CpuProfile;
import dev.tessera.scheduler.profile.HardwareProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.ProfileException;
import dev.tessera.scheduler.profile.Profiles;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The CPU cost model applied to one schedule, with the calibrated weights when {@code tessera bench cost-model} left some. */
final class Predictions {
  private Predictions() {}

  static CostPrediction predict(Kernel kernel, Map<String, Long> dims, Schedule schedule, String profileName, Path profileDir) {
    KernelInfo info = KernelInfos.of(kernel, dims).orElseThrow(() -> Errors.api(RunErrors.UNAVAILABLE,
        "kernel " + kernel.name() + " has no attention or contraction template the cost model describes", ""));
    try {
      CpuProfile profile = cpuProfile(profileName, profileDir);
      CpuCostModel model = Calibration.read(Calibration.file(Host.defaultCacheDir(), profile.name()), CpuCostModel.TERMS)
          .map(CpuCostModel::new).orElseGet(CpuCostModel::new);
      Prediction p = model.predict(info, schedule, profile);
      return new CostPrediction(profile.name(), schedule.toString(), p.seconds(), p.breakdown(), p.trafficBytes(), p.lowerBoundBytes());
    } catch (ProfileException e) {
      throw Errors.api(RunErrors.BAD_VALUE, e.getMessage(), "");
    } catch (ScheduleException e) {
      throw Errors.api(RunErrors.ILLEGAL_SCHEDULE, e.getMessage(), "");
    }
  }

  static CpuProfile cpuProfile(String name, Path dir) throws ProfileException {
    HardwareProfile p = Profiles.load(Optional.ofNullable(dir), Host.standard(note -> { }), warning -> { }).get(name);
    if (p instanceof CpuProfile c) return c;
    throw Errors.api(RunErrors.BAD_VALUE, "profile " + name + " is a " + p.kind() + " profile; the cpu cost model needs a cpu profile",
        "use profile(\"host\")");
  }
}
