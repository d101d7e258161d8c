package dev.tessera.cpu;

import dev.tessera.cpu.IntervalEval.Iv;
import dev.tessera.cpu.kernels.MatMul;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Extents;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Runs a fused attention template FlashAttention-style: for each (batch, block of query rows) a
 * worker keeps a Q tile, an output accumulator and the normalizer's per-row state, and streams key
 * blocks through: S = Q·Kᵀ, generated modifiers and mask, the normalizer's step, O = O·rescale + P·V.
 * The M×N score matrix never exists; memory per worker is O(blockM·blockN + blockM·E) (plus
 * O(blockM·N) for normalizers that need the whole row). Key blocks whose mask is empty are skipped
 * and fully visible ones run without mask code. When there are too few (batch, row-block) items to
 * fill the workers, keys are split and the partial states merged with the normalizer's combine.
 */
final class FlashExecutor {
  private final GeneratedKernel gen;
  private final ForkJoinPool pool;
  private final int threads;
  /** {@code -Dtessera.cpu.vector=false} forces the scalar micro-kernels even where the Vector API is present. */
  private final PackedKv.Pool packs;
  private final MatMul mm = Boolean.parseBoolean(System.getProperty("tessera.cpu.vector", "true")) ? MatMul.best() : MatMul.scalar();

  FlashExecutor(GeneratedKernel gen, ForkJoinPool pool, int threads) {
    this.gen = gen;
    this.pool = pool;
    this.threads = threads;
    this.packs = new PackedKv.Pool(4 * threads + 4);
  }

  /** One run's view of the tensors. */
  record Tensors(float[][] t, int[][] st, int[] dv, Map<String, Long> dims, Slots slots, IntervalEval intervals) {}

  void run(FlashSpec f, Tensors ts) {
    int mExt = Extents.extent(f.mExtent(), ts.dims());
    int nExt = Extents.extent(f.nExtent(), ts.dims());
    int[] bExt = f.batchExtents().stream().mapToInt(e -> Extents.extent(e, ts.dims())).toArray();
    List<int[]> batches = tuples(bExt);
    int rowBlocks = (mExt + f.blockM() - 1) / f.blockM();
    int keyBlocks = (nExt + f.blockN() - 1) / f.blockN();
    int items = batches.size() * rowBlocks;
    int splits = 1;
    boolean canSplit = f.passes() == 1 && (f.normalizer() < 0 || f.combinable());
    if (canSplit && items < 2 * threads && keyBlocks > 1) {
      splits = Math.min(keyBlocks, f.splitKv() > 0 ? f.splitKv() : Math.max(2, 2 * threads / Math.max(1, items)));
    }
    Shape shape = new Shape(mExt, nExt, Extents.extent(f.dExtent(), ts.dims()), Extents.extent(f.eExtent(), ts.dims()));
    // With several row blocks per batch entry, K and V are packed once for all of them (and for
    // every entry that reads the same K and V, as the query heads of a GQA group do).
    boolean share = rowBlocks > 1 && mm.packs(Math.min(f.blockM(), mExt));
    Map<List<Integer>, List<int[]>> groups = new LinkedHashMap<>();
    for (int[] b : batches) {
      List<Integer> key = share ? List.of(addressing(f.batch(), f.k(), ts, b)[0], addressing(f.batch(), f.v(), ts, b)[0]) : List.of(groups.size());
      groups.computeIfAbsent(key, x -> new ArrayList<>()).add(b);
    }
    int s = splits;
    List<RecursiveAction> tasks = new ArrayList<>();
    for (List<int[]> entries : groups.values()) {
      tasks.add(action(() -> group(f, ts, shape, entries, rowBlocks, keyBlocks, s, share)));
    }
    pool.invoke(action(() -> RecursiveAction.invokeAll(tasks)));
  }

  /** The row blocks of batch entries that read the same K and V, after packing those once when {@code share}. */
  private void group(FlashSpec f, Tensors ts, Shape sh, List<int[]> entries, int rowBlocks, int keyBlocks, int splits, boolean share) {
    int[] first = entries.get(0);
    // Unmasked online softmax with whole 8-row tiles: every block runs in ColumnSoftmax, which reads its own K panels.
    boolean rowPanels = !(f.columns() && f.unmasked() && FlashSpec.columnRows(f.blockM()) && FlashSpec.columnRows(sh.m() % f.blockM()));
    PackedKv kv = share ? PackedKv.pack(mm, f, ts, sh, addressing(f.batch(), f.k(), ts, first), addressing(f.batch(), f.v(), ts, first), rowPanels, packs) : null;
    List<RecursiveAction> tasks = new ArrayList<>();
    for (int[] b : entries) {
      for (int rb = 0; rb < rowBlocks; rb++) {
        int m0 = rb * f.blockM();
        int rows = Math.min(f.blockM(), sh.m() - m0);
        tasks.add(action(() -> block(f, ts, sh, b, m0, rows, keyBlocks, splits, kv)));
      }
    }
    RecursiveAction.invokeAll(tasks);
    if (kv != null) kv.release(packs);
  }

  /** Sizes of one run. */
  record Shape(int m, int n, int d, int e) {}

  private static RecursiveAction action(Runnable r) {
    return new RecursiveAction() {
      @Override
      protected void compute() {
        r.run();
      }
    };
  }

  static List<int[]> tuples(int[] ext) {
    List<int[]> out = new ArrayList<>();
    int[] at = new int[ext.length];
    for (int e : ext) if (e == 0) return out;
    while (true) {
      out.add(at.clone());
      int i = ext.length - 1;
      while (i >= 0) {
        if (++at[i] < ext[i]) break;
        at[i] = 0;
        i--;
      }
      if (i < 0) return out;
    }
  }

  /** One (batch, row block): its key range split into {@code splits} partial runs merged by combine. */
  private void block(FlashSpec f, Tensors ts, Shape sh, int[] batch, int m0, int rows, int keyBlocks, int splits, PackedKv kv) {
    if (splits == 1) {
      Partial p = new Partial(f, sh, rows);
      p.run(this, ts, batch, m0, 0, keyBlocks, kv);
      p.store(this, ts, batch, m0);
      return;
    }
    List<Partial> parts = new ArrayList<>();
    List<RecursiveAction> tasks = new ArrayList<>();
    for (int s = 0; s < splits; s++) {
      int nb0 = (int) ((long) keyBlocks * s / splits);
      int nb1 = (int) ((long) keyBlocks * (s + 1) / splits);
      Partial p = new Partial(f, sh, rows);
      parts.add(p);
      tasks.add(action(() -> p.run(this, ts, batch, m0, nb0, nb1, kv)));
    }
    RecursiveAction.invokeAll(tasks);
    Partial acc = parts.get(0);
    for (int s = 1; s < splits; s++) acc.merge(this, parts.get(s));
    acc.store(this, ts, batch, m0);
  }

  GeneratedKernel gen() {
    return gen;
  }

  MatMul mm() {
    return mm;
  }

  /** The flat offset of {@code a}'s element at (row, col) for the batch tuple, and its row and column strides. */
  static int[] addressing(List<String> batchNames, FlashSpec.Access a, Tensors ts, int[] batch) {
    Map<String, Iv> env = new HashMap<>();
    for (int i = 0; i < batch.length; i++) env.put(batchNames.get(i), Iv.point(batch[i]));
    env.put(a.row(), Iv.point(0));
    env.put(a.col(), Iv.point(0));
    int slot = ts.slots().tensor(a.tensor());
    int[] st = ts.st()[slot];
    int base = 0;
    for (int i = 0; i < a.subs().size(); i++) base += ts.intervals().point(a.subs().get(i), env) * st[i];
    return new int[] {base, st[a.rowPos()], st[a.colPos()], slot};
  }

  /** FULL, EMPTY or PARTIAL for a tile, from the masks' ranges over its box of indices. */
  enum Coverage { FULL, EMPTY, PARTIAL }

  static Coverage coverage(FlashSpec f, Tensors ts, int[] batch, int m0, int rows, int n0, int cols) {
    if (f.unmasked()) return Coverage.FULL;
    Map<String, Iv> env = new HashMap<>();
    for (int i = 0; i < batch.length; i++) env.put(f.batch().get(i), Iv.point(batch[i]));
    env.put(f.m(), new Iv(m0, m0 + rows - 1));
    env.put(f.n(), new Iv(n0, n0 + cols - 1));
    boolean full = true;
    List<Expr> mods = f.modifierMasks();
    for (int i = 0; i < mods.size(); i++) {
      Expr mask = mods.get(i);
      if (mask == null) continue;
      Iv v = ts.intervals().eval(mask, env);
      boolean last = i == mods.size() - 1;
      if (last && f.normalizer() < 0 && v.hi() == 0) return Coverage.EMPTY;
      full &= v.lo() == 1;
    }
    if (f.normalizeMask() != null) {
      Iv v = ts.intervals().eval(f.normalizeMask(), env);
      if (v.hi() == 0) return Coverage.EMPTY;
      full &= v.lo() == 1;
    }
    return full ? Coverage.FULL : Coverage.PARTIAL;
  }

}
