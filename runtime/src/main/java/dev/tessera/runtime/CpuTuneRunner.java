package dev.tessera.runtime;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.cpu.CpuKernel;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.tune.Autotuner;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Times cpu schedules for the autotuner: compiles the kernel with each, warms it up for a while
 * and at least {@value #MIN_RUNS} runs (so C2 has compiled the hidden class and the pool's threads
 * are running), then reports the median of at least {@value #MIN_RUNS} timed runs. The inputs are converted once and shared.
 */
public final class CpuTuneRunner implements Autotuner.Runner {
  static final int MIN_RUNS = 3;
  /** More timed runs than this add little to a median. */
  static final int MAX_RUNS = 21;

  private final Module module;
  private final Kernel kernel;
  private final Map<String, Long> dims;
  private final Map<String, float[]> inputs = new LinkedHashMap<>();
  private final double warmUpSeconds;
  /** The shared runtime code (pool, micro-kernels) is compiled by C2 during the first candidate's warm-up. */
  private boolean jvmWarm;
  /** The first candidate warms up this many times longer, paying for the JVM's own warm-up. */
  static final int FIRST_WARM_UP_FACTOR = 10;

  /** @param warmUpSeconds how long each schedule runs untimed first (0.3 s suits the command line) */
  public CpuTuneRunner(Module module, Kernel kernel, Inputs.Prepared prepared, double warmUpSeconds) {
    this.module = module;
    this.kernel = kernel;
    this.dims = Map.copyOf(prepared.dims());
    prepared.inputs().forEach((name, t) -> inputs.put(name, CpuRun.toFloat(t.data())));
    this.warmUpSeconds = warmUpSeconds;
  }

  /** Whether the kernel has a recurrence, whose chunk length is then worth tuning. */
  public static boolean recurrent(Kernel k) {
    return k.ops().stream().anyMatch(op -> op instanceof Op.Scan || op instanceof Op.RecurrentAttention);
  }

  @Override
  public double measure(Schedule schedule) throws ScheduleException {
    CpuKernel k = CpuBackend.compile(module, kernel, schedule);
    double warmUp = jvmWarm ? warmUpSeconds : warmUpSeconds * FIRST_WARM_UP_FACTOR;
    jvmWarm = true;
    long warmStart = System.nanoTime();
    int warmRuns = 0;
    do {
      k.run(inputs, dims);
      warmRuns++;
    } while (warmRuns < MIN_RUNS || (System.nanoTime() - warmStart) / 1e9 < warmUp);
    double perRun = (System.nanoTime() - warmStart) / 1e9 / warmRuns;
    int runs = (int) Math.max(MIN_RUNS, Math.min(MAX_RUNS, warmUpSeconds / Math.max(perRun, 1e-9)));
    double[] times = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      k.run(inputs, dims);
      times[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(times);
    return times[runs / 2];
  }
}
