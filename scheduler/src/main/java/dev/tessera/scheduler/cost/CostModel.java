package dev.tessera.scheduler.cost;

import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.profile.HardwareProfile;

/** Predicts how long a kernel takes under a schedule on a machine. Each target has its own model. */
public interface CostModel {
  /** The prediction; a schedule whose knobs are malformed is a {@link ScheduleException}. */
  Prediction predict(KernelInfo kernel, Schedule schedule, HardwareProfile profile) throws ScheduleException;
}
