package dev.tessera.mesh;

import dev.tessera.scheduler.profile.MeshProfile;
import java.util.List;

/** Checks a program against a profile: grid size, SRAM per core, colour budget. */
public final class MeshLimits {
  private MeshLimits() {}

  public static void check(MeshProgram p, MeshProfile profile) throws MeshLimitException {
    if (p.width() > profile.gridWidth() || p.height() > profile.gridHeight()) {
      throw new MeshLimitException("the program's grid " + p.width() + "x" + p.height() + " does not fit " + profile.name() + "'s "
          + profile.gridWidth() + "x" + profile.gridHeight() + " cores");
    }
    MeshProgram.Assign worst = null;
    for (MeshProgram.Assign a : p.assigns()) {
      if (p.program(a.program()).orElseThrow().bytes() <= profile.sramPerCoreBytes()) continue;
      CoreSet c = a.cores();
      if (worst == null || c.y0() < worst.cores().y0() || c.y0() == worst.cores().y0() && c.x0() < worst.cores().x0()) worst = a;
    }
    if (worst != null) {
      Program prog = p.program(worst.program()).orElseThrow();
      throw new MeshLimitException("core (" + worst.cores().x0() + "," + worst.cores().y0() + ") runs program " + prog.name()
          + ", whose buffers need " + prog.bytes() + " bytes of SRAM; " + profile.name() + " has " + profile.sramPerCoreBytes() + " bytes per core");
    }
    List<Integer> colours = p.colours();
    int top = colours.isEmpty() ? -1 : colours.get(colours.size() - 1);
    if (top >= profile.colours()) {
      Route r = p.routes().stream().filter(x -> x.colour() == top).findFirst().orElseThrow();
      throw new MeshLimitException("core (" + r.cores().x0() + "," + r.cores().y0() + ") routes colour c" + top + ", which needs "
          + (top + 1) + " colours; " + profile.name() + " has " + profile.colours());
    }
  }
}
