package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Op;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fused FlashAttention-2-style forward kernel. A block owns {@code blockM} query rows of one
 * batch point (16 per warp); its Q tile stays in shared memory while K/V tiles of {@code blockN}
 * keys stream through two shared-memory stages filled by {@code cp.async}. Scores are computed
 * with {@code mma.sync.m16n8k16} (f16/bf16, f32 accumulation) or FMAs (f32 storage) into the mma
 * accumulator layout, then modifiers, mask and the normalizer step run in registers and the
 * weights multiply V into the output accumulators. Each key tile is classified from the mask by
 * interval arithmetic: skipped when masked everywhere, tested per element only when partial.
 */
final class FlashKernel {
  private final FlashPlan plan;
  private final Layout layout;
  private final CodeWriter w;
  private final int threads;
  private final int bm;
  private final int bn;
  private final long d;
  private final long e;
  private final long mExt;
  private final long nExt;
  private final boolean mma;
  private final int splits;
  private final FlashTiles tiles;
  private final Map<String, String> idx = new LinkedHashMap<>();

  /**
   * The tilings the flash kernel has: 16 query rows per warp (blockM = threads / 2), key blocks a
   * multiple of 16 up to 128, K/V double-buffered (stages = 2).
   *
   * @throws ScheduleException naming the knob that does not fit
   */
  static void validate(Schedule s) throws ScheduleException {
    int threads = s.intKnob("threads", 128);
    int bm = s.intKnob("blockM", 64);
    int bn = s.intKnob("blockN", 64);
    if (bm * 2 != threads) throw new ScheduleException(s, "blockM", "the flash kernel gives each warp 16 query rows: blockM must be threads / 2 = " + threads / 2);
    if (bn % 16 != 0 || bn > 128) throw new ScheduleException(s, "blockN", "the flash kernel needs blockN a multiple of 16, at most 128");
    if (s.intKnob("stages", 2) != 2) throw new ScheduleException(s, "stages", "the flash kernel double-buffers K/V: stages must be 2");
  }

  FlashKernel(FlashPlan plan, Layout layout, CodeWriter w, Schedule s, int smCount) throws ScheduleException {
    this.plan = plan;
    this.layout = layout;
    this.w = w;
    validate(s);
    this.threads = s.intKnob("threads", 128);
    this.bm = s.intKnob("blockM", 64);
    this.bn = s.intKnob("blockN", 64);
    this.d = layout.extent(plan.d().extent());
    this.e = layout.extent(plan.e().extent());
    this.mExt = layout.extent(plan.m().extent());
    this.nExt = layout.extent(plan.n().extent());
    this.mma = plan.type() != CType.F32;
    this.splits = splits(s.intKnob("splitKv", 0), smCount);
    this.tiles = new FlashTiles(w, plan.type(), mma, d, e, bn);
  }

  /**
   * Key-range splits per query tile: as asked, or (splitKv=0) enough to give every SM two blocks
   * when the query tiles alone cannot (decode); 1 where the normalizer has no combine.
   */
  private int splits(int asked, int smCount) {
    boolean combinable = plan.normalizer().map(n -> n.stateless() || n.hasCombine()).orElse(true);
    long tiles = tiles();
    long blocks = grid();
    long want = asked > 0 ? asked : (blocks >= smCount ? 1 : (2L * smCount + blocks - 1) / blocks);
    return combinable ? (int) Math.max(1, Math.min(want, tiles)) : 1;
  }

  int splitCount() {
    return splits;
  }

  /** The scratch buffers of a split run: partial outputs, and per row the normalizer state plus a seen flag. */
  static String partial(String out) {
    return out + "_part";
  }

  static String states(String out) {
    return out + "_state";
  }

  int stateWidth() {
    return plan.normalizer().map(n -> n.state().size()).orElse(0) + 1;
  }

  /** Rows of the partial buffers: one per (split, block of the unsplit grid, row of the tile). */
  long partialRows() {
    return splits * grid() * bm;
  }

  /** Rows of 16 bytes: every tensor's last extent must keep rows aligned for cp.async. */
  static boolean aligned(FlashPlan plan, Layout layout) {
    for (String t : List.of(plan.q().tensor(), plan.k().tensor(), plan.v().tensor())) {
      Layout.Buffer b = layout.buffer(t);
      if (b.extents()[b.extents().length - 1] * b.type().bytes() % 16 != 0) return false;
    }
    return true;
  }

  private int chunk() {
    return 16 / plan.type().bytes();
  }

  long sharedBytes() {
    long elems = (long) bm * (d + 8) + 2L * bn * (d + 8) + 2L * bn * (e + 8);
    long p = mma ? 0 : 4L * (threads / 32) * 16 * (bn + 4);
    return elems * plan.type().bytes() + p;
  }

  /** Blocks of the unsplit grid: query tiles times batch points. */
  long grid() {
    long g = (mExt + bm - 1) / bm;
    for (IndexVar b : plan.batch()) g *= layout.extent(b.extent());
    return g;
  }

  long launchGrid() {
    return grid() * splits;
  }

  int threads() {
    return threads;
  }

  /** The buffers the kernel reads, then the output. */
  List<Launch.Param> params() {
    List<String> reads = new ArrayList<>();
    for (Expr.Read r : List.of(plan.q(), plan.k(), plan.v())) if (!reads.contains(r.tensor())) reads.add(r.tensor());
    List<String> temps = plan.temps();
    List<Expr> exprs = new ArrayList<>();
    for (Op.Compute c : plan.modifiers()) {
      exprs.add(c.body());
      c.mask().ifPresent(exprs::add);
    }
    plan.normInput().ifPresent(exprs::add);
    plan.normMask().ifPresent(exprs::add);
    for (Expr x : exprs) for (String t : Exprs.tensorsRead(x)) if (!temps.contains(t) && !reads.contains(t)) reads.add(t);
    List<Launch.Param> ps = new ArrayList<>();
    for (String r : reads) ps.add(new Launch.Param(r, false));
    if (splits > 1) {
      ps.add(new Launch.Param(partial(plan.out()), true));
      ps.add(new Launch.Param(states(plan.out()), true));
    } else {
      ps.add(new Launch.Param(plan.out(), true));
    }
    return ps;
  }

  void body() {
    String t = plan.type().c();
    long qTiles = (mExt + bm - 1) / bm;
    int nt = bn / 8;
    int et = (int) (e / 8);
    w.line("extern __shared__ __align__(16) unsigned char tsr_smem[];");
    w.line(t + "* Qs = reinterpret_cast<" + t + "*>(tsr_smem);  // [blockM][D + 8]: the resident Q tile");
    w.line(t + "* Ks = Qs + " + bm * (d + 8) + ";  // [2][blockN][D + 8]: K tiles, double-buffered");
    w.line(t + "* Vs = Ks + " + 2L * bn * (d + 8) + ";  // [2][blockN][E + 8]: V tiles, double-buffered");
    if (!mma) w.line("float* Ps = reinterpret_cast<float*>(Vs + " + 2L * bn * (e + 8) + ");  // [warps][16][blockN + 4]: weights for the FMA path");
    w.line("const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, t4 = lane & 3;");
    w.line("const int qr = warp * 16 + g;  // this thread's rows in the tile: qr and qr + 8 (the mma accumulator layout)");
    long per = (tiles() + splits - 1) / splits;
    w.line("const long long split = (long long)(blockIdx.x % " + splits + "ULL);  // which range of key tiles");
    w.line("const long long blk = (long long)(blockIdx.x / " + splits + "ULL);");
    w.line("const long long m0 = (blk % " + qTiles + "LL) * " + bm + "LL;");
    w.line("const long long bpt = blk / " + qTiles + "LL;");
    w.line("const long long tile_lo = split * " + per + "LL;");
    w.line("const long long tile_hi = tsr_min(tile_lo + " + per + "LL, " + tiles() + "LL);");
    idx.putAll(layout.decode(w, plan.batch(), "bpt"));
    w.line("(void)bpt;");
    if (splits > 1) {
      // The split kernel stores rows by block number, so a batch index no input reads would go unused.
      for (IndexVar b : plan.batch()) w.line("(void)" + Names.index(b.name()) + ";");
    }
    loadQ();
    classifier();
    accumulators(et);
    w.line("int stage = 0;");
    w.line("int cls = 0;");
    w.line("long long cur = tsr_next_tile(tile_lo, &cls);");
    w.open("if (cur < tile_hi) {");
    loadKv("cur", "0");
    w.close("}");
    w.line("tsr_cp_commit();");
    w.open("while (cur < tile_hi) {");
    w.line("int cls_next = 0;");
    w.line("const long long nxt = tsr_next_tile(cur + 1, &cls_next);");
    w.open("if (nxt < tile_hi) {");
    loadKv("nxt", "stage ^ 1");
    w.close("}");
    w.line("tsr_cp_commit();");
    w.line("tsr_cp_wait_1();  // the current tile (and Q) have landed; the next one may still be in flight");
    w.line("__syncthreads();");
    w.line("const " + t + "* Kt = Ks + stage * " + (long) bn * (d + 8) + ";");
    w.line("const " + t + "* Vt = Vs + stage * " + (long) bn * (e + 8) + ";");
    w.line("const long long n0 = cur * " + bn + "LL;");
    tiles.scores(nt);
    elements(nt);
    step(nt, et);
    tiles.accumulate(nt, et);
    w.line("__syncthreads();  // every warp is done with this stage before it is refilled");
    w.line("cur = nxt;");
    w.line("cls = cls_next;");
    w.line("stage ^= 1;");
    w.close("}");
    w.line("tsr_cp_wait_0();");
    epilogue(et);
  }

  private long tiles() {
    return (nExt + bn - 1) / bn;
  }

  private String rowOffset(Expr.Read r, String rowIndex, String row, String col) {
    Map<String, String> m = new LinkedHashMap<>(idx);
    m.put(rowIndex, row);
    m.put(col, "0LL");
    return new CudaExpr(layout, m, null).offset(r.tensor(), r.indices());
  }

  private void loadTile(Expr.Read r, String rowIndex, String col, long cols, String dst, long ld, int rows, String first, long extent) {
    long chunks = cols / chunk();
    w.open("for (int c = tid; c < " + rows * chunks + "; c += " + threads + ") {");
    w.line("const int r = c / " + chunks + ", k = c % " + chunks + ";");
    w.line("const long long row = " + first + " + r;");
    w.line("const bool in = row < " + extent + "LL;");
    w.line("const " + plan.type().c() + "* src = " + Names.param(r.tensor()) + " + (in ? " + rowOffset(r, rowIndex, "row", col) + " + k * " + chunk() + " : 0LL);");
    w.line("tsr_cp_async16(" + dst + " + r * " + ld + " + k * " + chunk() + ", src, in ? 16 : 0);");
    w.close("}");
  }

  private void loadQ() {
    loadTile(plan.q(), plan.m().name(), plan.d().name(), d, "Qs", d + 8, bm, "m0", mExt);
  }

  private void loadKv(String tile, String stage) {
    w.line("const long long kv0 = " + tile + " * " + bn + "LL;");
    loadTile(plan.k(), plan.n().name(), plan.d().name(), d, "Ks + (" + stage + ") * " + (long) bn * (d + 8), d + 8, bn, "kv0", nExt);
    loadTile(plan.v(), plan.n().name(), plan.e().name(), e, "Vs + (" + stage + ") * " + (long) bn * (e + 8), e + 8, bn, "kv0", nExt);
  }

  /** {@code tsr_next_tile(from, &cls)}: the first key tile at or after {@code from} that the mask does not rule out. */
  private void classifier() {
    w.open("auto tsr_tile_class = [&](long long n0) -> int {");
    w.line("const bool inside = m0 + " + bm + "LL <= " + mExt + "LL && n0 + " + bn + "LL <= " + nExt + "LL;");
    if (plan.normMask().isPresent()) {
      w.line("const tsr_iv r_m = tsr_iv{(double)m0, (double)(tsr_min(m0 + " + bm + "LL, " + mExt + "LL) - 1)};");
      w.line("const tsr_iv r_n = tsr_iv{(double)n0, (double)(tsr_min(n0 + " + bn + "LL, " + nExt + "LL) - 1)};");
      Map<String, String> ranges = Map.of(plan.m().name(), "r_m", plan.n().name(), "r_n");
      String cond = new IntervalCode(layout, ranges, new CudaExpr(layout, idx, null), w).emit(plan.normMask().get());
      w.line("if (tsr_iv_false(" + cond + ")) return 0;");
      w.line("return inside && tsr_iv_true(" + cond + ") ? 1 : 2;");
    } else {
      w.line("return inside ? 1 : 2;");
    }
    w.close("};");
    w.open("auto tsr_next_tile = [&](long long from, int* c) -> long long {");
    w.open("for (long long x = from; x < tile_hi; ++x) {");
    w.line("const int k = tsr_tile_class(x * " + bn + "LL);");
    w.open("if (k != 0) {");
    w.line("*c = k;");
    w.line("return x;");
    w.close("}");
    w.close("}");
    w.line("return tile_hi;");
    w.close("};");
  }

  private void accumulators(int et) {
    w.line("float o[" + et + "][4];  // output rows qr, qr + 8; columns j * 8 + 2 * t4 + {0, 1}");
    FlashStep.loop(w, "j", et);
    w.line("o[j][0] = 0.0f; o[j][1] = 0.0f; o[j][2] = 0.0f; o[j][3] = 0.0f;");
    w.close("}");
    w.line("int seen_0 = 0, seen_1 = 0;  // whether the row saw any visible key");
    plan.normalizer().ifPresent(def -> {
      CudaExpr ex = new CudaExpr(layout, idx, name -> name);
      FlashStep.declare(w, def, 0, ex);
      FlashStep.declare(w, def, 1, ex);
    });
  }


  /** Modifiers and the mask per element; visibility bits per row. */
  private void elements(int nt) {
    w.line("unsigned long long vis_0 = 0ULL, vis_1 = 0ULL;");
    w.line("const bool partial = cls == 2;");
    FlashStep.loop(w, "j", nt);
    FlashStep.loop(w, "i", 4);
    CodeWriter body = new CodeWriter();
    Map<String, String> names = new LinkedHashMap<>(idx);
    names.put(plan.m().name(), "i_m_row");
    names.put(plan.n().name(), "i_n_col");
    CudaExpr ex = new CudaExpr(layout, names, v -> v);
    body.open("if (!partial || (i_m_row < " + mExt + "LL && i_n_col < " + nExt + "LL)) {");
    body.line("float x = s[j][i];");
    String prev = plan.op().score().out();
    for (Op.Compute c : plan.modifiers()) {
      Expr b = atPoint(c.body(), prev);
      String v = ex.emit(b).asFloat();
      body.line("x = " + c.mask().map(m -> "(" + ex.emit(m).text() + ") != 0 ? " + v + " : 0.0f").orElse(v) + ";");
      prev = c.out();
    }
    Expr input = plan.normInput().map(x -> atPoint(x, plan.temps().get(plan.temps().size() - 2))).orElse(new Expr.Var("x"));
    if (!(input instanceof Expr.Var)) body.line("x = " + ex.emit(input).asFloat() + ";");
    body.line("s[j][i] = x;");
    String mask = plan.normMask().map(m -> "!partial || (" + ex.emit(m).text() + ") != 0").orElse("true");
    body.line("const bool visible = " + mask + ";");
    body.line("if (visible && (i >> 1) == 0) vis_0 |= 1ULL << (j * 2 + (i & 1));");
    body.line("if (visible && (i >> 1) == 1) vis_1 |= 1ULL << (j * 2 + (i & 1));");
    body.close("}");
    w.line("const long long i_n_col = n0 + j * 8 + 2 * t4 + (i & 1);");
    w.line("const long long i_m_row = m0 + qr + (i >> 1) * 8;");
    for (String line : body.toString().split("\n")) if (!line.isEmpty()) w.line(line);
    w.close("}");
    w.close("}");
  }

  private static Expr atPoint(Expr e, String prev) {
    return Exprs.rewrite(e, x -> x instanceof Expr.Read r && r.tensor().equals(prev) ? new Expr.Var("x") : x);
  }

  private void step(int nt, int et) {
    if (plan.normalizer().isEmpty()) {
      FlashStep.loop(w, "j", nt);
      FlashStep.loop(w, "i", 4);
      w.line("const bool v = (((i >> 1) == 0 ? vis_0 : vis_1) >> (j * 2 + (i & 1))) & 1ULL;");
      w.line("s[j][i] = v ? s[j][i] : 0.0f;");
      w.close("}");
      w.close("}");
      w.line("seen_0 |= vis_0 != 0ULL;");
      w.line("seen_1 |= vis_1 != 0ULL;");
      return;
    }
    CudaExpr ex = new CudaExpr(layout, idx, name -> name);
    for (int r = 0; r < 2; r++) {
      w.open("{  // normalizer " + plan.normalizer().get().name() + ", row qr" + (r == 0 ? "" : " + 8"));
      new FlashStep(plan.normalizer().get(), r, nt).emit(w, ex, et);
      w.close("}");
    }
  }


  private void epilogue(int et) {
    if (plan.normalizer().isEmpty()) {
      w.line("// A quad shares its rows: a row saw a key if any of the four threads holding its columns did.");
      for (int r = 0; r < 2; r++) {
        for (int lanes = 1; lanes <= 2; lanes *= 2) w.line("seen_" + r + " |= __shfl_xor_sync(0xffffffffu, seen_" + r + ", " + lanes + ");");
      }
    }
    if (splits > 1) {
      partialEpilogue(et);
      return;
    }
    CudaExpr ex = new CudaExpr(layout, idx, name -> name);
    for (int r = 0; r < 2; r++) {
      final int row = r;
      String fin = plan.normalizer().map(def -> FlashStep.finish(def, row, ex)).orElse("1.0f");
      w.line("const float fin_" + r + " = seen_" + r + " ? " + fin + " : 0.0f;");
    }
    Map<String, String> names = new LinkedHashMap<>(idx);
    names.put(plan.m().name(), "orow");
    names.put(plan.e().name(), "ocol");
    String off = new CudaExpr(layout, names, null).offset(plan.out(), plan.outSubs());
    FlashStep.loop(w, "i", 4);
    w.line("const long long orow = m0 + qr + (i >> 1) * 8;");
    w.line("if (orow >= " + mExt + "LL) continue;");
    w.line("const float fin = (i >> 1) == 0 ? fin_0 : fin_1;");
    FlashStep.loop(w, "j", et);
    w.line("const long long ocol = j * 8 + 2 * t4 + (i & 1);");
    w.line(Names.param(plan.out()) + "[" + off + "] = " + layout.buffer(plan.out()).type().store("o[j][i] * fin") + ";");
    w.close("}");
    w.close("}");
  }

  /** Writes the unnormalised partial output and, from one thread of each quad, the row's state and seen flag. */
  private void partialEpilogue(int et) {
    int width = stateWidth();
    FlashStep.loop(w, "i", 4);
    w.line("const int r = qr + (i >> 1) * 8;");
    w.line("if (m0 + r >= " + mExt + "LL) continue;");
    w.line("const long long prow = (split * " + grid() + "LL + blk) * " + bm + "LL + r;");
    FlashStep.loop(w, "j", et);
    w.line(Names.param(partial(plan.out())) + "[prow * " + e + "LL + j * 8 + 2 * t4 + (i & 1)] = o[j][i];");
    w.close("}");
    w.open("if (t4 == 0 && (i & 1) == 0) {");
    for (int k = 0; k < width - 1; k++) {
      w.line(Names.param(states(plan.out())) + "[prow * " + width + "LL + " + k + "] = (i >> 1) == 0 ? st_0_" + k + " : st_1_" + k + ";");
    }
    w.line(Names.param(states(plan.out())) + "[prow * " + width + "LL + " + (width - 1) + "] = (float)((i >> 1) == 0 ? seen_0 : seen_1);");
    w.close("}");
    w.close("}");
  }
}
