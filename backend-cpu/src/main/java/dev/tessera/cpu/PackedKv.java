package dev.tessera.cpu;

import dev.tessera.cpu.FlashExecutor.Shape;
import dev.tessera.cpu.FlashExecutor.Tensors;
import dev.tessera.cpu.kernels.MatMul;

/**
 * K and V of one batch entry packed once for all the row blocks that read them, key block by key
 * block: block {@code nb}'s Kᵀ panels start at {@link #kOffset}, its V panels at {@link #vOffset}.
 * Without it every row block packs the same keys again. Takes O(N·(D + E)) floats per batch entry.
 */
final class PackedKv {
  private final float[] k;
  private final float[] v;
  private final int kBlock;
  private final int vBlock;

  private PackedKv(float[] k, float[] v, int kBlock, int vBlock) {
    this.k = k;
    this.v = v;
    this.kBlock = kBlock;
    this.vBlock = vBlock;
  }

  /**
   * Packs every key block of the batch entry whose K and V addressing (from FlashExecutor.addressing)
   * are given, into arrays taken from {@code pool} (give them back with {@link #release}).
   */
  static PackedKv pack(MatMul mm, FlashSpec f, Tensors ts, Shape sh, int[] ka, int[] va, Pool pool) {
    int bn = f.blockN();
    int blocks = (sh.n() + bn - 1) / bn;
    int kBlock = mm.packedSize(bn, sh.d());
    int vBlock = mm.packedSize(sh.e(), bn);
    float[] k = pool.take(Math.multiplyExact(blocks, kBlock));
    float[] v = pool.take(Math.multiplyExact(blocks, vBlock));
    float[] kBuf = ka[2] == 1 ? null : new float[bn * sh.d()];
    float[] vBuf = va[2] == 1 ? null : new float[bn * sh.e()];
    for (int nb = 0; nb < blocks; nb++) {
      int n0 = nb * bn;
      int cols = Math.min(bn, sh.n() - n0);
      Partial.Panel kp = Partial.panel(ka, ts, n0, cols, sh.d(), kBuf);
      mm.packBt(kp.a(), kp.off(), kp.ld(), cols, sh.d(), k, nb * kBlock);
      Partial.Panel vp = Partial.panel(va, ts, n0, cols, sh.e(), vBuf);
      mm.packB(vp.a(), vp.off(), vp.ld(), cols, sh.e(), v, nb * vBlock);
    }
    return new PackedKv(k, v, kBlock, vBlock);
  }

  /** Returns this packing's arrays to the pool; the packing must not be read afterwards. */
  void release(Pool pool) {
    pool.give(k);
    pool.give(v);
  }

  /**
   * Packing arrays kept from run to run of a kernel. Fresh arrays of a few hundred KiB per (batch,
   * head) each run cost their zeroing, first-touch page faults and garbage collection: measured at
   * about 4% of an unmasked mha run. Groups on different threads take different arrays; at most
   * {@code limit} arrays are kept (two per group packed at the same time), so runs with other
   * sizes do not pile up arrays.
   */
  static final class Pool {
    private final java.util.concurrent.ConcurrentLinkedDeque<float[]> free = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final int limit;

    Pool(int limit) {
      this.limit = limit;
    }

    float[] take(int size) {
      for (java.util.Iterator<float[]> it = free.iterator(); it.hasNext(); ) {
        float[] a = it.next();
        if (a.length == size && free.removeFirstOccurrence(a)) return a;
      }
      return new float[size];
    }

    void give(float[] a) {
      if (free.size() >= limit) free.pollLast();
      free.push(a);
    }
  }

  float[] k() {
    return k;
  }

  float[] v() {
    return v;
  }

  int kOffset(int nb) {
    return nb * kBlock;
  }

  int vOffset(int nb) {
    return nb * vBlock;
  }
}
