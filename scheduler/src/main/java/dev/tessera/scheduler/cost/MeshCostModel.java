package dev.tessera.scheduler.cost;

import static dev.tessera.scheduler.Knobs.ALGORITHM;
import static dev.tessera.scheduler.Knobs.GRID_X;

import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.profile.HardwareProfile;
import dev.tessera.scheduler.profile.MeshProfile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A closed-form cost model for contractions on a wafer-scale mesh: GEMM by MeshGEMM, Cannon or
 * SUMMA on a gridX×gridX square. A compute-and-shift step costs the larger of the core's work (its
 * block product, two sends, two receive activations) and the mean over the shift ring of the time
 * a block takes to reach the next core — so Cannon's wrap-around path is paid once per ring, not
 * once per step. In SUMMA a core sends only when it is a root (one send on the chain of roots, each
 * one hop from the next), and the farthest core's multicast latency is paid once. It assumes the simulator's vector unit (one f32 lane, a 4-cycle
 * start per instruction) and uses the profile's α, β and router↔core figures.
 */
public final class MeshCostModel implements CostModel {
  /** Cycles to start a vector instruction, as the simulator assumes. */
  static final double OP_OVERHEAD = 4;
  /** f32 words a core's vector unit processes per cycle, as the simulator assumes. */
  static final double LANES = 1;

  @Override
  public Prediction predict(KernelInfo k, Schedule s, HardwareProfile profile) throws ScheduleException {
    if (!(profile instanceof MeshProfile p)) throw new ScheduleException(s, "target", "the mesh cost model needs a mesh profile, not " + profile.kind());
    if (k.kind() != KernelInfo.Kind.CONTRACTION) throw new ScheduleException(s, "target", "the mesh cost model covers contractions, not " + k.kind());
    int g = s.intKnob(GRID_X, 0);
    if (g < 1) throw new ScheduleException(s, GRID_X, "must be at least 1");
    String alg = s.get(ALGORITHM).orElse("meshgemm");
    double bm = Math.ceil((double) k.m() / g);
    double bk = Math.ceil((double) k.d() / g);
    double bn = Math.ceil((double) k.n() / g);
    double o = OP_OVERHEAD;
    double act = Math.max(0, p.forwardCycles() - 2 * p.routerCoreCycles());
    double compute = bm * bk * (o + Math.ceil(bn / LANES));
    double work = compute + 2 * o + 2 * act;
    double words = Math.max(bm * bk, bk * bn);
    double shift = o + 2 * p.routerCoreCycles() + words + act;
    double step = switch (alg) {
      case "meshgemm" -> Math.max(work, shift + Math.min(2, g - 1) * p.hopCycles());
      case "cannon" -> Math.max(work, shift + p.hopCycles() * (g <= 1 ? 0 : (2.0 * (g - 1)) / g));
      case "summa" -> Math.max(compute + o + 2 * act, shift + p.hopCycles());
      default -> throw new ScheduleException(s, ALGORITHM, "must be meshgemm, cannon or summa, not " + alg);
    };
    double once = alg.equals("summa") ? (g - 1) * p.hopCycles() : 0;
    double cycles = g == 1 ? compute : (g - 1) * step + compute + once;
    double seconds = cycles / (p.clockMhz() * 1e6);
    double computeCycles = g * compute;
    Map<String, Double> breakdown = new LinkedHashMap<>();
    breakdown.put("compute", Math.min(cycles, computeCycles) / (p.clockMhz() * 1e6));
    breakdown.put("communication", Math.max(0, cycles - computeCycles) / (p.clockMhz() * 1e6));
    double traffic = 4.0 * g * g * (g - 1) * (bm * bk + bk * bn) * k.batch();
    return new Prediction(seconds, breakdown, traffic, traffic);
  }
}
