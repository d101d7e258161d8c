package dev.tessera.cpu;

import dev.tessera.cpu.FlashExecutor.Coverage;
import dev.tessera.cpu.FlashExecutor.Shape;
import dev.tessera.cpu.FlashExecutor.Tensors;
import dev.tessera.cpu.kernels.ColumnSoftmax;
import dev.tessera.cpu.kernels.MatMul;

/**
 * One worker's share of a fused attention: a block of query rows against a range of key blocks. It
 * holds the output accumulator, the normalizer state per row and which rows saw a visible key;
 * partial results over disjoint key ranges merge with the normalizer's combine.
 */
final class Partial {
  private final FlashSpec f;
  private final Shape sh;
  private final int rows;
  private final float[] acc;
  private final float[] state;
  private final boolean[] seen;
  private final float[] rescale;

  Partial(FlashSpec f, Shape sh, int rows) {
    this.f = f;
    this.sh = sh;
    this.rows = rows;
    this.acc = new float[rows * sh.e()];
    this.state = new float[Math.max(1, f.stateVars()) * rows];
    this.seen = new boolean[rows];
    this.rescale = new float[rows];
  }

  private static final ThreadLocal<Partial> REUSED = new ThreadLocal<>();

  /**
   * A partial for an item that this thread runs and stores before it asks for the next: the
   * thread's previous one when it has the same spec, shape and rows, cleared, so the accumulator
   * stays in cache instead of being allocated (and zeroed in fresh memory) per block of rows.
   */
  static Partial reused(FlashSpec f, Shape sh, int rows) {
    Partial p = REUSED.get();
    if (p == null || p.f != f || p.rows != rows || !p.sh.equals(sh)) {
      p = new Partial(f, sh, rows);
      REUSED.set(p);
      return p;
    }
    java.util.Arrays.fill(p.acc, 0f);
    java.util.Arrays.fill(p.seen, false);
    java.util.Arrays.fill(p.state, 0f);
    return p;
  }

  /** A matrix operand: array, offset of element (0, 0), leading dimension. */
  record Panel(float[] a, int off, int ld) {}

  /**
   * Rows [r0, r0 + count) × columns [0, width) of a matrix addressed by {@code a} (from
   * {@link FlashExecutor#addressing}), copied only when columns are not contiguous.
   */
  static Panel panel(int[] a, Tensors ts, int r0, int count, int width, float[] buf) {
    float[] src = ts.t()[a[3]];
    if (a[2] == 1) return new Panel(src, a[0] + r0 * a[1], a[1]);
    if (buf == null) buf = new float[count * width];
    for (int r = 0; r < count; r++) {
      int base = a[0] + (r0 + r) * a[1];
      for (int c = 0; c < width; c++) buf[r * width + c] = src[base + c * a[2]];
    }
    return new Panel(buf, 0, width);
  }

  /** Runs key blocks [nb0, nb1) on this partial's rows; {@code kv}, when not null, holds K and V packed. */
  void run(FlashExecutor ex, Tensors ts, int[] batch, int m0, int nb0, int nb1, PackedKv kv) {
    GeneratedKernel gen = ex.gen();
    MatMul mm = ex.mm();
    int bn = f.blockN();
    int[] qa = FlashExecutor.addressing(f.batch(), f.q(), ts, batch);
    int[] ka = FlashExecutor.addressing(f.batch(), f.k(), ts, batch);
    int[] va = FlashExecutor.addressing(f.batch(), f.v(), ts, batch);
    Panel q = panel(qa, ts, m0, rows, sh.d(), null);
    boolean norm = f.normalizer() >= 0;
    Keys keys = new Keys(ka, va, kv);
    if (norm) gen.normInit(f.normalizer(), state, rows, rows);
    if (f.passes() == 3) {
      wholeRow(ex, ts, batch, m0, nb0, nb1, q, keys);
      return;
    }
    // Scores and the step's scratch rows are overwritten before they are read: one pair per thread.
    Work w = WORK.get();
    float[] s = w.scores(rows * bn);
    byte[] vis = null;
    float[] scratch = w.scratch(Math.max(1, f.scratchRows()) * bn);
    float[] frozen = f.passes() == 2 ? new float[state.length] : null;
    float alpha = (float) dev.tessera.ir.Extents.eval(f.alpha(), ts.dims());
    Columns columns = new Columns(w);
    for (int pass = f.passes() == 2 ? 0 : 1; pass <= 1; pass++) {
      if (pass == 1 && frozen != null) System.arraycopy(state, 0, frozen, 0, state.length);
      for (int nb = nb0; nb < nb1; nb++) {
        int n0 = nb * bn;
        int cols = Math.min(bn, sh.n() - n0);
        Coverage cov = FlashExecutor.coverage(f, ts, batch, m0, rows, n0, cols);
        if (cov == Coverage.EMPTY) continue;
        boolean full = cov == Coverage.FULL;
        if (full && frozen == null && columns.usable(kv)) {
          columns.block(q, kv, nb, cols, alpha);
          continue;
        }
        keys.scores(mm, ts, q, nb, cols, s, alpha);
        if (vis == null) vis = new byte[rows * bn];
        if (!f.tileIsIdentity() && !(full && f.tileIsIdentityWhenFull())) gen.tile(f.tile(), s, bn, rows, cols, vis, ts.t(), ts.st(), ts.dv(), batch, m0, n0, full);
        byte[] v = f.normalizeMask() != null && !full ? vis : null;
        if (norm) {
          if (frozen == null) {
            gen.normStep(f.normalizer(), s, 0, bn, rows, cols, v, state, rows, rescale, scratch);
            mm.scaleRows(acc, 0, sh.e(), rows, sh.e(), rescale, 0);
          } else {
            float[] target = pass == 0 ? state : frozen.clone();
            gen.normStep(f.normalizer(), s, 0, bn, rows, cols, v, target, rows, rescale, scratch);
          }
          markSeen(v, bn, cols);
        }
        if (pass == 1) keys.aggregate(mm, ts, s, 0, bn, nb, cols, acc);
      }
    }
  }

  /**
   * Fully visible key blocks of an online softmax, run by ColumnSoftmax: Q packed once for all of
   * them, the scores transposed, the softmax step down columns, P·V from the transposed weights.
   * Its state and rescale factors are the generated step's, so blocks of either kind can follow
   * each other in one row.
   */
  private final class Columns {
    private final Work w;
    private float[] qp;

    Columns(Work w) {
      this.w = w;
    }

    boolean usable(PackedKv kv) {
      return kv != null && kv.kColumns() != null && FlashSpec.columnRows(rows);
    }

    void block(Panel q, PackedKv kv, int nb, int cols, float alpha) {
      if (qp == null) {
        qp = w.queries(ColumnSoftmax.queriesSize(rows, sh.d()));
        ColumnSoftmax.packQueries(q.a(), q.off(), q.ld(), rows, sh.d(), alpha, qp);
      }
      float[] st = w.scores(ColumnSoftmax.scoresSize(cols, rows));
      ColumnSoftmax.scores(kv.kColumns(), kv.kColumnsOffset(nb), cols, qp, rows, sh.d(), st);
      ColumnSoftmax.softmax(st, cols, rows, state, rows, rescale);
      markSeen(null, 0, cols);
      ColumnSoftmax.aggregate(st, cols, rows, kv.v(), kv.vOffset(nb), sh.e(), acc, rescale);
    }
  }

  private static final ThreadLocal<Work> WORK = ThreadLocal.withInitial(Work::new);

  /** A worker thread's score tile and normalizer scratch, grown as needed and reused by every block it runs. */
  private static final class Work {
    private float[] scores = new float[0];
    private float[] scratch = new float[0];
    private float[] queries = new float[0];

    float[] queries(int n) {
      if (queries.length < n) queries = new float[n];
      return queries;
    }

    float[] scores(int n) {
      if (scores.length < n) scores = new float[n];
      return scores;
    }

    float[] scratch(int n) {
      if (scratch.length < n) scratch = new float[n];
      return scratch;
    }
  }

  /** Where key block nb's K and V come from: packed once per batch entry when {@code kv} is set, else read (and packed) per block. */
  private final class Keys {
    private final int[] ka;
    private final int[] va;
    /** Copies of one key block's K and V rows, made only when their columns are not contiguous. */
    private float[] kBuf;
    private float[] vBuf;
    private final PackedKv kv;

    Keys(int[] ka, int[] va, PackedKv kv) {
      this.ka = ka;
      this.va = va;
      this.kv = kv;
    }

    /** s[rows × cols] (leading dimension blockN) = alpha · Q · Kᵀ over key block nb. */
    void scores(MatMul mm, Tensors ts, Panel q, int nb, int cols, float[] s, float alpha) {
      if (kv != null && kv.k() != null) {
        mm.gemmPacked(q.a(), q.off(), q.ld(), kv.k(), kv.kOffset(nb), s, 0, f.blockN(), rows, cols, sh.d(), alpha, false);
        return;
      }
      if (kBuf == null && ka[2] != 1) kBuf = new float[f.blockN() * sh.d()];
      Panel k = panel(ka, ts, nb * f.blockN(), cols, sh.d(), kBuf);
      mm.abt(q.a(), q.off(), q.ld(), k.a(), k.off(), k.ld(), s, 0, f.blockN(), rows, cols, sh.d(), alpha, false);
    }

    /** acc += P · V over key block nb, P being rows × cols at p[pOff ..] with leading dimension ld. */
    void aggregate(MatMul mm, Tensors ts, float[] p, int pOff, int ld, int nb, int cols, float[] acc) {
      if (kv != null) {
        mm.gemmPacked(p, pOff, ld, kv.v(), kv.vOffset(nb), acc, 0, sh.e(), rows, sh.e(), cols, 1f, true);
        return;
      }
      if (vBuf == null && va[2] != 1) vBuf = new float[f.blockN() * sh.e()];
      Panel v = panel(va, ts, nb * f.blockN(), cols, sh.e(), vBuf);
      mm.ab(p, pOff, ld, v.a(), v.off(), v.ld(), acc, 0, sh.e(), rows, sh.e(), cols, true);
    }
  }

  private void markSeen(byte[] vis, int ld, int cols) {
    for (int r = 0; r < rows; r++) {
      if (seen[r]) continue;
      if (vis == null) {
        seen[r] = true;
        continue;
      }
      for (int c = 0; c < cols && !seen[r]; c++) seen[r] = vis[r * ld + c] != 0;
    }
  }

  /** Normalizers that need the whole row: scores of all key blocks are kept (O(blockM · N)), then one step. */
  private void wholeRow(FlashExecutor ex, Tensors ts, int[] batch, int m0, int nb0, int nb1, Panel q, Keys keys) {
    GeneratedKernel gen = ex.gen();
    MatMul mm = ex.mm();
    int bn = f.blockN();
    int n = sh.n();
    float[] row = new float[rows * n];
    byte[] rowVis = new byte[rows * n];
    float[] s = new float[rows * bn];
    byte[] vis = new byte[rows * bn];
    for (int nb = nb0; nb < nb1; nb++) {
      int n0 = nb * bn;
      int cols = Math.min(bn, n - n0);
      Coverage cov = FlashExecutor.coverage(f, ts, batch, m0, rows, n0, cols);
      if (cov == Coverage.EMPTY) continue;
      keys.scores(mm, ts, q, nb, cols, s, (float) dev.tessera.ir.Extents.eval(f.alpha(), ts.dims()));
      gen.tile(f.tile(), s, bn, rows, cols, vis, ts.t(), ts.st(), ts.dv(), batch, m0, n0, cov == Coverage.FULL);
      for (int r = 0; r < rows; r++) {
        System.arraycopy(s, r * bn, row, r * n + n0, cols);
        for (int c = 0; c < cols; c++) rowVis[r * n + n0 + c] = f.normalizeMask() == null || cov == Coverage.FULL ? 1 : vis[r * bn + c];
      }
    }
    gen.normStep(f.normalizer(), row, 0, n, rows, n, rowVis, state, rows, rescale, new float[Math.max(1, f.scratchRows()) * n]);
    markSeen(rowVis, n, n);
    for (int nb = nb0; nb < nb1; nb++) {
      int n0 = nb * bn;
      int cols = Math.min(bn, n - n0);
      keys.aggregate(mm, ts, row, n0, n, nb, cols, acc);
    }
  }

  /** Folds {@code other} (a later key range of the same rows) into this partial. */
  void merge(FlashExecutor ex, Partial other) {
    int e = sh.e();
    if (f.normalizer() < 0) {
      for (int i = 0; i < acc.length; i++) acc[i] += other.acc[i];
      return;
    }
    float[] merged = state.clone();
    float[] wa = new float[rows];
    float[] wb = new float[rows];
    ex.gen().normCombine(f.normalizer(), merged, other.state, rows, rows, wa, wb);
    for (int r = 0; r < rows; r++) {
      if (!other.seen[r]) continue;
      boolean both = seen[r];
      for (int c = 0; c < e; c++) {
        acc[r * e + c] = both ? wa[r] * acc[r * e + c] + wb[r] * other.acc[r * e + c] : other.acc[r * e + c];
      }
      for (int k = 0; k < f.stateVars(); k++) state[k * rows + r] = both ? merged[k * rows + r] : other.state[k * rows + r];
      seen[r] = true;
    }
  }

  /** Applies the normalizer's finish (rows that saw no visible key are zero) and writes the output rows. */
  void store(FlashExecutor ex, Tensors ts, int[] batch, int m0) {
    float[] factors = new float[rows];
    if (f.normalizer() >= 0) {
      ex.gen().normFinish(f.normalizer(), state, rows, rows, factors);
      for (int r = 0; r < rows; r++) if (!seen[r]) factors[r] = 0;
    } else {
      java.util.Arrays.fill(factors, 1f);
    }
    int[] a = FlashExecutor.addressing(f.batch(), f.out(), ts, batch);
    float[] out = ts.t()[a[3]];
    int e = sh.e();
    int cs = a[2];
    // Contiguous rows: one vector loop per row. A single row's stride is irrelevant, and may be
    // smaller than E (an output laid out [.., E, M] with M = 1).
    int ld = rows == 1 ? e : a[1];
    if (cs == 1 && ld >= e) {
      ex.mm().scaleRowsInto(acc, 0, e, out, a[0] + m0 * a[1], ld, rows, e, factors, 0);
      return;
    }
    for (int r = 0; r < rows; r++) {
      int base = a[0] + (m0 + r) * a[1];
      float fr = factors[r];
      for (int c = 0; c < e; c++) out[base + c * cs] = acc[r * e + c] * fr;
    }
  }
}
