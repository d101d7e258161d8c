package dev.tessera.mesh;

import dev.tessera.ir.Expr;
import java.util.ArrayList;
import java.util.List;

/**
 * Attention for one (batch, head) on a p×p grid, with the user's normalizer.
 *
 * <p>Prefill: the scores S = Q·Kᵀ by the transposed MeshGEMM (K moves as stored, the cores use it
 * transposed), the score modifiers ({@link Stage}s), the normalizer's step per row block, a row allreduce of the row
 * states (two-level tree, merged with the normalizer's combine, then a row multicast of the global
 * state), the rescale to the final weights P, a skew of P along the ring (row ℓ by ℓ places) and
 * P·V by MeshGEMM. Without a normalizer the modified scores are the weights.
 *
 * <p>Decode (one query row): GEMVs with alternating reduction axes and no transposes — the scores
 * reduce along rows to column 0, whose cores run the normalizer and allreduce its states down the
 * column; each row multicasts its weights, and P·V reduces along columns to row 0.
 */
public final class AttentionKernels {
  private static final int L1 = 4;
  private static final int L2 = 5;
  private static final int BCAST = 6;

  private AttentionKernels() {}

  /**
   * Sizes and options: the score modifiers in order, {@code stateWords} = 1 + the normalizer's state
   * size, and the normalizer's name (empty: none; the modified scores are the weights, and there is
   * no mask).
   */
  public record Dims(int m, int n, int d, int e, List<Stage> stages, int stateWords, String normalizer) {
    public Dims {
      stages = List.copyOf(stages);
    }

    /** Only a constant factor {@code scale} (none when it is 1). */
    public Dims(int m, int n, int d, int e, double scale, int stateWords, String normalizer) {
      this(m, n, d, e, scale == 1 ? List.of() : List.of(new Stage.Scale(scale)), stateWords, normalizer);
    }

    boolean normalized() {
      return !normalizer.isEmpty();
    }

    /** The host matrices (M×N, like the mask) the stages read, in stage order. */
    List<String> matrices() {
      List<String> out = new ArrayList<>();
      for (Stage st : stages) {
        if (st instanceof Stage.Factor f) out.add(f.matrix());
        if (st instanceof Stage.Bias b) out.add(b.matrix());
      }
      return out;
    }
  }

  /** One score modifier as the cores apply it to their block of scores {@code s}. */
  public sealed interface Stage {
    /** s ← s · value. */
    record Scale(double value) implements Stage {}

    /** s ← s ⊙ F, F an M×N host matrix (e.g. a decay γ^(m−n)) loaded like the mask. */
    record Factor(String matrix) implements Stage {}

    /** s ← s + A, A an M×N host matrix (e.g. a distance bias) loaded like the mask. */
    record Bias(String matrix) implements Stage {}

    /** s ← f(s) element by element: {@code body} reads the scores as the tensor {@code scores}. */
    record Pointwise(Expr body, String scores, java.util.Map<String, Long> dims) implements Stage {
      public Pointwise {
        dims = java.util.Map.copyOf(dims);
      }
    }
  }

  /**
   * Emits the stages on {@code words} scores in buffer {@code s}; the host matrices' tiles are in the
   * buffers they are named after.
   *
   * @throws IllegalArgumentException when a map uses something the instruction set cannot express
   */
  private static void stages(Code c, Dims a, String s, int words) {
    ElementwiseKernels.Lowering lowering = null;
    for (Stage st : a.stages()) {
      switch (st) {
        case Stage.Scale k -> c.add(new Instr.Scale(Code.r(s), k.value(), words));
        case Stage.Factor f -> c.add(new Instr.Vec(Instr.VecOp.MUL, Code.r(s), Code.r(s), Code.r(f.matrix()), words));
        case Stage.Bias b -> c.add(new Instr.Vec(Instr.VecOp.ADD, Code.r(s), Code.r(s), Code.r(b.matrix()), words));
        case Stage.Pointwise m -> {
          lowering = new ElementwiseKernels.Lowering(c, words, java.util.Map.of(m.scores(), s), m.dims(), "sm", lowering);
          String out;
          try {
            out = lowering.lower(m.body());
          } catch (ElementwiseKernels.Unsupported e) {
            throw new IllegalArgumentException(e.getMessage(), e);
          }
          if (!out.equals(s)) c.copy(s, out, words);
          lowering.releaseAll();
        }
      }
    }
    if (lowering != null) lowering.declareTemps();
  }

  /** Checks that every map stage lowers to the instruction set; its message names what does not. */
  public static void check(Dims a) throws ElementwiseKernels.Unsupported {
    for (Stage st : a.stages()) {
      if (st instanceof Stage.Pointwise m) new ElementwiseKernels.Lowering(new Code("check"), 1, java.util.Map.of(m.scores(), "s"), m.dims(), "t", null).lower(m.body());
    }
  }

  public static MeshKernel prefill(int p, Dims a) {
    Ring ring = Ring.interleaved(p);
    int bm = GemmKernels.ceil(a.m(), p);
    int bd = GemmKernels.ceil(a.d(), p);
    int bn = GemmKernels.ceil(a.n(), p);
    int be = GemmKernels.ceil(a.e(), p);
    int sw = bm * a.stateWords();
    int[] gx = new int[p];
    String[] xKeys = new String[p];
    List<String> xClasses = new ArrayList<>();
    for (int x = 0; x < p; x++) {
      gx[x] = 2 * (GemmKernels.sendsForward(ring, x) ? 1 : 0) + (GemmKernels.sendsForward(ring, ring.phys(ring.logical(x) + 1)) ? 1 : 0);
      xKeys[x] = gx[x] + TreeReduce.role(x, p);
      if (!xClasses.contains(xKeys[x])) xClasses.add(xKeys[x]);
    }
    int[] xCls = new int[p];
    for (int x = 0; x < p; x++) xCls[x] = xClasses.indexOf(xKeys[x]);
    int[] yCls = new int[p];
    for (int y = 0; y < p; y++) yCls[y] = y;
    String[][] names = new String[xClasses.size()][p];
    List<Program> programs = new ArrayList<>();
    Lanes l1 = new Lanes(true, p);
    Lanes l2 = new Lanes(true, p);
    boolean[] seen = new boolean[xClasses.size()];
    for (int x = 0; x < p; x++) {
      if (seen[xCls[x]]) continue;
      seen[xCls[x]] = true;
      for (int y = 0; y < p; y++) {
        int gy = 2 * (GemmKernels.sendsForward(ring, y) ? 1 : 0) + (GemmKernels.sendsForward(ring, ring.phys(ring.logical(y) + 1)) ? 1 : 0);
        names[xCls[x]][y] = "prefill_" + xCls[x] + "_" + y;
        programs.add(prefillProgram(names[xCls[x]][y], p, x, ring.logical(y), GemmKernels.colours(gx[x], GemmKernels.A_BACK, GemmKernels.A_FWD),
            GemmKernels.colours(gy, GemmKernels.B_BACK, GemmKernels.B_FWD), bm, bd, bn, be, sw, a));
      }
    }
    List<Route> routes = new ArrayList<>();
    if (p > 1) {
      TreeReduce.routes(p, l1, l2);
      routes.addAll(ring.shiftRoutes(true, false).emit(GemmKernels.A_BACK, 0, p - 1));
      routes.addAll(ring.shiftRoutes(true, true).emit(GemmKernels.A_FWD, 0, p - 1));
      routes.addAll(ring.shiftRoutes(false, false).emit(GemmKernels.B_BACK, 0, p - 1));
      routes.addAll(ring.shiftRoutes(false, true).emit(GemmKernels.B_FWD, 0, p - 1));
      routes.addAll(l1.emit(L1, 0, p - 1));
      if (TreeReduce.twoLevels(p)) routes.addAll(l2.emit(L2, 0, p - 1));
      routes.addAll(new Lanes(true, p).broadcast(0, false).emit(BCAST, 0, p - 1));
    }
    MeshProgram prog = new MeshProgram(p, p, a.normalizer(), programs, Classes.assign(xCls, yCls, names), routes);
    List<Tile> loads = new ArrayList<>();
    List<Tile> stores = new ArrayList<>();
    for (int y = 0; y < p; y++) {
      for (int x = 0; x < p; x++) {
        int lx = ring.logical(x);
        int ly = ring.logical(y);
        int kk = (lx + ly) % p;
        loads.add(new Tile(x, y, "q0", "Q", ly * bm, kk * bd, bm, bd, false));
        loads.add(new Tile(x, y, "k0", "K", lx * bn, kk * bd, bn, bd, false));
        loads.add(new Tile(x, y, "v0", "V", kk * bn, lx * be, bn, be, false));
        if (a.normalized()) loads.add(new Tile(x, y, "mask", "mask", ly * bm, lx * bn, bm, bn, false));
        for (String mat : a.matrices()) loads.add(new Tile(x, y, mat, mat, ly * bm, lx * bn, bm, bn, false));
        stores.add(new Tile(x, y, "o", "O", ly * bm, lx * be, bm, be, false));
      }
    }
    return new MeshKernel(prog, loads, stores, new MeshKernel.Shape("prefill", p, bm, bd, bn, true));
  }

  private static Program prefillProgram(String name, int p, int x, int ly, int[] aCol, int[] bCol, int bm, int bd, int bn, int be, int sw,
      Dims a) {
    int qw = bm * bd;
    int kw = bn * bd;
    int sWords = bm * bn;
    int vw = bn * be;
    Code c = new Code(name).buf("q0", qw).buf("q1", qw).buf("k0", kw).buf("k1", kw).buf("p0", sWords).buf("p1", sWords);
    if (a.normalized()) c.buf("mask", sWords).buf("st", sw).buf("acc", sw).buf("tmp", sw).buf("g", sw);
    for (String mat : a.matrices()) c.buf(mat, sWords);
    c.buf("v0", vw).buf("v1", vw).buf("o", bm * be);
    for (int step = 0; step < p; step++) {
      boolean more = step < p - 1;
      if (more) c.send(aCol[0], "q" + step % 2, qw).send(bCol[0], "k" + step % 2, kw);
      c.mm("p0", "q" + step % 2, "k" + step % 2, bm, bd, bn, true);
      if (more) c.recv(aCol[1], "q" + (step + 1) % 2, qw).recv(bCol[1], "k" + (step + 1) % 2, kw);
    }
    stages(c, a, "p0", sWords);
    if (a.normalized()) {
      c.add(new Instr.NStep(Code.r("p0"), Code.r("mask"), Code.r("st"), bm, bn));
      c.copy("acc", "st", sw);
      TreeReduce.emit(c, x, p, L1, L2, "acc", "tmp", sw, code -> code.add(new Instr.NComb(Code.r("acc"), Code.r("tmp"), bm)), null, null);
      if (p > 1) {
        if (x == 0) c.send(BCAST, "acc", sw).copy("g", "acc", sw);
        else c.recv(BCAST, "g", sw);
      } else {
        c.copy("g", "acc", sw);
      }
      c.add(new Instr.NScale(Code.r("p0"), Code.r("st"), Code.r("g"), bm, bn));
    }
    int cur = 0;
    for (int i = 0; i < ly; i++) {
      c.send(aCol[0], "p" + cur, sWords).recv(aCol[1], "p" + (1 - cur), sWords);
      cur = 1 - cur;
    }
    for (int step = 0; step < p; step++) {
      boolean more = step < p - 1;
      String pa = "p" + cur;
      if (more) c.send(aCol[0], pa, sWords).send(bCol[0], "v" + step % 2, vw);
      c.mm("o", pa, "v" + step % 2, bm, bn, be, false);
      if (more) c.recv(aCol[1], "p" + (1 - cur), sWords).recv(bCol[1], "v" + (step + 1) % 2, vw);
      cur = 1 - cur;
    }
    return c.build();
  }

  private static final int ROW_L1 = 0;
  private static final int ROW_L2 = 1;
  private static final int COL_L1 = 2;
  private static final int COL_L2 = 3;
  private static final int COL_BCAST = 7;
  private static final int ROW_BCAST = 8;
  private static final int OUT_L1 = 9;
  private static final int OUT_L2 = 10;

  public static MeshKernel decode(int p, Dims a) {
    int bd = GemmKernels.ceil(a.d(), p);
    int bn = GemmKernels.ceil(a.n(), p);
    int be = GemmKernels.ceil(a.e(), p);
    int sw = a.stateWords();
    List<String> xKeys = new ArrayList<>();
    List<String> yKeys = new ArrayList<>();
    int[] xCls = new int[p];
    int[] yCls = new int[p];
    for (int i = 0; i < p; i++) {
      String kx = TreeReduce.role(i, p);
      String ky = TreeReduce.role(i, p);
      if (!xKeys.contains(kx)) xKeys.add(kx);
      if (!yKeys.contains(ky)) yKeys.add(ky);
      xCls[i] = xKeys.indexOf(kx);
      yCls[i] = yKeys.indexOf(ky);
    }
    String[][] names = new String[xKeys.size()][yKeys.size()];
    List<Program> programs = new ArrayList<>();
    Lanes rowL1 = new Lanes(true, p);
    Lanes rowL2 = new Lanes(true, p);
    Lanes colL1 = new Lanes(false, p);
    Lanes colL2 = new Lanes(false, p);
    for (int x = 0; x < p; x++) {
      for (int y = 0; y < p; y++) {
        if (names[xCls[x]][yCls[y]] != null) continue;
        names[xCls[x]][yCls[y]] = "decode_" + xCls[x] + "_" + yCls[y];
        programs.add(decodeProgram(names[xCls[x]][yCls[y]], p, x, y, bd, bn, be, sw, a));
      }
    }
    List<Route> routes = new ArrayList<>();
    if (p > 1) {
      TreeReduce.routes(p, rowL1, rowL2);
      TreeReduce.routes(p, colL1, colL2);
      routes.addAll(rowL1.emit(ROW_L1, 0, p - 1));
      routes.addAll(colL1.emit(COL_L1, 0, 0));
      routes.addAll(colL1.emit(OUT_L1, 0, p - 1));
      if (TreeReduce.twoLevels(p)) {
        routes.addAll(rowL2.emit(ROW_L2, 0, p - 1));
        routes.addAll(colL2.emit(COL_L2, 0, 0));
        routes.addAll(colL2.emit(OUT_L2, 0, p - 1));
      }
      routes.addAll(new Lanes(false, p).broadcast(0, false).emit(COL_BCAST, 0, 0));
      routes.addAll(new Lanes(true, p).broadcast(0, false).emit(ROW_BCAST, 0, p - 1));
    }
    MeshProgram prog = new MeshProgram(p, p, a.normalizer(), programs, Classes.assign(xCls, yCls, names), routes);
    List<Tile> loads = new ArrayList<>();
    List<Tile> stores = new ArrayList<>();
    for (int y = 0; y < p; y++) {
      for (int x = 0; x < p; x++) {
        loads.add(new Tile(x, y, "q", "Q", 0, x * bd, 1, bd, false));
        loads.add(new Tile(x, y, "kt", "K", y * bn, x * bd, bn, bd, true));
        loads.add(new Tile(x, y, "v", "V", y * bn, x * be, bn, be, false));
        if (x == 0 && a.normalized()) loads.add(new Tile(x, y, "mask", "mask", 0, y * bn, 1, bn, false));
        if (x == 0) for (String mat : a.matrices()) loads.add(new Tile(x, y, mat, mat, 0, y * bn, 1, bn, false));
      }
    }
    for (int x = 0; x < p; x++) stores.add(new Tile(x, 0, "o", "O", 0, x * be, 1, be, false));
    return new MeshKernel(prog, loads, stores, new MeshKernel.Shape("decode", p, 1, bd, bn, false));
  }

  private static Program decodeProgram(String name, int p, int x, int y, int bd, int bn, int be, int sw, Dims a) {
    Code c = new Code(name).buf("q", bd).buf("kt", bd * bn).buf("s", bn).buf("tmp", bn).buf("v", bn * be).buf("o", be).buf("otmp", be);
    if (x == 0 && a.normalized()) c.buf("mask", bn).buf("st", sw).buf("acc", sw).buf("stmp", sw).buf("g", sw);
    if (x == 0) for (String mat : a.matrices()) c.buf(mat, bn);
    c.mm("s", "q", "kt", 1, bd, bn, false);
    TreeReduce.emit(c, x, p, ROW_L1, ROW_L2, "s", "tmp", bn, code -> code.add("s", "s", "tmp", bn), null, null);
    if (x == 0) {
      stages(c, a, "s", bn);
      if (a.normalized()) {
        c.add(new Instr.NStep(Code.r("s"), Code.r("mask"), Code.r("st"), 1, bn));
        c.copy("acc", "st", sw);
        TreeReduce.emit(c, y, p, COL_L1, COL_L2, "acc", "stmp", sw, code -> code.add(new Instr.NComb(Code.r("acc"), Code.r("stmp"), 1)), null, null);
        if (y == 0) {
          if (p > 1) c.send(COL_BCAST, "acc", sw);
          c.copy("g", "acc", sw);
        } else {
          c.recv(COL_BCAST, "g", sw);
        }
        c.add(new Instr.NScale(Code.r("s"), Code.r("st"), Code.r("g"), 1, bn));
      }
      if (p > 1) c.send(ROW_BCAST, "s", bn);
    } else {
      c.recv(ROW_BCAST, "s", bn);
    }
    c.mm("o", "s", "v", 1, bn, be, false);
    TreeReduce.emit(c, y, p, OUT_L1, OUT_L2, "o", "otmp", be, code -> code.add("o", "o", "otmp", be), null, null);
    return c.build();
  }
}
