package dev.tessera.runtime;

import dev.tessera.ir.Extents;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.cpu.CpuKernel;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.TensorDecl;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Compiles a kernel for the CPU, runs it (repeatedly, for timing) and returns its outputs in storage precision. */
public final class CpuRun {
  private CpuRun() {}

  /** Outputs, compile time, and the first and median run times in milliseconds. */
  public record Result(Map<String, DenseTensor> outputs, double compileMillis, double firstMillis, double medianMillis,
      Schedule schedule) {}

  public static Result run(Module m, Kernel k, Inputs.Prepared p, Schedule schedule, int repeat) throws ScheduleException {
    long c0 = System.nanoTime();
    CpuKernel kernel = CpuBackend.compile(m, k, schedule);
    double compileMillis = (System.nanoTime() - c0) / 1e6;
    Map<String, float[]> in = new LinkedHashMap<>();
    p.inputs().forEach((name, t) -> in.put(name, toFloat(t.data())));
    long f0 = System.nanoTime();
    Map<String, float[]> out = kernel.run(in, p.dims());
    double first = (System.nanoTime() - f0) / 1e6;
    warmUp(kernel, in, p.dims());
    double[] times = new double[Math.max(1, repeat)];
    for (int i = 0; i < times.length; i++) {
      long t0 = System.nanoTime();
      out = kernel.run(in, p.dims());
      times[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(times);
    Map<String, DenseTensor> result = new LinkedHashMap<>();
    for (TensorDecl t : k.outputs()) {
      float[] f = out.get(t.name());
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) d[i] = StorageTypes.round(t.type(), f[i]);
      result.put(t.name(), new DenseTensor(Extents.shape(t.shape(), p.dims()), d));
    }
    return new Result(result, compileMillis, first, times[times.length / 2], schedule);
  }

  /**
   * Runs for at least {@value #WARM_UP_MILLIS} ms, then on while the runs still get faster (a new
   * fastest run, by more than 5 %, within the last {@value #SETTLED_RUNS}), for at most
   * {@value #MAX_WARM_UP_MILLIS} ms or 200 runs. The Vector API code is slow until C2 has compiled
   * it, which took 2–3 s of running for mha at N = 512 on the development machine: a fixed 0.5 s
   * reported 22 ms where the settled kernel takes 4–6.
   */
  private static void warmUp(CpuKernel kernel, Map<String, float[]> in, Map<String, Long> dims) {
    long start = System.nanoTime();
    double best = Double.POSITIVE_INFINITY;
    int sinceBest = 0;
    for (int i = 0; i < 200; i++) {
      long t0 = System.nanoTime();
      kernel.run(in, dims);
      long t1 = System.nanoTime();
      double ms = (t1 - t0) / 1e6;
      if (ms < best * 0.95) {
        best = ms;
        sinceBest = 0;
      } else {
        sinceBest++;
      }
      double elapsed = (t1 - start) / 1e6;
      if (elapsed >= MAX_WARM_UP_MILLIS || elapsed >= WARM_UP_MILLIS && sinceBest >= SETTLED_RUNS) return;
    }
  }

  private static final long WARM_UP_MILLIS = 500;
  private static final long MAX_WARM_UP_MILLIS = 4000;
  private static final int SETTLED_RUNS = 5;

  static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    return f;
  }

  /** The largest |got − want| over all outputs, relative to max(1, max |want|). */
  public static double relativeError(Map<String, DenseTensor> got, Map<String, DenseTensor> want) {
    double worst = 0;
    for (Map.Entry<String, DenseTensor> e : want.entrySet()) {
      double[] w = e.getValue().data();
      double[] g = got.get(e.getKey()).data();
      double scale = 1;
      for (double v : w) scale = Math.max(scale, Math.abs(v));
      for (int i = 0; i < w.length; i++) {
        double err = Math.abs(g[i] - w[i]) / scale;
        if (Double.isNaN(err)) return Double.POSITIVE_INFINITY;
        worst = Math.max(worst, err);
      }
    }
    return worst;
  }
}
