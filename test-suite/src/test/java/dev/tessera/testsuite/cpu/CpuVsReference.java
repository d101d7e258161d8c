package dev.tessera.testsuite.cpu;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.cpu.CpuKernel;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.DiagnosticPrinter;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.TensorDecl;
import dev.tessera.runtime.StorageTypes;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.Interpreter;
import dev.tessera.scheduler.Schedule;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Compiles a DSL file or text, runs it on the CPU backend and on the reference interpreter. */
final class CpuVsReference {
  private CpuVsReference() {}

  /** The largest error relative to max(1, max |reference|) over all outputs. */
  record Result(double relativeError, Map<String, float[]> cpu, Map<String, DenseTensor> ref, CpuKernel kernel) {}

  static Result file(String example, Map<String, Long> dims, Schedule schedule, long seed) {
    return file(example, dims, schedule, seed, ElemType.F32);
  }

  /** As {@link #file}, with every floating-point input and output stored as {@code storage}. */
  static Result file(String example, Map<String, Long> dims, Schedule schedule, long seed, ElemType storage) {
    Sources sources = new Sources();
    try {
      return run(sources, Frontend.compile(sources, Path.of("..", "examples").resolve(example)), dims, schedule, seed, storage);
    } catch (CompileException e) {
      throw new AssertionError(render(sources, e));
    }
  }

  static Result text(String text, Map<String, Long> dims, Schedule schedule, long seed) {
    Sources sources = new Sources();
    try {
      return run(sources, Frontend.compile(sources, "test.attn", text), dims, schedule, seed, ElemType.F32);
    } catch (CompileException e) {
      throw new AssertionError(render(sources, e));
    }
  }

  private static Result run(Sources sources, Frontend.Compiled c, Map<String, Long> dims, Schedule schedule, long seed,
      ElemType storage) throws CompileException {
    Module m = Pipeline.run(c.module());
    Kernel k = m.kernels().get(0);
    k = k.withTensors(k.tensors().stream()
        .map(t -> t.type().isFloat() && t.role() != TensorDecl.Role.TEMP ? t.withType(storage) : t).toList());
    Inputs.Prepared p = Inputs.prepare(k, c.sourceMap(), Map.of(), dims, seed);
    Map<String, DenseTensor> ref = new Interpreter(m, c.sourceMap()).run(k, p.dims(), p.inputs());
    Map<String, float[]> in = new LinkedHashMap<>();
    p.inputs().forEach((name, t) -> in.put(name, toFloat(t.data())));
    CpuKernel kernel;
    try {
      kernel = CpuBackend.compile(m, k, schedule);
    } catch (dev.tessera.scheduler.ScheduleException e) {
      throw new AssertionError(e.getMessage());
    }
    Map<String, float[]> out;
    out = kernel.run(in, p.dims());
    double worst = 0;
    for (Map.Entry<String, DenseTensor> e : ref.entrySet()) {
      double[] r = e.getValue().data();
      float[] g = out.get(e.getKey());
      double scale = 1;
      for (double v : r) scale = Math.max(scale, Math.abs(v));
      for (int i = 0; i < r.length; i++) {
        double err = Math.abs(StorageTypes.round(storage, g[i]) - r[i]) / scale;
        if (!(err <= worst)) worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
      }
    }
    return new Result(worst, out, ref, kernel);
  }

  static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    return f;
  }

  private static String render(Sources sources, CompileException e) {
    StringBuilder sb = new StringBuilder();
    e.diagnostics().forEach(d -> sb.append(new DiagnosticPrinter(sources).render(d)));
    return sb.toString();
  }
}
