package dev.tessera.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.tessera.ir.Expr;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Builds the hidden class of one kernel: a static method per op (loop nests), the normalizers'
 * step/finish/combine, fused attention tiles, and the {@link GeneratedKernel} methods dispatching
 * to them; and the {@link Plan} the executor follows. Names come from counters, so the same input
 * gives byte-identical classes.
 */
final class KernelClassBuilder {
  static final String PACKAGE = "dev/tessera/cpu/";

  private final Module module;
  private final Kernel kernel;
  private final Slots slots;
  private final String owner;
  private final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
  private final LoopNestCompiler loops;
  private final NormalizerEmitter normalizers;
  private final TileEmitter tiles;
  private final List<Plan> plan = new ArrayList<>();
  private final java.util.Set<String> virtual = new java.util.LinkedHashSet<>();
  private final List<dev.tessera.ir.TensorDecl> extraTemps = new ArrayList<>();
  private int chunk = 64;
  private int chunkCount;
  private int ops;

  KernelClassBuilder(Module module, Kernel kernel, Slots slots) {
    this.module = module;
    this.kernel = kernel;
    this.slots = slots;
    this.owner = PACKAGE + "Generated$" + kernel.name();
    cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, owner, null, "java/lang/Object",
        new String[] {PACKAGE + "GeneratedKernel"});
    this.normalizers = new NormalizerEmitter(cw, module, owner);
    this.loops = new LoopNestCompiler(cw, slots, normalizers);
    this.tiles = new TileEmitter(cw, slots);
  }

  void chunkSize(int c) {
    chunk = c;
  }

  private ChunkPlanner.Builder chunkBuilder() {
    return new ChunkPlanner.Builder() {
      @Override
      public void addTemp(dev.tessera.ir.TensorDecl t) {
        extraTemps.add(t);
        slots.add(t.name());
      }

      @Override
      public Plan.Run compute(Op.Compute c) {
        return run(c.indices(), null, name -> loops.compute(name, c, null));
      }
    };
  }

  /** The kernel with the temporaries the CPU plan added (decay buffers). */
  Kernel kernel() {
    List<dev.tessera.ir.TensorDecl> all = new ArrayList<>(kernel.tensors());
    all.addAll(extraTemps);
    return kernel.withTensors(all);
  }

  /** Temporaries that live only inside fused templates and are never allocated. */
  java.util.Set<String> virtual() {
    return virtual;
  }

  Slots slots() {
    return slots;
  }

  List<Plan> plan() {
    return plan;
  }

  /** Adds a plan step for every op; templates are fused where {@code fuse} allows. */
  void addOps(FlashPlanner flash) {
    for (Op op : kernel.ops()) add(op, flash);
  }

  private void add(Op op, FlashPlanner flash) {
    switch (op) {
      case Op.Compute c -> plan.add(run(c.indices(), null, name -> loops.compute(name, c, null)));
      case Op.Contract c -> {
        java.util.Optional<GemmSpec> gemm = flash == null ? java.util.Optional.empty() : GemmPlanner.plan(c, flash.blockM(), flash.blockN());
        if (gemm.isPresent()) plan.add(new Plan.Gemm(gemm.get()));
        else plan.add(run(c.indices(), null, name -> loops.contract(name, c, null)));
      }
      case Op.Normalize n -> plan.add(run(withoutAxis(n), null, name -> loops.normalize(name, n, null)));
      case Op.Einsum e -> add(e.contraction(), flash);
      case Op.Scan s -> plan.add(scan(s));
      case Op.RecurrentAttention r -> {
        List<Plan> chunked = flash == null ? null : ChunkPlanner.plan(r, chunkBuilder(), chunk, chunkCount++);
        if (chunked != null) plan.addAll(chunked);
        else plan.add(scan(r.scan()));
      }
      case Op.ParallelAttention a -> {
        Plan fused = flash == null ? null : flash.plan(a, tiles, normalizers);
        if (fused != null) {
          plan.add(fused);
          a.pieces().stream().filter(p -> p != a.aggregate()).forEach(p -> virtual.addAll(p.outputs()));
        } else {
          a.pieces().forEach(p -> add(p, null));
        }
      }
    }
  }

  private static List<IndexVar> withoutAxis(Op.Normalize n) {
    return n.indices().stream().filter(i -> !i.name().equals(n.axis())).toList();
  }

  private interface Emit {
    void emit(String methodName);
  }

  private Plan.Run run(List<IndexVar> vars, String step, Emit emit) {
    int id = ops++;
    emit.emit("op" + id);
    int axis = LoopNestCompiler.parallelAxis(vars, step);
    Expr parallel = axis < 0 ? null : vars.get(axis).extent();
    return new Plan.Run(id, parallel);
  }

  private Plan.Scan scan(Op.Scan s) {
    String step = s.step().name();
    List<Plan.Run> inits = new ArrayList<>();
    List<Plan.Update> updates = new ArrayList<>();
    for (Op.StateDef st : s.states()) {
      inits.add(run(st.indices(), null, name -> loops.state(name, st, st.init(), st.name(), s.step())));
      String next = Slots.next(st.name());
      slots.add(next);
      Plan.Run u = run(st.indices(), null, name -> loops.state(name, st, st.update(), next, s.step()));
      updates.add(new Plan.Update(u, st.name(), next));
    }
    List<Plan.Run> body = new ArrayList<>();
    for (Op b : s.body()) {
      switch (b) {
        case Op.Compute c -> body.add(run(c.indices(), step, name -> loops.compute(name, c, step)));
        case Op.Contract c -> body.add(run(c.indices(), step, name -> loops.contract(name, c, step)));
        case Op.Normalize n -> body.add(run(withoutAxis(n), step, name -> loops.normalize(name, n, step)));
        default -> throw new UnsupportedOperationException("nested " + b.getClass().getSimpleName() + " in a scan");
      }
    }
    return new Plan.Scan(s.step().extent(), inits, updates, body);
  }

  /** Finishes the class: normalizers, dispatchers, constructor. */
  byte[] finish() {
    normalizers.emitAll();
    constructor();
    dispatch("op", LoopNestCompiler.DESC, ops, "op", 7);
    int n = module.normalizers().size();
    dispatch("normInit", NormalizerEmitter.INIT, n, "nInit", 3);
    dispatch("normStep", NormalizerEmitter.STEP, n, "nStep", 10);
    dispatch("normFinish", NormalizerEmitter.FINISH, n, "nFinish", 4);
    combineDispatch(n);
    dispatch("tile", TileEmitter.DESC, tiles.count(), "tile", 12);
    cw.visitEnd();
    return cw.toByteArray();
  }

  private void constructor() {
    MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
    mv.visitCode();
    mv.visitVarInsn(ALOAD, 0);
    mv.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    mv.visitInsn(RETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }

  /** An interface method {@code name(int id, args...)} that calls static {@code target<id>(args...)}. */
  private void dispatch(String name, String staticDesc, int count, String target, int argCount) {
    String desc = "(I" + staticDesc.substring(1);
    MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, name, desc, null, null);
    mv.visitCode();
    Label fail = new Label();
    Label[] cases = new Label[count];
    for (int i = 0; i < count; i++) cases[i] = new Label();
    mv.visitVarInsn(ILOAD, 1);
    if (count > 0) mv.visitTableSwitchInsn(0, count - 1, fail, cases);
    else mv.visitJumpInsn(GOTO, fail);
    org.objectweb.asm.Type[] args = org.objectweb.asm.Type.getArgumentTypes(staticDesc);
    for (int i = 0; i < count; i++) {
      mv.visitLabel(cases[i]);
      int local = 2;
      for (org.objectweb.asm.Type t : args) {
        mv.visitVarInsn(t.getOpcode(ILOAD), local);
        local += t.getSize();
      }
      mv.visitMethodInsn(INVOKESTATIC, owner, target + i, staticDesc, false);
      mv.visitInsn(RETURN);
    }
    mv.visitLabel(fail);
    mv.visitTypeInsn(NEW, "java/lang/IllegalArgumentException");
    mv.visitInsn(DUP);
    mv.visitLdcInsn("no generated " + name + " with that id");
    mv.visitMethodInsn(INVOKESPECIAL, "java/lang/IllegalArgumentException", "<init>", "(Ljava/lang/String;)V", false);
    mv.visitInsn(ATHROW);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }

  /** normCombine returns false for normalizers without a combine. */
  private void combineDispatch(int n) {
    MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "normCombine", "(I" + NormalizerEmitter.COMBINE.substring(1, NormalizerEmitter.COMBINE.length() - 1) + "Z", null, null);
    mv.visitCode();
    for (int i = 0; i < n; i++) {
      if (!module.normalizers().get(i).hasCombine()) continue;
      Label next = new Label();
      mv.visitVarInsn(ILOAD, 1);
      mv.visitLdcInsn(i);
      mv.visitJumpInsn(IF_ICMPNE, next);
      for (int a = 0; a < 6; a++) mv.visitVarInsn(a == 2 || a == 3 ? ILOAD : ALOAD, a + 2);
      mv.visitMethodInsn(INVOKESTATIC, owner, "nCombine" + i, NormalizerEmitter.COMBINE, false);
      mv.visitInsn(ICONST_1);
      mv.visitInsn(IRETURN);
      mv.visitLabel(next);
    }
    mv.visitInsn(ICONST_0);
    mv.visitInsn(IRETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }
}
