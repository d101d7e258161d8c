package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Op;
import dev.tessera.ir.ReduceKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fast kernels for a contraction {@code Σ_k A·B} over one index. GEMM shape (one output index only
 * in A, one only in B): 64×64 output tiles, 16-deep k slices staged in shared memory as f32, 4×4
 * outputs per thread. GEMV shape (one operand has no output index): one warp per output element,
 * lanes striding over k and a shuffle reduction. Operands are addressed through their subscripts,
 * so any layout works; the other output indices are batch indices decoded from the block.
 */
final class EinsumKernel {
  static final int TILE = 64;
  static final int KSLICE = 16;
  static final int THREADS = 256;

  /** Which kernel fits. */
  enum Kind { GEMM, GEMV }

  private final Op.Contract c;
  private final Layout layout;
  private final Kind kind;
  private final IndexVar k;
  private final IndexVar m;
  private final IndexVar n;
  private final Expr.Read a;
  private final Expr.Read b;
  private final List<IndexVar> batch;

  private EinsumKernel(Op.Contract c, Layout layout, Kind kind, IndexVar m, IndexVar n, Expr.Read a, Expr.Read b, List<IndexVar> batch) {
    this.c = c;
    this.layout = layout;
    this.kind = kind;
    this.k = c.reduce().get(0);
    this.m = m;
    this.n = n;
    this.a = a;
    this.b = b;
    this.batch = batch;
  }

  static Optional<EinsumKernel> of(Op.Contract c, Layout layout) {
    if (c.kind() != ReduceKind.SUM || c.reduce().size() != 1 || c.indices().isEmpty()) return Optional.empty();
    if (!(c.body() instanceof Expr.Binary p) || p.op() != Expr.BinOp.MUL || !(p.left() instanceof Expr.Read l)
        || !(p.right() instanceof Expr.Read r)) {
      return Optional.empty();
    }
    String kn = c.reduce().get(0).name();
    if (!Exprs.indices(l).contains(kn) || !Exprs.indices(r).contains(kn)) return Optional.empty();
    List<IndexVar> onlyL = new ArrayList<>();
    List<IndexVar> onlyR = new ArrayList<>();
    for (IndexVar v : c.indices()) {
      boolean inL = Exprs.indices(l).contains(v.name());
      boolean inR = Exprs.indices(r).contains(v.name());
      if (inL && !inR) onlyL.add(v);
      if (inR && !inL) onlyR.add(v);
    }
    if (onlyL.size() == 1 && onlyR.size() == 1) {
      IndexVar m = onlyL.get(0);
      IndexVar n = onlyR.get(0);
      List<IndexVar> batch = c.indices().stream().filter(v -> v != m && v != n).toList();
      return Optional.of(new EinsumKernel(c, layout, Kind.GEMM, m, n, l, r, batch));
    }
    return Optional.of(new EinsumKernel(c, layout, Kind.GEMV, null, null, l, r, c.indices()));
  }

  Kind kind() {
    return kind;
  }

  List<Launch.Param> params() {
    List<Launch.Param> ps = new ArrayList<>();
    ps.add(new Launch.Param(a.tensor(), false));
    if (!b.tensor().equals(a.tensor())) ps.add(new Launch.Param(b.tensor(), false));
    ps.add(new Launch.Param(c.out(), true));
    return ps;
  }

  long grid() {
    if (kind == Kind.GEMV) return Math.max(1, Math.min(Generator.MAX_GRID, (ElementLoop.total(layout, c.indices()) + 7) / 8));
    long g = tiles(m) * tiles(n);
    for (IndexVar v : batch) g *= layout.extent(v.extent());
    return g;
  }

  private long tiles(IndexVar v) {
    return (layout.extent(v.extent()) + TILE - 1) / TILE;
  }

  void body(CodeWriter w) {
    if (kind == Kind.GEMV) {
      gemv(w);
    } else {
      gemm(w);
    }
  }

  private String store(Map<String, String> idx, String value) {
    List<Expr> subs = c.indices().stream().map(v -> (Expr) v.ref()).toList();
    return Names.param(c.out()) + "[" + new CudaExpr(layout, idx, null).offset(c.out(), subs) + "] = "
        + layout.buffer(c.out()).type().store(value) + ";";
  }

  /** One warp per output element: 8 warps per block, grid-stride over the outputs. */
  private void gemv(CodeWriter w) {
    long total = ElementLoop.total(layout, c.indices());
    w.line("const int lane = threadIdx.x & 31;");
    w.open("for (long long lin = (long long)blockIdx.x * 8 + (threadIdx.x >> 5); lin < " + total + "LL; lin += (long long)gridDim.x * 8) {");
    Map<String, String> idx = layout.decode(w, c.indices(), "lin");
    Map<String, String> withK = new LinkedHashMap<>(idx);
    withK.put(k.name(), Names.index(k.name()));
    CudaExpr ex = new CudaExpr(layout, withK, null);
    String kv = Names.index(k.name());
    w.line("float acc = 0.0f;");
    w.open("for (long long " + kv + " = lane; " + kv + " < " + layout.extent(k.extent()) + "LL; " + kv + " += 32) {");
    w.line("acc = fmaf(" + ex.emit(a).asFloat() + ", " + ex.emit(b).asFloat() + ", acc);");
    w.close("}");
    w.line("acc += __shfl_xor_sync(0xffffffffu, acc, 16);");
    w.line("acc += __shfl_xor_sync(0xffffffffu, acc, 8);");
    w.line("acc += __shfl_xor_sync(0xffffffffu, acc, 4);");
    w.line("acc += __shfl_xor_sync(0xffffffffu, acc, 2);");
    w.line("acc += __shfl_xor_sync(0xffffffffu, acc, 1);");
    w.line("if (lane == 0) " + store(idx, "acc"));
    w.close("}");
  }


  private void gemm(CodeWriter w) {
    long mx = layout.extent(m.extent());
    long nx = layout.extent(n.extent());
    long kx = layout.extent(k.extent());
    w.line("__shared__ float As[" + KSLICE + "][" + (TILE + 4) + "];  // A slice, [k][m]");
    w.line("__shared__ float Bs[" + KSLICE + "][" + (TILE + 4) + "];  // B slice, [k][n]");
    w.line("const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;");
    w.line("const long long tn = (long long)blockIdx.x % " + tiles(n) + "LL;");
    w.line("const long long tm = ((long long)blockIdx.x / " + tiles(n) + "LL) % " + tiles(m) + "LL;");
    w.line("const long long bpt = (long long)blockIdx.x / " + tiles(n) * tiles(m) + "LL;");
    w.line("(void)bpt;");
    Map<String, String> idx = layout.decode(w, batch, "bpt");
    w.line("float acc[4][4];");
    w.line("for (int i = 0; i < 4; ++i) for (int j = 0; j < 4; ++j) acc[i][j] = 0.0f;");
    w.open("for (long long k0 = 0; k0 < " + kx + "LL; k0 += " + KSLICE + ") {");
    slice(w, idx, a, m, "As", "tm", mx, kx);
    slice(w, idx, b, n, "Bs", "tn", nx, kx);
    w.line("__syncthreads();");
    w.line("#pragma unroll");
    w.open("for (int kk = 0; kk < " + KSLICE + "; ++kk) {");
    w.line("float ar[4], br[4];");
    w.line("for (int i = 0; i < 4; ++i) ar[i] = As[kk][ty * 4 + i];");
    w.line("for (int j = 0; j < 4; ++j) br[j] = Bs[kk][tx * 4 + j];");
    w.line("for (int i = 0; i < 4; ++i) for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(ar[i], br[j], acc[i][j]);");
    w.close("}");
    w.line("__syncthreads();");
    w.close("}");
    Map<String, String> out = new LinkedHashMap<>(idx);
    out.put(m.name(), Names.index(m.name()));
    out.put(n.name(), Names.index(n.name()));
    w.open("for (int i = 0; i < 4; ++i) {");
    w.open("for (int j = 0; j < 4; ++j) {");
    w.line("const long long " + Names.index(m.name()) + " = tm * " + TILE + "LL + ty * 4 + i;");
    w.line("const long long " + Names.index(n.name()) + " = tn * " + TILE + "LL + tx * 4 + j;");
    w.line("if (" + Names.index(m.name()) + " < " + mx + "LL && " + Names.index(n.name()) + " < " + nx + "LL) " + store(out, "acc[i][j]"));
    w.close("}");
    w.close("}");
  }

  /** Stages the operand's 16×64 slice (k by row) as f32, zero outside the bounds. */
  private void slice(CodeWriter w, Map<String, String> idx, Expr.Read r, IndexVar row, String dst, String tile, long rows, long kx) {
    Map<String, String> names = new LinkedHashMap<>(idx);
    names.put(row.name(), "i_row");
    names.put(k.name(), "i_kk");
    String load = new CudaExpr(layout, names, null).emit(r).asFloat();
    w.open("for (int e = tid; e < " + KSLICE * TILE + "; e += " + THREADS + ") {");
    // Neighbouring threads take neighbouring elements of whichever index is the operand's last (unit-stride) subscript.
    boolean kInner = r.indices().get(r.indices().size() - 1) instanceof Expr.Index x && x.name().equals(k.name());
    w.line(kInner ? "const int kk = e % " + KSLICE + ", rr = e / " + KSLICE + ";" : "const int kk = e / " + TILE + ", rr = e % " + TILE + ";");
    w.line("const long long i_row = " + tile + " * " + TILE + "LL + rr;");
    w.line("const long long i_kk = k0 + kk;");
    w.line(dst + "[kk][rr] = (i_row < " + rows + "LL && i_kk < " + kx + "LL) ? " + load + " : 0.0f;");
    w.close("}");
  }
}
