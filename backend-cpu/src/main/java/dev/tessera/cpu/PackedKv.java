package dev.tessera.cpu;

import dev.tessera.cpu.FlashExecutor.Shape;
import dev.tessera.cpu.FlashExecutor.Tensors;
import dev.tessera.cpu.kernels.ColumnSoftmax;
import dev.tessera.cpu.kernels.MatMul;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * K and V of one batch entry packed once for all the row blocks that read them, key block by key
 * block: block {@code nb}'s Kᵀ panels start at {@link #kOffset}, its V panels at {@link #vOffset}.
 * Without it every row block packs the same keys again. Takes O(N·(D + E)) floats per batch entry.
 */
final class PackedKv {
  private final float[] k;
  private final float[] v;
  /** K in ColumnSoftmax's panels, when the online softmax can run down columns; else null. */
  private final float[] kc;
  private final int kBlock;
  private final int vBlock;
  private final int kcBlock;

  private PackedKv(float[] k, float[] v, float[] kc, int kBlock, int vBlock, int kcBlock) {
    this.k = k;
    this.v = v;
    this.kc = kc;
    this.kBlock = kBlock;
    this.vBlock = vBlock;
    this.kcBlock = kcBlock;
  }

  /**
   * Packs every key block of the batch entry whose K and V addressing (from FlashExecutor.addressing)
   * are given, into arrays taken from {@code pool} (give them back with {@link #release}). Without
   * {@code rowPanels} only ColumnSoftmax's K panels are made: for kernels whose every block runs there.
   */
  static PackedKv pack(MatMul mm, FlashSpec f, Tensors ts, Shape sh, int[] ka, int[] va, boolean rowPanels, Pool pool) {
    int bn = f.blockN();
    int blocks = (sh.n() + bn - 1) / bn;
    int kBlock = mm.packedSize(bn, sh.d());
    int vBlock = mm.packedSize(sh.e(), bn);
    float[] k = rowPanels ? pool.take(Math.multiplyExact(blocks, kBlock)) : null;
    float[] v = pool.take(Math.multiplyExact(blocks, vBlock));
    int kcBlock = ColumnSoftmax.keysSize(bn, sh.d());
    float[] kc = f.columns() ? pool.take(Math.multiplyExact(blocks, kcBlock)) : null;
    float[] kBuf = ka[2] == 1 ? null : new float[bn * sh.d()];
    float[] vBuf = va[2] == 1 ? null : new float[bn * sh.e()];
    for (int nb = 0; nb < blocks; nb++) {
      int n0 = nb * bn;
      int cols = Math.min(bn, sh.n() - n0);
      Partial.Panel kp = Partial.panel(ka, ts, n0, cols, sh.d(), kBuf);
      if (k != null) mm.packBt(kp.a(), kp.off(), kp.ld(), cols, sh.d(), k, nb * kBlock);
      if (kc != null) ColumnSoftmax.packKeys(kp.a(), kp.off(), kp.ld(), cols, sh.d(), kc, nb * kcBlock);
      Partial.Panel vp = Partial.panel(va, ts, n0, cols, sh.e(), vBuf);
      mm.packB(vp.a(), vp.off(), vp.ld(), cols, sh.e(), v, nb * vBlock);
    }
    return new PackedKv(k, v, kc, kBlock, vBlock, kcBlock);
  }

  /** Returns this packing's arrays to the pool; the packing must not be read afterwards. */
  void release(Pool pool) {
    if (k != null) pool.give(k);
    pool.give(v);
    if (kc != null) pool.give(kc);
  }

  /**
   * Packing arrays kept from run to run of a kernel. Fresh arrays of a few hundred KiB per (batch,
   * head) each run cost their zeroing, first-touch page faults and garbage collection: measured at
   * about 4% of an unmasked mha run. Groups on different threads take different arrays; at most
   * {@code limit} arrays are kept (two per group packed at the same time), so runs with other
   * sizes do not pile up arrays.
   */
  static final class Pool {
    private final ConcurrentLinkedDeque<float[]> free = new ConcurrentLinkedDeque<>();
    private final int limit;

    Pool(int limit) {
      this.limit = limit;
    }

    float[] take(int size) {
      for (float[] a : free) {
        if (a.length == size && free.removeFirstOccurrence(a)) return a;
      }
      return new float[size];
    }

    void give(float[] a) {
      if (free.size() >= limit) free.pollLast();
      free.push(a);
    }
  }

  /** Kᵀ in the micro-kernel's panels, or null when only ColumnSoftmax's were made. */
  float[] k() {
    return k;
  }

  float[] v() {
    return v;
  }

  /** K in ColumnSoftmax's panels, or null when this packing has none. */
  float[] kColumns() {
    return kc;
  }

  int kColumnsOffset(int nb) {
    return nb * kcBlock;
  }

  int kOffset(int nb) {
    return nb * kBlock;
  }

  int vOffset(int nb) {
    return nb * vBlock;
  }
}
