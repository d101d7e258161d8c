package dev.tessera.cli;

import dev.tessera.diag.CompileException;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.runtime.CpuRun;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.mesh.MeshChoice;
import dev.tessera.runtime.mesh.MeshProfiles;
import dev.tessera.runtime.mesh.MeshRun;
import dev.tessera.runtime.RunException;
import dev.tessera.scheduler.Knobs;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.profile.MeshProfile;
import dev.tessera.scheduler.profile.ProfileException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * The mesh target of {@code tessera run} and {@code tessera sim}: reads the mesh schedule and
 * profile, runs the kernel through the mesh simulator and, by default, compares with the reference.
 */
final class MeshTarget {
  private MeshTarget() {}

  /** The schedule's mesh knobs; {@code null} text is the default. */
  static MeshChoice parse(String text) throws CompileException {
    try {
      return MeshChoice.parse(text);
    } catch (RunException e) {
      throw RunCommand.error(e.code, e.getMessage(), e.hint);
    }
  }

  static MeshProfile profile(String name) throws CompileException {
    return profile(name, "--mesh-profile");
  }

  /** The mesh profile {@code name}, given with the command-line option {@code option}. */
  static MeshProfile profile(String name, String option) throws CompileException {
    try {
      return MeshProfiles.get(name);
    } catch (ProfileException e) {
      throw RunCommand.error(RunErrors.BAD_VALUE, option + ": " + e.getMessage(), "use wse2 or wse3");
    }
  }

  /** A mesh schedule and whether it came from the autotuner's cache. */
  record Choice(MeshChoice choice, boolean tuned) {}

  /**
   * The schedule a mesh run uses: {@code text} when given, else the one {@code tessera tune --target
   * mesh} cached for this kernel, size bucket and profile, else the default (smallest fitting grid).
   */
  static Choice choose(String text, Kernel kernel, Map<String, Long> dims, MeshProfile profile, PrintWriter err) throws CompileException {
    if (text != null) return new Choice(parse(text), false);
    return Tuned.lookupMesh(kernel, dims, profile.name(), err).map(c -> new Choice(c, true)).orElse(new Choice(MeshChoice.DEFAULT, false));
  }

  /** A finished mesh run: its outputs, its programs' cycles, the schedule it ran with (tuned or not). */
  record Outcome(MeshRun.Result result, MeshChoice choice, MeshProfile profile, boolean tuned) {}

  static Outcome run(Module module, Kernel kernel, Inputs.Prepared prepared, Choice chosen, MeshProfile profile) throws CompileException {
    MeshChoice choice = chosen.choice();
    if (choice.grid() > MeshRun.EVENT_GRID_LIMIT) {
      throw RunCommand.error(RunErrors.ILLEGAL_SCHEDULE, "gridX=" + choice.grid() + ": the event simulation (with numbers) runs grids up to "
          + MeshRun.EVENT_GRID_LIMIT + "x" + MeshRun.EVENT_GRID_LIMIT, "for cycles on larger grids use 'tessera sim --mode analytic'");
    }
    try {
      MeshRun.Result r = MeshRun.runFitting(module, kernel, prepared.dims(), prepared.inputs(), choice.budget(profile), choice.grid(), choice.algorithm());
      return new Outcome(r, choice.withGrid(r.phases().isEmpty() ? Math.max(1, choice.grid()) : r.phases().get(0).grid()), profile,
          chosen.tuned());
    } catch (RunException e) {
      throw RunCommand.error(e.code, e.getMessage(), e.hint);
    }
  }

  static double error(Map<String, DenseTensor> got, Map<String, DenseTensor> ref) {
    return CpuRun.relativeError(got, ref);
  }
}
