package dev.tessera.cpu;

import dev.tessera.cpu.kernels.MatMul;
import dev.tessera.ir.Extents;
import dev.tessera.scheduler.GemmPartition;

/**
 * Runs a {@link GemmSpec} as {@link GemmPartition} splits it (the cost model prices the same split):
 * the output is cut into blockM × blockN tiles (per batch entry), contiguous ranges of tiles go to
 * the workers, and the tiles of a range that share a B panel run as one micro-kernel call over the
 * whole k (B is packed once per such run): blockM sets the grain of the work split, blockN the
 * panel width.
 */
final class GemmExecutor {
  private final Workers workers;
  private final MatMul mm;

  GemmExecutor(Workers workers, MatMul mm) {
    this.workers = workers;
    this.mm = mm;
  }

  void run(GemmSpec g, FlashExecutor.Tensors ts) {
    int m = Extents.extent(g.mExtent(), ts.dims());
    int n = Extents.extent(g.nExtent(), ts.dims());
    int k = Extents.extent(g.kExtent(), ts.dims());
    int[] batch = g.batchExtents().stream().mapToInt(e -> Extents.extent(e, ts.dims())).toArray();
    int a = ts.slots().tensor(g.a());
    int b = ts.slots().tensor(g.b());
    int c = ts.slots().tensor(g.c());
    int[] aSt = ts.st()[a];
    int[] bSt = ts.st()[b];
    int[] cSt = ts.st()[c];
    int lda = g.aM() < 0 ? k : aSt[g.aM()];
    int ldc = g.cM() < 0 ? n : cSt[g.cM()];
    int ldb = g.bTransposed() ? bSt[g.bN()] : bSt[g.bK()];
    long batches = 1;
    for (int e : batch) batches *= e;
    GemmPartition split = new GemmPartition(batches, m, n, g.blockM(), g.blockN(), workers.threads());
    workers.forEach(split.parts(), p -> split.calls(p, (bi, m0, n0, rows, cols, tiles) -> {
      int aOff = 0;
      int bOff = 0;
      int cOff = 0;
      long rest = bi;
      for (int j = batch.length - 1; j >= 0; j--) {
        int v = (int) (rest % batch[j]);
        rest /= batch[j];
        aOff += v * aSt[g.aBatchPos()[j]];
        bOff += v * bSt[g.bBatchPos()[j]];
        cOff += v * cSt[g.cBatchPos()[j]];
      }
      int r0 = (int) m0;
      int c0 = (int) n0;
      float[] cArr = ts.t()[c];
      if (g.bTransposed()) {
        mm.abt(ts.t()[a], aOff + r0 * lda, lda, ts.t()[b], bOff + c0 * ldb, ldb, cArr, cOff + r0 * ldc + c0, ldc, (int) rows, (int) cols, k, 1f, false);
      } else {
        mm.ab(ts.t()[a], aOff + r0 * lda, lda, ts.t()[b], bOff + c0, ldb, cArr, cOff + r0 * ldc + c0, ldc, (int) rows, (int) cols, k, false);
      }
    }));
  }
}
