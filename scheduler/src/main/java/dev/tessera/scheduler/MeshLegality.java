package dev.tessera.scheduler;

import static dev.tessera.scheduler.Knobs.ALGORITHM;
import static dev.tessera.scheduler.Knobs.ALGORITHM_COLOURS;
import static dev.tessera.scheduler.Knobs.COLOURS;
import static dev.tessera.scheduler.Knobs.GRID_X;
import static dev.tessera.scheduler.Knobs.GRID_Y;

import dev.tessera.scheduler.profile.MeshProfile;

/** Legality on a wafer-scale mesh: the core grid, the routing colours, and SRAM per core. */
final class MeshLegality {
  private MeshLegality() {}

  static void check(Schedule s, MeshProfile p, Shapes x) throws ScheduleException {
    int gx = Legality.atLeast(s, GRID_X, 1);
    int gy = Legality.atLeast(s, GRID_Y, 1);
    String grid = p.name() + "'s grid is " + p.gridWidth() + "x" + p.gridHeight();
    if (gx > p.gridWidth()) throw ScheduleException.limitBroken(s, GRID_X, "grid", "gridX=" + gx + " exceeds " + p.gridWidth() + " columns: " + grid);
    if (gy > p.gridHeight()) throw ScheduleException.limitBroken(s, GRID_Y, "grid", "gridY=" + gy + " exceeds " + p.gridHeight() + " rows: " + grid);
    String algorithm = s.get(ALGORITHM).orElseThrow();
    Integer needed = ALGORITHM_COLOURS.get(algorithm);
    if (needed == null) {
      throw new ScheduleException(s, ALGORITHM, "must be one of " + String.join(", ", ALGORITHM_COLOURS.keySet()) + ", not " + algorithm);
    }
    if (!algorithm.equals("summa") && gx != gy) {
      throw new ScheduleException(s, GRID_Y, "must equal gridX for " + algorithm + ", which shifts over a square grid (gridX=" + gx + ", gridY=" + gy + ")");
    }
    int colours = s.get(COLOURS).isPresent() ? Legality.atLeast(s, COLOURS, 1) : needed;
    if (colours > p.colours()) {
      throw ScheduleException.limitBroken(s, COLOURS, "colours", algorithm + " with colours=" + colours + " needs " + colours
          + " routing colours; " + p.name() + " has " + p.colours());
    }
    long bytes = sramBytes(gx, gy, x);
    if (bytes > p.sramPerCoreBytes()) {
      throw ScheduleException.limitBroken(s, gx <= gy ? GRID_X : GRID_Y, "sram_per_core_bytes", "gridX=" + gx + ", gridY=" + gy
          + " with " + x + " need " + Units.bytes(bytes) + " of SRAM per core; " + p.name() + " has "
          + Units.bytes(p.sramPerCoreBytes()) + " per core");
    }
  }

  /**
   * One core's data when attention is spread over gridY rows × gridX columns: its Q (m×d), K (n×d)
   * and V (n×e) blocks, twice each in the storage type (the resident block and the one arriving
   * during a shift), and its blocks of the scores (m×n) and the output (m×e) in f32. Code and
   * stack are not counted.
   */
  static long sramBytes(long gx, long gy, Shapes x) {
    long rows = Legality.ceilDiv(x.m(), gy);
    long q = rows * Legality.ceilDiv(x.d(), gx);
    long k = Legality.ceilDiv(x.n(), gx) * Legality.ceilDiv(x.d(), gy);
    long v = Legality.ceilDiv(x.n(), gy) * Legality.ceilDiv(x.e(), gx);
    long scores = rows * Legality.ceilDiv(x.n(), gx);
    long out = rows * Legality.ceilDiv(x.e(), gx);
    return 2L * x.elementBytes() * (q + k + v) + 4 * (scores + out);
  }
}
