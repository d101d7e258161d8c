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

  /** Packs every key block of the batch entry whose K and V addressing (from FlashExecutor.addressing) are given. */
  static PackedKv pack(MatMul mm, FlashSpec f, Tensors ts, Shape sh, int[] ka, int[] va) {
    int bn = f.blockN();
    int blocks = (sh.n() + bn - 1) / bn;
    int kBlock = mm.packedSize(bn, sh.d());
    int vBlock = mm.packedSize(sh.e(), bn);
    float[] k = new float[Math.multiplyExact(blocks, kBlock)];
    float[] v = new float[Math.multiplyExact(blocks, vBlock)];
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
