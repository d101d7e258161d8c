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
import java.util.concurrent.atomic.AtomicInteger;

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
  private final Workers workers;
  /** {@code -Dtessera.cpu.vector=false} forces the scalar micro-kernels even where the Vector API is present. */
  private final PackedKv.Pool packs;
  private final MatMul mm = Boolean.parseBoolean(System.getProperty("tessera.cpu.vector", "true")) ? MatMul.best() : MatMul.scalar();

  FlashExecutor(GeneratedKernel gen, Workers workers) {
    this.gen = gen;
    this.workers = workers;
    this.packs = new PackedKv.Pool(4 * workers.threads() + 4);
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
    int count = batches.size() * rowBlocks;
    int splits = 1;
    boolean canSplit = f.passes() == 1 && (f.normalizer() < 0 || f.combinable());
    if (canSplit && count < 2 * workers.threads() && keyBlocks > 1) {
      splits = Math.min(keyBlocks, f.splitKv() > 0 ? f.splitKv() : Math.max(2, 2 * workers.threads() / Math.max(1, count)));
    }
    Shape shape = new Shape(mExt, nExt, Extents.extent(f.dExtent(), ts.dims()), Extents.extent(f.eExtent(), ts.dims()));
    // With several row blocks per batch entry, K and V are packed once for all of them (and for
    // every entry that reads the same K and V, as the query heads of a GQA group do).
    boolean share = rowBlocks > 1 && mm.packs(Math.min(f.blockM(), mExt));
    Map<List<Integer>, List<int[]>> byKv = new LinkedHashMap<>();
    for (int[] b : batches) {
      List<Integer> key = share ? List.of(addressing(f.batch(), f.k(), ts, b)[0], addressing(f.batch(), f.v(), ts, b)[0]) : List.of(byKv.size());
      byKv.computeIfAbsent(key, x -> new ArrayList<>()).add(b);
    }
    List<Item> items = items(f, ts, shape, byKv.values(), rowBlocks, splits, share);
    int s = splits;
    if (s == 1) {
      workers.forEach(items.size(), i -> {
        Item it = items.get(i);
        Partial p = Partial.reused(f, shape, it.rows());
        run(it, p, ts, 0, keyBlocks);
        p.store(this, ts, it.batch(), it.m0());
      });
      return;
    }
    Partial[] parts = new Partial[items.size() * s];
    workers.forEach(parts.length, i -> {
      Item it = items.get(i / s);
      int part = i % s;
      int nb0 = (int) ((long) keyBlocks * part / s);
      int nb1 = (int) ((long) keyBlocks * (part + 1) / s);
      Partial p = new Partial(f, shape, it.rows());
      run(it, p, ts, nb0, nb1);
      parts[i] = p;
    });
    workers.forEach(items.size(), i -> {
      Item it = items.get(i);
      Partial acc = parts[i * s];
      for (int part = 1; part < s; part++) acc.merge(this, parts[i * s + part]);
      acc.store(this, ts, it.batch(), it.m0());
    });
  }

  /** Key blocks [nb0, nb1) of {@code it} into {@code p}; then the item's group may give back its packed K and V. */
  private void run(Item it, Partial p, Tensors ts, int nb0, int nb1) {
    try {
      p.run(this, ts, it.batch(), it.m0(), nb0, nb1, it.group().kv());
    } finally {
      it.group().done();
    }
  }

  /**
   * The run's work, one item per (batch entry, row block), in waves of {@code threads}
   * groups whose items alternate: each thread starts on a different group, packs its K and V, and
   * mostly stays with it, and at most about 2·threads groups hold packed K and V at a time.
   */
  private List<Item> items(FlashSpec f, Tensors ts, Shape sh, java.util.Collection<List<int[]>> byKv, int rowBlocks, int splits, boolean share) {
    List<List<Item>> perGroup = new ArrayList<>();
    for (List<int[]> entries : byKv) {
      Group g = new Group(f, ts, sh, entries.get(0), share, entries.size() * rowBlocks * splits);
      List<Item> mine = new ArrayList<>();
      for (int[] b : entries) {
        for (int rb = 0; rb < rowBlocks; rb++) {
          int m0 = rb * f.blockM();
          mine.add(new Item(g, b, m0, Math.min(f.blockM(), sh.m() - m0)));
        }
      }
      perGroup.add(mine);
    }
    List<Item> out = new ArrayList<>();
    int wave = Math.max(1, workers.threads());
    for (int g0 = 0; g0 < perGroup.size(); g0 += wave) {
      List<List<Item>> w = perGroup.subList(g0, Math.min(perGroup.size(), g0 + wave));
      int longest = w.stream().mapToInt(List::size).max().orElse(0);
      for (int i = 0; i < longest; i++) {
        for (List<Item> mine : w) if (i < mine.size()) out.add(mine.get(i));
      }
    }
    return out;
  }

  /** One block of query rows of one batch entry. */
  private record Item(Group group, int[] batch, int m0, int rows) {}

  /**
   * Batch entries that read the same K and V. The first item to need them packs them (the others
   * wait, briefly: packing a block of keys takes microseconds); the last to finish returns the
   * buffers to the pool.
   */
  private final class Group {
    private final FlashSpec f;
    private final Tensors ts;
    private final Shape sh;
    private final int[] first;
    private final boolean share;
    private final AtomicInteger state = new AtomicInteger();
    private final AtomicInteger remaining;
    private volatile PackedKv kv;

    Group(FlashSpec f, Tensors ts, Shape sh, int[] first, boolean share, int uses) {
      this.f = f;
      this.ts = ts;
      this.sh = sh;
      this.first = first;
      this.share = share;
      this.remaining = new AtomicInteger(uses);
    }

    /** K and V packed, or null when this run reads them in place. */
    PackedKv kv() {
      if (!share) return null;
      while (true) {
        int st = state.get();
        if (st == 2) return kv;
        if (st == 0 && state.compareAndSet(0, 1)) {
          try {
            // Unmasked online softmax with whole 8-row tiles: every block runs in ColumnSoftmax, which reads its own K panels.
            boolean rowPanels = !(f.columns() && f.unmasked() && FlashSpec.columnRows(f.blockM()) && FlashSpec.columnRows(sh.m() % f.blockM()));
            kv = PackedKv.pack(mm, f, ts, sh, addressing(f.batch(), f.k(), ts, first), addressing(f.batch(), f.v(), ts, first), rowPanels, packs);
          } finally {
            state.set(2);
          }
          return kv;
        }
        // Yield rather than spin: with more threads than processors the packer may be the one waiting for a CPU.
        Thread.yield();
      }
    }

    void done() {
      if (remaining.decrementAndGet() == 0 && kv != null) kv.release(packs);
    }
  }

  /** Sizes of one run. */
  record Shape(int m, int n, int d, int e) {}

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
