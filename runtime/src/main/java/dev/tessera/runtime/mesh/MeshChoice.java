package dev.tessera.runtime.mesh;

import dev.tessera.runtime.RunException;
import dev.tessera.runtime.RunErrors;
import dev.tessera.scheduler.Knobs;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.profile.MeshProfile;

/**
 * A mesh schedule's knobs as the mesh runs read them: a square grid side ({@code 0}: the smallest
 * that fits, see {@link MeshRun#runFitting}), the GEMM algorithm and an optional colour budget.
 */
public record MeshChoice(int grid, String algorithm, int colours) {
  /** The default: the grid chosen per run, MeshGEMM, the profile's colours. */
  public static final MeshChoice DEFAULT = new MeshChoice(0, "meshgemm", 0);

  /** The schedule value, e.g. {@code mesh{algorithm=meshgemm, gridX=8, gridY=8}}. */
  public Schedule schedule() {
    Schedule s = Schedule.of("mesh").with(Knobs.GRID_X, grid).with(Knobs.GRID_Y, grid).with(Knobs.ALGORITHM, algorithm);
    return colours > 0 ? s.with(Knobs.COLOURS, colours) : s;
  }

  public MeshChoice withGrid(int g) {
    return new MeshChoice(g, algorithm, colours);
  }

  /** The profile with its colour budget lowered to the schedule's {@code colours}, if given. */
  public MeshProfile budget(MeshProfile p) {
    if (colours <= 0 || colours >= p.colours()) return p;
    return new MeshProfile(p.name() + " with colours=" + colours, p.description(), p.gridWidth(), p.gridHeight(), p.sramPerCoreBytes(),
        p.linkBitsPerCycle(), p.hopCycles(), p.forwardCycles(), p.routerCoreCycles(), colours, p.clockMhz());
  }

  /**
   * Reads {@code mesh{gridX=…, gridY=…, algorithm=…, colours=…}}; {@code null} is {@link #DEFAULT}.
   *
   * @throws RunException E412 naming what is wrong
   */
  public static MeshChoice parse(String text) throws RunException {
    if (text == null) return DEFAULT;
    try {
      return of(Schedule.parse(text));
    } catch (IllegalArgumentException e) {
      throw illegal("schedule " + text + ": " + e.getMessage(), "write it as mesh{gridX=8, gridY=8, algorithm=meshgemm}");
    }
  }

  /**
   * The mesh knobs of schedule {@code s}.
   *
   * @throws RunException E412 naming what is wrong
   */
  public static MeshChoice of(Schedule s) throws RunException {
    if (!s.target().equals("mesh")) throw illegal("the schedule's target is " + s.target() + ", not mesh", "write it as mesh{gridX=8, gridY=8}");
    for (String k : s.knobs().keySet()) {
      if (!Knobs.known("mesh").contains(k)) throw illegal("unknown mesh knob '" + k + "'", "knobs: " + String.join(", ", Knobs.known("mesh")));
    }
    String alg = s.get(Knobs.ALGORITHM).orElse("meshgemm");
    if (!Knobs.ALGORITHM_COLOURS.containsKey(alg)) {
      throw illegal("algorithm must be one of " + String.join(", ", Knobs.ALGORITHM_COLOURS.keySet()) + ", not " + alg, "");
    }
    int gx = intKnob(s, Knobs.GRID_X);
    int gy = intKnob(s, Knobs.GRID_Y);
    if (gx != gy && gx != 0 && gy != 0) {
      throw illegal("gridY must equal gridX: the mesh kernels run on a square of cores (gridX=" + gx + ", gridY=" + gy + ")", "");
    }
    return new MeshChoice(Math.max(gx, gy), alg, intKnob(s, Knobs.COLOURS));
  }

  private static int intKnob(Schedule s, String knob) throws RunException {
    String v = s.get(knob).orElse("0");
    try {
      int n = Integer.parseInt(v);
      if (n < 0 || n > 1024) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw illegal(knob + " must be a whole number between 1 and 1024, not '" + v + "'", "");
    }
  }

  private static RunException illegal(String message, String hint) {
    return new RunException(RunErrors.ILLEGAL_SCHEDULE, message, hint);
  }
}
