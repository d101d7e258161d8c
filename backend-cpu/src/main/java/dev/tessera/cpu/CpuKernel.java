package dev.tessera.cpu;

import dev.tessera.ir.Extents;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.TensorDecl;
import java.util.ArrayList;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel compiled for the CPU: its generated class, the plan that drives it, and the worker pool.
 * Tensors are float arrays in row-major order; low-precision inputs arrive already rounded.
 */
public final class CpuKernel {
  private final Kernel kernel;
  private final Slots slots;
  private final List<Plan> plan;
  private final GeneratedKernel gen;
  private final int threads;
  private final Workers workers;
  private final FlashExecutor flash;
  private final ChunkExecutor chunks;
  private final GemmExecutor gemms;
  private final java.util.Set<String> virtual;

  CpuKernel(Kernel kernel, Slots slots, List<Plan> plan, java.util.Set<String> virtual, GeneratedKernel gen, int threads) {
    this.kernel = kernel;
    this.virtual = java.util.Set.copyOf(virtual);
    this.slots = slots;
    this.plan = List.copyOf(plan);
    this.gen = gen;
    this.threads = threads;
    // Its own team: the calling thread and threads − 1 workers (never the common pool, whose
    // waiting threads help run its tasks, so a one-thread kernel ran on two).
    this.workers = new Workers(threads);
    this.flash = new FlashExecutor(gen, workers);
    this.chunks = new ChunkExecutor(workers, flash.mm());
    this.gemms = new GemmExecutor(workers, flash.mm());
  }

  /** One line per plan step: what runs fused, chunked, or as generated loop nests. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (Plan p : plan) {
      out.add(switch (p) {
        case Plan.Run r -> "loops op" + r.id();
        case Plan.Scan sc -> "scan (" + sc.updates().size() + " state, " + sc.body().size() + " body ops)";
        case Plan.Flash f -> "flash attention (" + (f.spec().normalizer() < 0 ? "no normalizer" : f.spec().passes() + "-pass normalizer")
            + ", blocks " + f.spec().blockM() + "x" + f.spec().blockN() + ")";
        case Plan.Gemm g -> "matrix product " + g.spec().c() + " = " + g.spec().a() + (g.spec().bTransposed() ? "·" + g.spec().b() + "ᵀ" : "·" + g.spec().b())
            + " (tiles " + g.spec().blockM() + "x" + g.spec().blockN() + ")";
        case Plan.Chunked c -> "chunked linear attention (" + c.spec().kind().name().toLowerCase(java.util.Locale.ROOT)
            + " decay, chunk " + c.spec().chunk() + ")";
      });
    }
    return out;
  }

  public Kernel kernel() {
    return kernel;
  }

  /** Runs the kernel; {@code inputs} hold every input by name, {@code dims} every dimension. */
  public Map<String, float[]> run(Map<String, float[]> inputs, Map<String, Long> dims) {
    State s = new State(dims);
    for (int i = 0; i < slots.tensorCount(); i++) {
      String name = slots.tensorNames().get(i);
      TensorDecl decl = decl(name);
      int[] shape = Extents.shape(decl.shape(), dims);
      s.st[i] = strides(shape);
      if (virtual.contains(name)) continue;
      if (decl.role() == TensorDecl.Role.INPUT) {
        float[] in = inputs.get(name);
        if (in == null || in.length != size(shape)) throw new IllegalArgumentException("input " + name + " missing or of the wrong size");
        s.t[i] = in;
      } else {
        s.t[i] = new float[size(shape)];
      }
    }
    for (Plan p : plan) execute(p, s, -1);
    Map<String, float[]> out = new LinkedHashMap<>();
    for (TensorDecl t : kernel.outputs()) out.put(t.name(), s.t[slots.tensor(t.name())]);
    return out;
  }

  private FlashExecutor.Tensors tensors(State s) {
    return new FlashExecutor.Tensors(s.t, s.st, s.dv, s.dims, slots, new IntervalEval(s.dims, s.t, s.st, slots, inputNames()));
  }

  private java.util.Set<String> inputNames() {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (TensorDecl t : kernel.inputs()) names.add(t.name());
    return names;
  }

  private TensorDecl decl(String slotName) {
    String base = slotName.endsWith("'next") ? slotName.substring(0, slotName.length() - 5) : slotName;
    return kernel.tensor(base).orElseThrow(() -> new IllegalStateException("no tensor " + base));
  }

  private static int size(int[] shape) {
    long n = 1;
    for (int d : shape) n *= d;
    if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor of " + n + " elements is too large for one array");
    return (int) n;
  }

  static int[] strides(int[] shape) {
    int[] st = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      st[i] = acc;
      acc *= shape[i];
    }
    return st;
  }

  /** The arrays and dimension values of one run. */
  final class State {
    final float[][] t = new float[slots.tensorCount()][];
    final int[][] st = new int[slots.tensorCount()][];
    final int[] dv;
    final Map<String, Long> dims;

    State(Map<String, Long> dims) {
      this.dims = dims;
      this.dv = new int[slots.dimNames().size()];
      for (int i = 0; i < dv.length; i++) dv[i] = Math.toIntExact(dims.get(slots.dimNames().get(i)));
    }
  }

  private void execute(Plan p, State s, int step) {
    switch (p) {
      case Plan.Run r -> parallel(r, s, step);
      case Plan.Scan sc -> {
        for (Plan.Run init : sc.inits()) parallel(init, s, -1);
        int steps = Extents.extent(sc.steps(), s.dims);
        for (int t = 0; t < steps; t++) {
          for (Plan.Update u : sc.updates()) parallel(u.run(), s, t);
          for (Plan.Update u : sc.updates()) swap(s, u);
          for (Plan.Run b : sc.body()) parallel(b, s, t);
        }
      }
      case Plan.Flash f -> flash.run(f.spec(), tensors(s));
      case Plan.Chunked c -> chunks.run(c.spec(), tensors(s));
      case Plan.Gemm g -> gemms.run(g.spec(), tensors(s));
    }
  }

  private void swap(State s, Plan.Update u) {
    int a = slots.tensor(u.state());
    int b = slots.tensor(u.next());
    float[] tmp = s.t[a];
    s.t[a] = s.t[b];
    s.t[b] = tmp;
  }

  /** Runs a generated op, splitting its parallel axis into chunks over the team when it is worth it. */
  private void parallel(Plan.Run r, State s, int step) {
    int extent = r.parallel() == null ? 1 : Extents.extent(r.parallel(), s.dims);
    int chunks = Math.min(extent, threads * 4);
    if (chunks <= 1 || threads == 1) {
      gen.op(r.id(), s.t, s.st, s.dv, 0, extent, step);
      return;
    }
    workers.forEach(chunks, c -> {
      int lo = (int) ((long) extent * c / chunks);
      int hi = (int) ((long) extent * (c + 1) / chunks);
      gen.op(r.id(), s.t, s.st, s.dv, lo, hi, step);
    });
  }

}
