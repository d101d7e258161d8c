package dev.tessera.runtime.mesh;

import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.KernelInfos;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.RunException;
import dev.tessera.scheduler.Knobs;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.Scheduler;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.cost.MeshCostModel;
import dev.tessera.scheduler.profile.MeshProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Measures mesh schedules for the autotuner on the event simulator: a schedule's time is the
 * simulated cycles of all its programs over the profile's clock. The simulation is deterministic,
 * so one run per schedule is exact; grids above {@link MeshRun#EVENT_GRID_LIMIT} are not simulated.
 */
public final class MeshTuneRunner implements dev.tessera.scheduler.tune.Autotuner.Runner {
  /** A kernel the mesh target cannot run at all, whatever the schedule: tuning stops with its error. */
  public static final class Unrunnable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** What the mesh run reported. */
    public final transient RunException problem;

    Unrunnable(RunException problem) {
      super(problem.getMessage());
      this.problem = problem;
    }
  }

  private final Module module;
  private final Kernel kernel;
  private final Map<String, Long> dims;
  private final Map<String, DenseTensor> inputs;
  private final MeshProfile profile;

  public MeshTuneRunner(Module module, Kernel kernel, Map<String, Long> dims, Map<String, DenseTensor> inputs, MeshProfile profile) {
    this.module = module;
    this.kernel = kernel;
    this.dims = Map.copyOf(dims);
    this.inputs = Map.copyOf(inputs);
    this.profile = profile;
  }

  /**
   * @throws ScheduleException when the schedule is illegal for this kernel (its programs overflow a
   *     core's SRAM or the colours, or its grid is larger than the event simulation runs)
   * @throws Unrunnable when the mesh target cannot run the kernel under any schedule
   */
  @Override
  public double measure(Schedule schedule) throws ScheduleException {
    MeshChoice c;
    try {
      c = MeshChoice.of(schedule);
    } catch (RunException e) {
      throw new ScheduleException(schedule, "schedule", e.getMessage());
    }
    if (c.grid() < 1 || c.grid() > largestSimulated(profile)) {
      throw new ScheduleException(schedule, Knobs.GRID_X, "must be between 1 and " + largestSimulated(profile) + " to be simulated with numbers on "
          + profile.name());
    }
    try {
      MeshRun.Result r = MeshRun.run(module, kernel, dims, inputs, c.budget(profile), c.grid(), c.algorithm());
      return r.cycles() / (profile.clockMhz() * 1e6);
    } catch (RunException e) {
      if (e.code.equals(RunErrors.ILLEGAL_SCHEDULE)) throw new ScheduleException(schedule, "gridX", "does not fit: " + e.getMessage());
      throw new Unrunnable(e);
    }
  }

  /**
   * The schedules worth measuring for {@code kernel}, best first: for a contraction the mesh cost
   * model's ranking of the legal grids × GEMM algorithms; otherwise (attention, element-wise maps)
   * the grids up to the largest of {@link MeshRun#DEFAULT_GRIDS}, smallest first, with MeshGEMM, as
   * only contractions have an algorithm to choose. Only grids the event simulation runs are listed.
   */
  public static List<Schedule> candidates(Kernel kernel, Map<String, Long> dims, MeshProfile profile) throws ScheduleException {
    Optional<KernelInfo> info = KernelInfos.of(kernel, dims);
    List<Schedule> out = new ArrayList<>();
    if (info.isPresent() && info.get().kind() == KernelInfo.Kind.CONTRACTION && onlyContractionsAndMaps(kernel)) {
      for (Scheduler.Ranked r : Scheduler.rank(info.get(), profile, new MeshCostModel(), Scheduler.enumerateMesh(info.get(), profile))) {
        if (simulated(r.schedule(), profile)) out.add(r.schedule());
      }
      return out;
    }
    int largest = MeshRun.DEFAULT_GRIDS.get(MeshRun.DEFAULT_GRIDS.size() - 1);
    for (int g : Scheduler.MESH_GRIDS) {
      if (g > largest) break;
      Schedule s = new MeshChoice(g, "meshgemm", 0).schedule();
      if (simulated(s, profile)) out.add(s);
    }
    return out;
  }

  private static boolean onlyContractionsAndMaps(Kernel kernel) {
    return kernel.ops().stream().allMatch(op -> op instanceof Op.Einsum || op instanceof Op.Contract || op instanceof Op.Compute);
  }

  private static boolean simulated(Schedule s, MeshProfile p) {
    int g = Integer.parseInt(s.get(Knobs.GRID_X).orElse("0"));
    return g >= 1 && g <= largestSimulated(p);
  }

  /** The largest grid side the event simulation runs on {@code p}: its limit, or the wafer's side if smaller. */
  private static int largestSimulated(MeshProfile p) {
    return Math.min(MeshRun.EVENT_GRID_LIMIT, Math.min(p.gridWidth(), p.gridHeight()));
  }
}
