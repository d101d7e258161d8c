package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Op;
import dev.tessera.ir.TensorDecl;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Linear attention in chunks of C steps (RetNet, Mamba-2's SSD, GLA): for a recurrent template
 * {@code S_t = decay_t ⊙ S_{t-1} + k_tᵀ v_t}, {@code o_t = q_t S_t} with the decay a scalar per
 * step or one per key channel d. Within a chunk, with L_i the sum of log |decay| over its steps
 * 0..i and σ_i the product of their signs (both per channel where the decay is):
 * <pre>
 *   o_i   = Σ_d q[i,d] σ_i e^{L_i} S[d,:] + Σ_{j ≤ i} A[i,j] v_j,  A[i,j] = Σ_d q[i,d] k[j,d] σ_i σ_j e^{L_i − L_j}
 *   S_out = σ_last e^{L_last} ⊙ S + Σ_j (k_j σ_last σ_j e^{L_last − L_j})ᵀ v_j
 * </pre>
 * Every exponent is at most 0, so no factor overflows whatever the decay; a zero decay becomes
 * e^{-80}. One block per batch point and slice of EB value columns keeps its state slice S[:, e0..]
 * in shared memory and walks the chunks in order; each phase is a loop of the block's threads over
 * the chunk's elements with a barrier between phases. Products are f32 FMAs (not tensor cores).
 */
final class ChunkKernel {
  private static final long SMALL_SHARED = 48 * 1024;

  private final Op.RecurrentAttention r;
  private final Op.StateDef state;
  private final Op.Contract readout;
  private final Layout layout;
  private final List<IndexVar> batch;
  private final IndexVar d;
  private final IndexVar e;
  private final Expr.Read q;
  private final Expr.Read k;
  private final Expr.Read v;
  private final Map<String, String> readoutNames;
  private final int threads;
  private final int chunk;
  private final int eb;

  private ChunkKernel(Op.RecurrentAttention r, Layout layout, Expr.Read q, Expr.Read k, Expr.Read v, Map<String, String> readoutNames,
      int threads, int chunk) {
    this.r = r;
    this.state = r.scan().states().get(0);
    this.readout = (Op.Contract) r.scan().body().get(0);
    this.layout = layout;
    List<IndexVar> ix = state.indices();
    this.batch = ix.subList(0, ix.size() - 2);
    this.d = ix.get(ix.size() - 2);
    this.e = ix.get(ix.size() - 1);
    this.q = q;
    this.k = k;
    this.v = v;
    this.readoutNames = readoutNames;
    this.threads = threads;
    this.chunk = chunk;
    this.eb = shared(64) <= SMALL_SHARED || layout.extent(e.extent()) <= 32 ? 64 : 32;
  }

  /**
   * The kernel where the template has the chunked shape: the register recurrence's shape (one state
   * S[.., d, e], its readout a sum over d, d at most {@link RecurrentKernel#MAX_D}), the update exactly
   * {@code decay * S + k * v} with k read at (.., t, d) and v at (.., t, e), the readout
   * {@code q * S}, and a state that is a temporary. The schedule's {@code threads} and {@code chunk}
   * size it.
   *
   * @throws ScheduleException when {@code chunk} or {@code threads} is out of the kernel's range
   */
  static Optional<ChunkKernel> of(Op.RecurrentAttention r, Layout layout, Schedule s) throws ScheduleException {
    Op.Scan scan = r.scan();
    Optional<RecurrentKernel> shape = RecurrentKernel.of(scan, layout);
    if (shape.isEmpty()) return Optional.empty();
    Op.StateDef st = scan.states().get(0);
    Op.Contract c = (Op.Contract) scan.body().get(0);
    if (layout.buffer(st.name()).role() != TensorDecl.Role.TEMP) return Optional.empty();
    String dn = st.indices().get(st.indices().size() - 2).name();
    String en = st.indices().get(st.indices().size() - 1).name();
    if (!(st.update() instanceof Expr.Binary up) || up.op() != Expr.BinOp.ADD) return Optional.empty();
    Expr decayed = Exprs.reads(up.left()).stream().anyMatch(x -> x.tensor().equals(st.name())) ? up.left() : up.right();
    Expr fresh = decayed == up.left() ? up.right() : up.left();
    if (!decays(decayed, r, st.name())) return Optional.empty();
    Optional<Expr.Read[]> kv = factors(fresh, dn, en);
    if (kv.isEmpty() || !(c.body() instanceof Expr.Binary ro) || ro.op() != Expr.BinOp.MUL) return Optional.empty();
    Expr qSide = ro.left() instanceof Expr.Read x && x.tensor().equals(st.name()) ? ro.right() : ro.left();
    if (!(qSide instanceof Expr.Read qr) || qr.tensor().equals(st.name())) return Optional.empty();
    if (!((qSide == ro.left() ? ro.right() : ro.left()) instanceof Expr.Read sr) || !sr.tensor().equals(st.name())) return Optional.empty();
    int threads = s.intKnob("threads", 128);
    int chunk = s.intKnob("chunk", 16);
    if (threads % 32 != 0 || threads < 32 || threads > 1024) throw new ScheduleException(s, "threads", "the chunked kernel needs a multiple of 32, at most 1024");
    if (chunk < 1 || chunk > 64) throw new ScheduleException(s, "chunk", "the chunked kernel needs 1 to 64 steps per chunk");
    return Optional.of(new ChunkKernel(r, layout, qr, kv.get()[0], kv.get()[1], shape.get().readoutNames(), threads, chunk));
  }

  /** The update's decayed term is {@code S} (no decay) or {@code decay * S} with the template's decay. */
  private static boolean decays(Expr decayed, Op.RecurrentAttention r, String s) {
    if (r.decayKind() == Op.DecayKind.NONE) return decayed instanceof Expr.Read x && x.tensor().equals(s);
    if (!(decayed instanceof Expr.Binary b) || b.op() != Expr.BinOp.MUL) return false;
    boolean leftS = b.left() instanceof Expr.Read x && x.tensor().equals(s);
    boolean rightS = b.right() instanceof Expr.Read x && x.tensor().equals(s);
    return leftS && b.right().equals(r.decay()) || rightS && b.left().equals(r.decay());
  }

  /** {@code k * v} with k reading d and not e, v reading e and not d. */
  private static Optional<Expr.Read[]> factors(Expr fresh, String d, String e) {
    if (!(fresh instanceof Expr.Binary b) || b.op() != Expr.BinOp.MUL) return Optional.empty();
    if (!(b.left() instanceof Expr.Read x) || !(b.right() instanceof Expr.Read y)) return Optional.empty();
    for (Expr.Read[] p : List.of(new Expr.Read[] {x, y}, new Expr.Read[] {y, x})) {
      List<String> ki = Exprs.indices(p[0]);
      List<String> vi = Exprs.indices(p[1]);
      if (ki.contains(d) && !ki.contains(e) && vi.contains(e) && !vi.contains(d)) return Optional.of(p);
    }
    return Optional.empty();
  }

  int threads() {
    return threads;
  }

  private long slices() {
    return (layout.extent(e.extent()) + eb - 1) / eb;
  }

  long grid() {
    long g = slices();
    for (IndexVar b : batch) g *= layout.extent(b.extent());
    return g;
  }

  /** Channels of the log-decay table: d per channel, else one. */
  private long width() {
    return r.decayKind() == Op.DecayKind.PER_CHANNEL ? layout.extent(d.extent()) : 1;
  }

  long sharedBytes() {
    return shared(eb);
  }

  /** The state slice, Q and K of the chunk, its V slice, log-decays and signs, and the scores. */
  private long shared(int cols) {
    long dx = layout.extent(d.extent());
    return 4L * (dx * cols + 2L * chunk * dx + (long) chunk * cols + (r.decayKind() == Op.DecayKind.NONE ? 0 : 2L * chunk * width())
        + (long) chunk * chunk);
  }

  List<Launch.Param> params() {
    List<String> reads = new ArrayList<>();
    OpBodies.collectReads(r.decay(), reads);
    OpBodies.collectReads(state.update(), reads);
    OpBodies.collectReads(readout.body(), reads);
    List<Launch.Param> ps = new ArrayList<>();
    for (String x : reads) if (!x.equals(state.name())) ps.add(new Launch.Param(x, false));
    ps.add(new Launch.Param(readout.out(), true));
    return ps;
  }

  void body(CodeWriter w) {
    long dx = layout.extent(d.extent());
    long ex = layout.extent(e.extent());
    long tx = layout.extent(r.scan().step().extent());
    long lw = width();
    boolean decayed = r.decayKind() != Op.DecayKind.NONE;
    int c = chunk;
    w.line("extern __shared__ __align__(16) unsigned char tsr_smem[];");
    w.line("float* Ss = reinterpret_cast<float*>(tsr_smem);  // [D][EB]: the state slice S[.., :, e0 + y]");
    w.line("float* Qs = Ss + " + dx * eb + ";  // [C][D]: the chunk's queries, then times sigma_i e^L_i");
    w.line("float* Ks = Qs + " + c * dx + ";  // [C][D]: its keys, then times sigma_last sigma_j e^(L_last - L_j)");
    w.line("float* Vs = Ks + " + c * dx + ";  // [C][EB]: its values");
    w.line("float* As = Vs + " + (long) c * eb + ";  // [C][C]: decayed scores, zero above the diagonal");
    if (decayed) {
      w.line("float* Ls = As + " + c * c + ";  // [C][" + lw + "]: log |decay| summed over the chunk's steps 0..i");
      w.line("float* Gs = Ls + " + c * lw + ";  // [C][" + lw + "]: the product of their signs");
    }
    w.line("const int tid = threadIdx.x;");
    w.line("const long long e0 = ((long long)blockIdx.x % " + slices() + "LL) * " + eb + "LL;");
    w.line("const long long bpt = (long long)blockIdx.x / " + slices() + "LL;");
    Map<String, String> idx = batchIndices(w);
    String ti = Names.index(r.scan().step().name());
    String di = Names.index(d.name());
    String ei = Names.index(e.name());
    idx.put(r.scan().step().name(), ti);
    idx.put(d.name(), di);
    idx.put(e.name(), ei);
    CudaExpr ex0 = new CudaExpr(layout, idx, null);
    loop(w, dx * eb);
    List<String> used = Exprs.indices(state.init());
    if (used.contains(d.name())) w.line("const long long " + di + " = i / " + eb + ";");
    if (used.contains(e.name())) w.line("const long long " + ei + " = e0 + i % " + eb + ";");
    w.line("Ss[i] = " + ex0.emit(state.init()).asFloat() + ";");
    w.close("}");
    w.open("for (long long t0 = 0; t0 < " + tx + "LL; t0 += " + c + ") {");
    w.line("const int n = (int)tsr_min(" + c + "LL, " + tx + "LL - t0);");
    w.line("__syncthreads();  // the previous chunk is done with every buffer");
    loads(w, idx, dx, lw, decayed);
    w.line("__syncthreads();");
    if (decayed) {
      w.line("for (int x = tid; x < " + lw + "; x += " + threads + ") {");
      w.line("  for (int i = 1; i < n; ++i) {");
      w.line("    Ls[i * " + lw + " + x] += Ls[(i - 1) * " + lw + " + x];");
      w.line("    Gs[i * " + lw + " + x] *= Gs[(i - 1) * " + lw + " + x];");
      w.line("  }");
      w.line("}");
      w.line("__syncthreads();");
    }
    scores(w, dx, lw, decayed);
    w.line("__syncthreads();");
    if (decayed) {
      rescale(w, dx, lw);
      w.line("__syncthreads();");
    }
    outputs(w, idx, dx, ex);
    w.line("__syncthreads();  // every output has read the state before it moves on");
    update(w, dx, lw, decayed);
    w.close("}");
  }

  /** Declares the batch indices of this block's point and returns the C names of every index. */
  private Map<String, String> batchIndices(CodeWriter w) {
    Map<String, String> idx = layout.decode(w, batch, "bpt");
    w.line("(void)bpt;");
    return idx;
  }

  private void loop(CodeWriter w, long count) {
    w.open("for (int i = tid; i < " + count + "; i += " + threads + ") {");
  }

  /** The chunk's Q, K (zero past its end), the V slice and the per-step log-decays and signs. */
  private void loads(CodeWriter w, Map<String, String> idx, long dx, long lw, boolean decayed) {
    String t = r.scan().step().name();
    Map<String, String> qIdx = new LinkedHashMap<>();
    readoutNames.forEach((from, to) -> qIdx.put(from, idx.get(to)));
    qIdx.put(t, Names.index(t));
    CudaExpr ex = new CudaExpr(layout, idx, null);
    String qv = new CudaExpr(layout, qIdx, null).emit(q).asFloat();
    loop(w, chunk * dx);
    w.line("const int j = i / " + dx + ";");
    declare(w, List.of(k, q), Map.of(t, "t0 + j", d.name(), "i % " + dx));
    w.line("Ks[i] = j < n ? " + ex.emit(k).asFloat() + " : 0.0f;");
    w.line("Qs[i] = j < n ? " + qv + " : 0.0f;");
    w.close("}");
    loop(w, (long) chunk * eb);
    w.line("const int j = i / " + eb + ";");
    declare(w, List.of(v), Map.of(t, "t0 + j", e.name(), "e0 + i % " + eb));
    w.line("Vs[i] = j < n && e0 + i % " + eb + " < " + layout.extent(e.extent()) + "LL ? " + ex.emit(v).asFloat() + " : 0.0f;");
    w.close("}");
    if (!decayed) return;
    loop(w, chunk * lw);
    w.line("const int j = i / " + lw + ";");
    declare(w, List.of(r.decay()), Map.of(t, "t0 + j", d.name(), "i % " + lw));
    w.line("const float dec = j < n ? " + ex.emit(r.decay()).asFloat() + " : 1.0f;");
    w.line("Ls[i] = fmaxf(logf(fabsf(dec)), -80.0f);");
    w.line("Gs[i] = dec < 0.0f ? -1.0f : 1.0f;");
    w.close("}");
  }

  /** Declares, in a fixed order, the indices among {@code values} that the expressions use (Q's under the readout's names). */
  private void declare(CodeWriter w, List<Expr> exprs, Map<String, String> values) {
    List<String> used = new ArrayList<>();
    for (Expr x : exprs) {
      for (String n : Exprs.indices(x)) used.add(x == q ? readoutNames.getOrDefault(n, n) : n);
    }
    for (String n : List.of(r.scan().step().name(), d.name(), e.name())) {
      if (values.containsKey(n) && used.contains(n)) w.line("const long long " + Names.index(n) + " = " + values.get(n) + ";");
    }
  }

  /** A[i, j] for j <= i < n: the decay factor outside the dot product for a scalar decay, inside per channel. */
  private void scores(CodeWriter w, long dx, long lw, boolean decayed) {
    int c = chunk;
    loop(w, (long) c * c);
    w.line("const int qi = i / " + c + ", kj = i % " + c + ";");
    w.line("float sc = 0.0f;");
    w.open("if (kj <= qi && qi < n) {");
    w.open("for (int x = 0; x < " + dx + "; ++x) {");
    if (r.decayKind() == Op.DecayKind.PER_CHANNEL) {
      w.line("const float f = Gs[qi * " + lw + " + x] * Gs[kj * " + lw + " + x] * expf(Ls[qi * " + lw + " + x] - Ls[kj * " + lw + " + x]);");
      w.line("sc = fmaf(Qs[qi * " + dx + " + x] * Ks[kj * " + dx + " + x], f, sc);");
    } else {
      w.line("sc = fmaf(Qs[qi * " + dx + " + x], Ks[kj * " + dx + " + x], sc);");
    }
    w.close("}");
    if (decayed && r.decayKind() != Op.DecayKind.PER_CHANNEL) w.line("sc *= Gs[qi] * Gs[kj] * expf(Ls[qi] - Ls[kj]);");
    w.close("}");
    w.line("As[i] = sc;");
    w.close("}");
  }

  /** Folds the decays into Q (from the chunk's start) and K (to its end). */
  private void rescale(CodeWriter w, long dx, long lw) {
    loop(w, chunk * dx);
    w.line("const int j = i / " + dx + ";");
    w.line("const int l = (" + (lw == 1 ? "0" : "i % " + dx) + ");");
    w.line("const int last = (n - 1) * " + lw + " + l, at = j * " + lw + " + l;");
    w.line("Qs[i] *= Gs[at] * expf(Ls[at]);");
    w.line("Ks[i] *= Gs[last] * Gs[at] * expf(Ls[last] - Ls[at]);");
    w.close("}");
  }

  /** o_i = (σ e^L q)_i · S + Σ_{j <= i} A[i, j] v_j, for the block's columns. */
  private void outputs(CodeWriter w, Map<String, String> idx, long dx, long ex) {
    String ti = Names.index(r.scan().step().name());
    String ei = Names.index(e.name());
    Map<String, String> rIdx = new LinkedHashMap<>();
    readoutNames.forEach((from, to) -> rIdx.put(from, idx.get(to)));
    rIdx.put(r.scan().step().name(), ti);
    for (IndexVar iv : readout.indices()) rIdx.putIfAbsent(iv.name(), idx.get(iv.name()));
    List<Expr> outSubs = readout.indices().stream().map(iv -> (Expr) iv.ref()).toList();
    String off = new CudaExpr(layout, rIdx, null).offset(readout.out(), outSubs);
    loop(w, (long) chunk * eb);
    w.line("const int j = i / " + eb + ", y = i % " + eb + ";");
    w.line("const long long " + ti + " = t0 + j, " + ei + " = e0 + y;");
    w.line("if (j >= n || " + ei + " >= " + ex + "LL) continue;");
    w.line("float acc = 0.0f;");
    w.line("for (int x = 0; x < " + dx + "; ++x) acc = fmaf(Qs[j * " + dx + " + x], Ss[x * " + eb + " + y], acc);");
    w.line("for (int kj = 0; kj <= j; ++kj) acc = fmaf(As[j * " + chunk + " + kj], Vs[kj * " + eb + " + y], acc);");
    w.line(Names.param(readout.out()) + "[" + off + "] = " + layout.buffer(readout.out()).type().store("acc") + ";");
    w.close("}");
  }

  /** S = σ_last e^{L_last} S + Kᵀ V over the chunk's steps (K already carries its decay to the chunk's end). */
  private void update(CodeWriter w, long dx, long lw, boolean decayed) {
    loop(w, dx * eb);
    w.line("const int x = i / " + eb + ", y = i % " + eb + ";");
    String carry = decayed ? "Gs[(n - 1) * " + lw + " + " + (lw == 1 ? "0" : "x") + "] * expf(Ls[(n - 1) * " + lw + " + "
        + (lw == 1 ? "0" : "x") + "])" : "1.0f";
    w.line("float acc = Ss[i] * " + carry + ";");
    w.line("for (int j = 0; j < n; ++j) acc = fmaf(Ks[j * " + dx + " + x], Vs[j * " + eb + " + y], acc);");
    w.line("Ss[i] = acc;");
    w.close("}");
  }
}
