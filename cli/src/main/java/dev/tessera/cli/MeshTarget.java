package dev.tessera.cli;

import dev.tessera.diag.CompileException;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.runtime.CpuRun;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.mesh.MeshProfiles;
import dev.tessera.runtime.mesh.MeshRun;
import dev.tessera.runtime.mesh.MeshRunException;
import dev.tessera.scheduler.Knobs;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.profile.MeshProfile;
import dev.tessera.scheduler.profile.ProfileException;
import java.util.List;
import java.util.Map;

/**
 * The mesh target of {@code tessera run} and {@code tessera sim}: reads the mesh schedule and
 * profile, runs the kernel through the mesh simulator and, by default, compares with the reference.
 */
final class MeshTarget {
  private MeshTarget() {}

  /** A schedule's mesh knobs: a square grid side ({@code 0}: choose) and the GEMM algorithm. */
  record Choice(int grid, String algorithm, int colours) {
    Schedule schedule() {
      Schedule s = Schedule.of("mesh").with(Knobs.GRID_X, grid).with(Knobs.GRID_Y, grid).with(Knobs.ALGORITHM, algorithm);
      return colours > 0 ? s.with(Knobs.COLOURS, colours) : s;
    }

    Choice withGrid(int g) {
      return new Choice(g, algorithm, colours);
    }

    /** The profile with its colour budget lowered to the schedule's {@code colours}, if given. */
    MeshProfile budget(MeshProfile p) {
      if (colours <= 0 || colours >= p.colours()) return p;
      return new MeshProfile(p.name() + " with colours=" + colours, p.description(), p.gridWidth(), p.gridHeight(), p.sramPerCoreBytes(),
          p.linkBitsPerCycle(), p.hopCycles(), p.forwardCycles(), p.routerCoreCycles(), colours, p.clockMhz());
    }
  }

  static Choice parse(String text) throws CompileException {
    if (text == null) return new Choice(0, "meshgemm", 0);
    Schedule s;
    try {
      s = Schedule.parse(text);
    } catch (IllegalArgumentException e) {
      throw RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, "--schedule " + text + ": " + e.getMessage(), "write it as mesh{gridX=8, gridY=8, algorithm=meshgemm}");
    }
    if (!s.target().equals("mesh")) {
      throw RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, "the schedule's target is " + s.target() + ", not mesh", "write it as mesh{gridX=8, gridY=8}");
    }
    for (String k : s.knobs().keySet()) {
      if (!Knobs.known("mesh").contains(k)) {
        throw RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, "unknown mesh knob '" + k + "'", "knobs: " + String.join(", ", Knobs.known("mesh")));
      }
    }
    String alg = s.get(Knobs.ALGORITHM).orElse("meshgemm");
    if (!Knobs.ALGORITHM_COLOURS.containsKey(alg)) {
      throw RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, "algorithm must be one of " + String.join(", ", Knobs.ALGORITHM_COLOURS.keySet()) + ", not " + alg, "");
    }
    int gx = intKnob(s, Knobs.GRID_X);
    int gy = intKnob(s, Knobs.GRID_Y);
    if (gx != gy && gx != 0 && gy != 0) {
      throw RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, "gridY must equal gridX: the mesh kernels run on a square of cores (gridX=" + gx + ", gridY=" + gy + ")", "");
    }
    return new Choice(Math.max(gx, gy), alg, intKnob(s, Knobs.COLOURS));
  }

  private static int intKnob(Schedule s, String knob) throws CompileException {
    String v = s.get(knob).orElse("0");
    try {
      int n = Integer.parseInt(v);
      if (n < 0 || n > 1024) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, knob + " must be a whole number between 1 and 1024, not '" + v + "'", "");
    }
  }

  static MeshProfile profile(String name) throws CompileException {
    try {
      return MeshProfiles.get(name);
    } catch (ProfileException e) {
      throw RunCommand.error(RunErrors.BAD_VALUE, "--mesh-profile: " + e.getMessage(), "use wse2 or wse3");
    }
  }

  /** A finished mesh run: its outputs, its programs' cycles, the schedule it ran with. */
  record Outcome(MeshRun.Result result, Choice choice, MeshProfile profile) {}

  /** The largest grid side the event mode is run on: beyond it a simulation with numbers takes minutes to hours. */
  static final int EVENT_GRID_LIMIT = 128;

  static Outcome run(Module module, Kernel kernel, Inputs.Prepared prepared, Choice choice, MeshProfile profile) throws CompileException {
    if (choice.grid() > EVENT_GRID_LIMIT) {
      throw RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, "gridX=" + choice.grid() + ": the event simulation (with numbers) runs grids up to "
          + EVENT_GRID_LIMIT + "x" + EVENT_GRID_LIMIT, "for cycles on larger grids use 'tessera sim --mode analytic'");
    }
    try {
      MeshRun.Result r = MeshRun.runFitting(module, kernel, prepared.dims(), prepared.inputs(), choice.budget(profile), choice.grid(), choice.algorithm());
      return new Outcome(r, choice.withGrid(r.phases().isEmpty() ? Math.max(1, choice.grid()) : r.phases().get(0).grid()), profile);
    } catch (MeshRunException e) {
      throw RunCommand.error(e.code, e.getMessage(), e.hint);
    }
  }

  static double error(Map<String, DenseTensor> got, Map<String, DenseTensor> ref) {
    return CpuRun.relativeError(got, ref);
  }
}
