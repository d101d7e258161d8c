package dev.tessera.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;

/**
 * A generated static method over the kernel's tensors: {@code (float[][] t, int[][] st, int[] dv,
 * ...)}. Its prologue loads every tensor array, stride and dimension the body uses into locals, so
 * loops read only locals; index variables are int locals bound by the caller.
 */
final class OpMethod implements ExprEmitter.Leaves {
  private int tParam = 0;
  private int stParam = 1;
  private int dvParam = 2;
  private final Map<String, Integer> substituted = new HashMap<>();

  final MethodVisitor mv;
  final ExprEmitter em;
  private final Slots slots;
  private final Map<String, Integer> arrays = new HashMap<>();
  private final Map<String, Integer> strides = new HashMap<>();
  private final Map<String, Integer> dims = new HashMap<>();
  private final Map<String, Integer> indices = new HashMap<>();
  private int next;

  OpMethod(ClassWriter cw, String name, String desc, int firstFree, Slots slots) {
    this.mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC, name, desc, null, null);
    this.slots = slots;
    this.next = firstFree;
    this.em = new ExprEmitter(mv, this);
    mv.visitCode();
  }

  /** Where the tensor, stride and dimension arrays are among the method's parameters. */
  OpMethod params(int t, int st, int dv) {
    this.tParam = t;
    this.stParam = st;
    this.dvParam = dv;
    return this;
  }

  /** Reads of {@code tensor} (at the op's own indices) take the value of a float local instead. */
  void substitute(String tensor, int floatLocal) {
    substituted.put(tensor, floatLocal);
  }

  int newLocal(int size) {
    int l = next;
    next += size;
    return l;
  }

  /**
   * Loads what {@code exprs} use into locals: tensor arrays with all their strides, and dimensions.
   * Everything is loaded up front so no local is first assigned inside a branch.
   */
  void prologue(List<Expr> exprs, Map<String, Integer> written) {
    written.forEach((w, rank) -> {
      array(w);
      strides(w, rank);
    });
    for (Expr e : exprs) {
      for (Expr n : Exprs.nodes(e)) {
        if (n instanceof Expr.Read r && !substituted.containsKey(r.tensor())) {
          array(r.tensor());
          strides(r.tensor(), r.indices().size());
        }
        if (n instanceof Expr.Dim d) dim(d.name());
      }
    }
    em.hoistInvariants(exprs, () -> newLocal(1));
  }

  int array(String tensor) {
    Integer l = arrays.get(tensor);
    if (l != null) return l;
    int slot = slots.tensor(tensor);
    int local = newLocal(1);
    mv.visitVarInsn(ALOAD, tParam);
    em.pushInt(slot);
    mv.visitInsn(AALOAD);
    mv.visitVarInsn(ASTORE, local);
    arrays.put(tensor, local);
    return local;
  }

  int stride(String tensor, int axis) {
    String key = tensor + "#" + axis;
    Integer l = strides.get(key);
    if (l != null) return l;
    int local = newLocal(1);
    mv.visitVarInsn(ALOAD, stParam);
    em.pushInt(slots.tensor(tensor));
    mv.visitInsn(AALOAD);
    em.pushInt(axis);
    mv.visitInsn(IALOAD);
    mv.visitVarInsn(ISTORE, local);
    strides.put(key, local);
    return local;
  }

  int dim(String name) {
    Integer l = dims.get(name);
    if (l != null) return l;
    int local = newLocal(1);
    mv.visitVarInsn(ALOAD, dvParam);
    em.pushInt(slots.dim(name));
    mv.visitInsn(IALOAD);
    mv.visitVarInsn(ISTORE, local);
    dims.put(name, local);
    return local;
  }

  /** Precomputes every stride of {@code tensor} used by reads, so none is loaded inside a loop. */
  void strides(String tensor, int rank) {
    for (int i = 0; i < rank; i++) stride(tensor, i);
  }

  private final Map<String, Integer> extents = new HashMap<>();

  /** Gives an index variable an int local and computes its extent into another, in the prologue. */
  void declareIndex(dev.tessera.ir.IndexVar v) {
    if (indices.containsKey(v.name())) return;
    indices.put(v.name(), newLocal(1));
    int ext = newLocal(1);
    em.emit(v.extent(), JType.INT);
    mv.visitVarInsn(ISTORE, ext);
    extents.put(v.name(), ext);
  }

  /** Binds an index variable to an int local the caller maintains. */
  void bindIndex(String name, int local) {
    indices.put(name, local);
  }

  int localOf(String index) {
    Integer l = indices.get(index);
    if (l == null) throw new IllegalStateException("index " + index + " has no local");
    return l;
  }

  int extentOf(String index) {
    return extents.get(index);
  }

  /** Computes a dimension expression into a fresh int local. */
  int dim0(Expr extent) {
    int l = newLocal(1);
    em.emit(extent, JType.INT);
    mv.visitVarInsn(ISTORE, l);
    return l;
  }

  /** Emits the flat offset of {@code tensor[subs]} as an int. */
  void offset(String tensor, List<Expr> subs) {
    if (subs.isEmpty()) {
      mv.visitInsn(ICONST_0);
      return;
    }
    for (int i = 0; i < subs.size(); i++) {
      em.emit(subs.get(i), JType.INT);
      if (i < subs.size() - 1) {
        mv.visitVarInsn(ILOAD, stride(tensor, i));
        mv.visitInsn(IMUL);
      }
      if (i > 0) mv.visitInsn(IADD);
    }
  }

  @Override
  public JType emit(Expr leaf, ExprEmitter e) {
    switch (leaf) {
      case Expr.Index i -> {
        Integer l = indices.get(i.name());
        if (l == null) throw new IllegalStateException("index " + i.name() + " not bound in generated code");
        mv.visitVarInsn(ILOAD, l);
        return JType.INT;
      }
      case Expr.Dim d -> {
        mv.visitVarInsn(ILOAD, dim(d.name()));
        return JType.INT;
      }
      case Expr.Read r when substituted.containsKey(r.tensor()) -> {
        mv.visitVarInsn(FLOAD, substituted.get(r.tensor()));
        return JType.FLOAT;
      }
      case Expr.Read r -> {
        mv.visitVarInsn(ALOAD, array(r.tensor()));
        offset(r.tensor(), r.indices());
        mv.visitInsn(FALOAD);
        return JType.FLOAT;
      }
      default -> throw new IllegalStateException("unexpected leaf in a kernel op: " + leaf);
    }
  }

  void finish() {
    mv.visitInsn(RETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
  }
}
