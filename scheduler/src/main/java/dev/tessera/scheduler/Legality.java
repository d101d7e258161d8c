package dev.tessera.scheduler;

import dev.tessera.scheduler.profile.CpuProfile;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.HardwareProfile;
import dev.tessera.scheduler.profile.MeshProfile;

/**
 * Whether a schedule can run on a machine: its knobs are the target's ({@link Knobs}), and the
 * tiles, threads, registers, memory and colours it implies fit the profile's limits for the given
 * problem sizes. An illegal schedule is a {@link ScheduleException} naming the knob, the limit and
 * both numbers.
 */
public final class Legality {
  private Legality() {}

  /** Returns normally when {@code s} is legal on {@code p} for {@code shapes}. */
  public static void check(Schedule s, HardwareProfile p, Shapes shapes) throws ScheduleException {
    knobsOf(s);
    switch (p) {
      case CpuProfile c -> {
        expectTarget(s, "cpu", p);
        CpuLegality.check(s, c, shapes);
      }
      case GpuProfile g -> {
        expectTarget(s, "cuda", p);
        CudaLegality.check(s, g, shapes);
      }
      case MeshProfile m -> {
        expectTarget(s, "mesh", p);
        MeshLegality.check(s, m, shapes);
      }
    }
  }

  private static void knobsOf(Schedule s) throws ScheduleException {
    if (!Knobs.TARGETS.contains(s.target())) {
      throw new ScheduleException(s, "target", s.target() + " is not one of " + String.join(", ", Knobs.TARGETS));
    }
    for (String k : s.knobs().keySet()) {
      if (!Knobs.known(s.target()).contains(k)) {
        throw new ScheduleException(s, k, "is not a " + s.target() + " knob (known: " + String.join(", ", Knobs.known(s.target())) + ")");
      }
    }
    for (String k : Knobs.required(s.target())) {
      if (s.get(k).isEmpty()) throw new ScheduleException(s, k, "is required for target " + s.target());
    }
  }

  private static void expectTarget(Schedule s, String target, HardwareProfile p) throws ScheduleException {
    if (!s.target().equals(target)) {
      throw new ScheduleException(s, "target", s.target() + " cannot run on " + p.name() + ", a " + p.kind() + " profile (its target is " + target + ")");
    }
  }

  /** An integer knob of at least {@code min}; {@code min} when absent (required knobs were checked present). */
  static int atLeast(Schedule s, String knob, int min) throws ScheduleException {
    int v = s.intKnob(knob, min);
    if (v < min) throw new ScheduleException(s, knob, "must be at least " + min + ", not " + v);
    return v;
  }

  /** ⌈a/b⌉. */
  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
