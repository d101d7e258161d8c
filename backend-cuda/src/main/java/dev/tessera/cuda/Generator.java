package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.TensorDecl;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;
import dev.tessera.scheduler.Legality;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.Shapes;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.ScheduleException;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a kernel's ops in order and writes one CUDA kernel per launch: a fast template where one
 * applies, else the generic op-by-op code. Launches run in manifest order on one stream, so each
 * sees the results of the previous ones.
 */
final class Generator {
  /** Threads per block of the generic kernels: enough warps to hide latency, few enough registers. */
  static final int GENERIC_THREADS = 256;
  /** The grid-stride loops need no more blocks than this to fill any of the profiled GPUs. */
  static final long MAX_GRID = 1L << 20;

  private final Module module;
  private final Kernel kernel;
  private final Layout layout;
  private final OpBodies bodies;
  private final CodeWriter w = new CodeWriter();
  private final Schedule schedule;
  private final GpuProfile profile;
  private final java.util.Set<CType> flashHelpers = java.util.EnumSet.noneOf(CType.class);
  private final List<Launch> launches = new ArrayList<>();

  Generator(Module module, Kernel kernel, Layout layout, Schedule schedule, GpuProfile profile) {
    this.profile = profile;
    this.module = module;
    this.schedule = schedule;
    this.kernel = kernel;
    this.layout = layout;
    this.bodies = new OpBodies(module, layout);
  }

  /** The generated source, after {@link #run}. */
  String source() {
    return w.toString();
  }

  List<Launch> launches() {
    return List.copyOf(launches);
  }

  Generator run(String summary) {
    for (Op op : kernel.ops()) {
      if (op instanceof Op.Scan s && RecurrentKernel.of(s, layout).isEmpty()) new ScanKernel(layout, bodies).addScratch(s);
      if (op instanceof Op.RecurrentAttention r && RecurrentKernel.of(r.scan(), layout).isEmpty()) new ScanKernel(layout, bodies).addScratch(r.scan());
    }
    Prelude.write(w, kernel.name(), summary);
    for (Op op : kernel.ops()) emit(op);
    return this;
  }

  private void emit(Op op) {
    switch (op) {
      case Op.Compute c -> element(op, "compute_" + c.out(), c.indices());
      case Op.Contract c -> element(op, "contract_" + c.out(), c.indices());
      case Op.Einsum e -> {
        if (!einsum(e.contraction())) element(op, "einsum_" + e.contraction().out(), e.contraction().indices());
      }
      case Op.Normalize n -> element(op, "normalize_" + n.out(),
          n.indices().stream().filter(v -> !v.name().equals(n.axis())).toList());
      case Op.Scan s -> {
        if (!recurrent(s)) scan(s, "scan");
      }
      case Op.RecurrentAttention r -> {
        if (!chunked(r) && !recurrent(r.scan())) scan(r.scan(), "recurrent");
      }
      case Op.ParallelAttention a -> {
        if (!flash(a)) a.pieces().forEach(this::emit);
      }
    }
  }

  /** Emits the fused kernel when the template fits it; false leaves the pieces to the generic code. */
  private boolean flash(Op.ParallelAttention a) {
    java.util.Optional<FlashPlan> plan = FlashPlan.of(module, kernel, a, layout);
    if (plan.isEmpty() || !FlashKernel.aligned(plan.get(), layout)) return false;
    FlashKernel f;
    try {
      f = new FlashKernel(plan.get(), layout, w, schedule, profile.smCount());
      Legality.check(schedule, profile, new Shapes(layout.extent(plan.get().m().extent()), layout.extent(plan.get().n().extent()),
          layout.extent(plan.get().d().extent()), layout.extent(plan.get().e().extent()), plan.get().elemType()));
      if (f.sharedBytes() > profile.smemPerBlockBytes()) return false;
    } catch (ScheduleException e) {
      return false;
    }
    if (!flashHelpers.contains(plan.get().type())) {
      FlashPrelude.write(w, plan.get().type());
      flashHelpers.add(plan.get().type());
    }
    String out = plan.get().out();
    if (f.splitCount() > 1) {
      layout.add(FlashKernel.partial(out), TensorDecl.Role.TEMP, ElemType.F32, new long[] {f.partialRows(), layout.extent(plan.get().e().extent())});
      layout.add(FlashKernel.states(out), TensorDecl.Role.TEMP, ElemType.F32, new long[] {f.partialRows(), f.stateWidth()});
    }
    String what = (f.splitCount() > 1 ? "flash_split_" : "flash_") + out;
    String entry = Names.entry(kernel.name(), launches.size(), what);
    List<Launch.Param> params = f.params();
    signature(entry, f.threads() + ", 1", params);
    f.body();
    w.close("}");
    w.line("");
    launches.add(new Launch(entry, what, f.launchGrid(), f.threads(), f.sharedBytes(), params));
    if (f.splitCount() > 1) {
      CombineKernel c = new CombineKernel(plan.get(), layout, f.splitCount(), f.grid(), f.threads() / 2, f.stateWidth());
      String centry = Names.entry(kernel.name(), launches.size(), "combine_" + out);
      signature(centry, GENERIC_THREADS, c.params());
      c.body(w);
      w.close("}");
      w.line("");
      long grid = Math.max(1, Math.min(MAX_GRID, (c.total() + GENERIC_THREADS - 1) / GENERIC_THREADS));
      launches.add(new Launch(centry, "combine_" + out, grid, GENERIC_THREADS, 0, c.params()));
    }
    return true;
  }

  /** Chunked linear attention where the template has its shape; false leaves it to the register recurrence. */
  private boolean chunked(Op.RecurrentAttention r) {
    java.util.Optional<ChunkKernel> k;
    try {
      k = ChunkKernel.of(r, layout, schedule);
    } catch (ScheduleException e) {
      return false;
    }
    if (k.isEmpty() || k.get().sharedBytes() > profile.smemPerBlockBytes()) return false;
    String what = "chunked_" + String.join("_", r.outputs());
    String entry = Names.entry(kernel.name(), launches.size(), what);
    signature(entry, k.get().threads(), k.get().params());
    k.get().body(w);
    w.close("}");
    w.line("");
    launches.add(new Launch(entry, what, k.get().grid(), k.get().threads(), k.get().sharedBytes(), k.get().params()));
    return true;
  }

  /** The register recurrence where the scan has its shape; false leaves it to the one-block scan. */
  private boolean recurrent(Op.Scan s) {
    java.util.Optional<RecurrentKernel> k = RecurrentKernel.of(s, layout);
    if (k.isEmpty()) return false;
    String what = "recurrent_" + String.join("_", s.outputs());
    String entry = Names.entry(kernel.name(), launches.size(), what);
    signature(entry, k.get().threads(), k.get().params());
    k.get().body(w);
    w.close("}");
    w.line("");
    launches.add(new Launch(entry, what, k.get().grid(), k.get().threads(), 0, k.get().params()));
    return true;
  }

  /** A tiled GEMM or a warp-per-output GEMV where the contraction has that shape; false leaves it to the generic code. */
  private boolean einsum(Op.Contract c) {
    java.util.Optional<EinsumKernel> k = EinsumKernel.of(c, layout);
    if (k.isEmpty()) return false;
    String what = k.get().kind().name().toLowerCase(java.util.Locale.ROOT) + "_" + c.out();
    String entry = Names.entry(kernel.name(), launches.size(), what);
    signature(entry, EinsumKernel.THREADS, k.get().params());
    k.get().body(w);
    w.close("}");
    w.line("");
    launches.add(new Launch(entry, what, k.get().grid(), EinsumKernel.THREADS, 0, k.get().params()));
    return true;
  }

  /** A grid-stride kernel over {@code space} (the rows, for a normalizer). */
  private void element(Op op, String what, List<IndexVar> space) {
    String entry = Names.entry(kernel.name(), launches.size(), what);
    List<Launch.Param> params = new ArrayList<>();
    for (String r : OpBodies.reads(op)) if (!op.outputs().contains(r)) params.add(new Launch.Param(r, false));
    for (String o : op.outputs()) params.add(new Launch.Param(o, true));
    long total = ElementLoop.total(layout, space);
    long grid = Math.max(1, Math.min(MAX_GRID, (total + GENERIC_THREADS - 1) / GENERIC_THREADS));
    signature(entry, GENERIC_THREADS, params);
    bodies.emit(w, op, null, ElementLoop.Stride.GRID);
    w.close("}");
    w.line("");
    launches.add(new Launch(entry, what, grid, GENERIC_THREADS, 0, params));
  }

  private void scan(Op.Scan s, String what) {
    String entry = Names.entry(kernel.name(), launches.size(), what);
    CodeWriter body = new CodeWriter();
    List<Launch.Param> params = new ScanKernel(layout, bodies).emit(body, s);
    signature(entry, GENERIC_THREADS, params);
    for (String line : body.toString().split("\n", -1)) if (!line.isEmpty()) w.line(line);
    w.close("}");
    w.line("");
    launches.add(new Launch(entry, what, 1, GENERIC_THREADS, 0, params));
  }

  /** Writes the kernel's head; {@code bounds} are its launch bounds (threads, and for the flash kernel a minimum of one block per SM so ptxas may use up to 255 registers). */
  void signature(String entry, Object bounds, List<Launch.Param> params) {
    List<String> ps = new ArrayList<>();
    for (Launch.Param p : params) {
      String type = layout.buffer(p.buffer()).type().c();
      ps.add((p.written() ? "" : "const ") + type + "* __restrict__ " + Names.param(p.buffer()));
    }
    w.open("extern \"C\" __global__ void __launch_bounds__(" + bounds + ") " + entry + "(" + String.join(", ", ps) + ") {");
  }

}
