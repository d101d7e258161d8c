package dev.tessera.api;

import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.mesh.MeshChoice;
import dev.tessera.runtime.mesh.MeshProfiles;
import dev.tessera.runtime.mesh.MeshRun;
import dev.tessera.runtime.RunException;
import dev.tessera.scheduler.profile.MeshProfile;
import dev.tessera.scheduler.profile.ProfileException;

/** The API's mesh target: schedule knobs, the simulated mesh, and a simulated run. */
final class MeshTarget {
  /** The mesh simulated when the builder's profile is not a mesh (its default is the host CPU). */
  static final String DEFAULT_PROFILE = "wse2";

  private MeshTarget() {}

  static MeshChoice choice(String scheduleText) {
    try {
      return MeshChoice.parse(scheduleText);
    } catch (RunException e) {
      throw Errors.api(e.code, e.getMessage(), e.hint);
    }
  }

  static MeshProfile profile(String name) {
    try {
      return MeshProfiles.get(name.equals("host") ? DEFAULT_PROFILE : name);
    } catch (ProfileException e) {
      throw Errors.api(RunErrors.BAD_VALUE, e.getMessage(), "use profile(\"wse2\") or profile(\"wse3\") with Target.MESH");
    }
  }

  static MeshRun.Result run(Module module, Kernel kernel, Inputs.Prepared p, MeshChoice choice, MeshProfile profile) {
    try {
      return MeshRun.runFitting(module, kernel, p.dims(), p.inputs(), choice.budget(profile), choice.grid(), choice.algorithm());
    } catch (RunException e) {
      throw Errors.api(e.code, e.getMessage(), e.hint);
    }
  }
}
