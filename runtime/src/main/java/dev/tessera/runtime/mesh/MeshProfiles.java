package dev.tessera.runtime.mesh;

import dev.tessera.scheduler.profile.HardwareProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.MeshProfile;
import dev.tessera.scheduler.profile.ProfileException;
import dev.tessera.scheduler.profile.Profiles;
import java.util.Optional;

/** Looks up a built-in mesh profile ({@code wse2}, {@code wse3}) by name. */
public final class MeshProfiles {
  private MeshProfiles() {}

  /** The mesh profile {@code name}; {@link ProfileException} when unknown or not a mesh. */
  public static MeshProfile get(String name) throws ProfileException {
    HardwareProfile p = Profiles.load(Optional.empty(), Host.standard(s -> {}), s -> {}).get(name);
    if (p instanceof MeshProfile m) return m;
    throw new ProfileException(null, 0, null, "profile '" + name + "' is a " + p.kind() + " profile, not a mesh; use wse2 or wse3");
  }
}
