package dev.tessera.scheduler.cost;

import static dev.tessera.scheduler.Knobs.ALGORITHM;
import static dev.tessera.scheduler.Knobs.GRID_X;

import dev.tessera.scheduler.Knobs;
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
 * one hop from the next), and the farthest core's multicast latency is paid once. A one-row or
 * one-column product runs as a GEMV (MeshGEMV's two-level tree for {@code meshgemm}, the pipeline
 * chain otherwise): the local block product, then the row reduction's receive-and-add steps on its
 * critical path, then the result's multicast. Batched products run one after another. It assumes the
 * simulator's vector unit (one f32 lane, a 4-cycle start per instruction) and uses the profile's α,
 * β and router↔core figures.
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
    if (!Knobs.ALGORITHM_COLOURS.containsKey(alg)) throw new ScheduleException(s, ALGORITHM, "must be meshgemm, cannon or summa, not " + alg);
    if (k.m() == 1 || k.n() == 1) return gemv(k, g, alg.equals("meshgemm"), p);
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
    double cycles = k.batch() * (g == 1 ? compute : (g - 1) * step + compute + once);
    double seconds = cycles / (p.clockMhz() * 1e6);
    double computeCycles = k.batch() * g * compute;
    Map<String, Double> breakdown = new LinkedHashMap<>();
    breakdown.put("compute", Math.min(cycles, computeCycles) / (p.clockMhz() * 1e6));
    breakdown.put("communication", Math.max(0, cycles - computeCycles) / (p.clockMhz() * 1e6));
    double traffic = 4.0 * g * g * (g - 1) * (bm * bk + bk * bn) * k.batch();
    return new Prediction(seconds, breakdown, traffic, traffic);
  }

  private static Prediction gemv(KernelInfo k, int g, boolean tree, MeshProfile p) {
    double o = OP_OVERHEAD;
    double act = Math.max(0, p.forwardCycles() - 2 * p.routerCoreCycles());
    double rows = k.n() == 1 ? k.m() : k.n();
    double bk = Math.ceil(k.d() / (double) g);
    double bn = Math.ceil(rows / g);
    double local = bk * (o + Math.ceil(bn / LANES));
    // One partial block on the reduction's critical path: its send and ramps, then the receiver's activation and add.
    double send = o + 2 * p.routerCoreCycles() + bn;
    double receiveAdd = act + o + Math.ceil(bn / LANES);
    double reduce;
    if (g == 1) {
      reduce = 0;
    } else if (tree) {
      int group = Math.max(1, (int) Math.ceil(Math.sqrt(g)));
      int groups = (g + group - 1) / group;
      reduce = send + (group - 1) * p.hopCycles() + (group - 1) * receiveAdd;
      if (groups > 1) reduce += send + (groups - 1) * group * p.hopCycles() + (groups - 1) * receiveAdd;
    } else {
      reduce = (g - 1) * (send + p.hopCycles() + receiveAdd);
    }
    double multicast = g == 1 ? 0 : send + (g - 1) * p.hopCycles() + act;
    double cycles = k.batch() * (local + reduce + multicast);
    double hz = p.clockMhz() * 1e6;
    Map<String, Double> breakdown = new LinkedHashMap<>();
    breakdown.put("compute", k.batch() * local / hz);
    breakdown.put("communication", k.batch() * (reduce + multicast) / hz);
    double traffic = 4.0 * k.batch() * g * g * 2 * bn;
    return new Prediction(cycles / hz, breakdown, traffic, traffic);
  }
}
