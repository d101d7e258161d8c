package dev.tessera.cpu;

import dev.tessera.cpu.kernels.MatMul;
import dev.tessera.ir.Extents;

/**
 * Runs a {@link GemmSpec}: the output is cut into blockM × blockN tiles (per batch entry), and
 * contiguous ranges of tiles go to the workers. Tiles are numbered with m fastest, so the tiles of a
 * range that share a B panel are consecutive and run as one micro-kernel call over the whole k (B is
 * packed once per such run): blockM sets the grain of the work split, blockN the panel width.
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
    int bm = Math.min(g.blockM(), m);
    int bn = Math.min(g.blockN(), n);
    int mTiles = ceilDiv(m, bm);
    int nTiles = ceilDiv(n, bn);
    long batches = 1;
    for (int e : batch) batches *= e;
    long tiles = batches * mTiles * nTiles;
    Range whole = (lo, hi) -> {
      // Consecutive tiles of a range that share their B panel (same batch entry and n tile) go to
      // the micro-kernel as one call over all their rows, so the panel is packed once per run of tiles.
      long t = lo;
      while (t < hi) {
        int mi = (int) (t % mTiles);
        int ni = (int) (t / mTiles % nTiles);
        long bi = t / mTiles / nTiles;
        int run = (int) Math.min(hi - t, mTiles - mi);
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
        int m0 = mi * bm;
        int n0 = ni * bn;
        int rows = Math.min(run * bm, m - m0);
        int cols = Math.min(bn, n - n0);
        float[] cArr = ts.t()[c];
        if (g.bTransposed()) {
          mm.abt(ts.t()[a], aOff + m0 * lda, lda, ts.t()[b], bOff + n0 * ldb, ldb, cArr, cOff + m0 * ldc + n0, ldc, rows, cols, k, 1f, false);
        } else {
          mm.ab(ts.t()[a], aOff + m0 * lda, lda, ts.t()[b], bOff + n0, ldb, cArr, cOff + m0 * ldc + n0, ldc, rows, cols, k, false);
        }
        t += run;
      }
    };
    int threads = workers.threads();
    int parts = (int) Math.min(tiles, threads == 1 ? 1 : threads * 4L);
    if (parts <= 1) {
      whole.run(0, tiles);
      return;
    }
    workers.forEach(parts, p -> whole.run(tiles * p / parts, tiles * (p + 1) / parts));
  }

  private interface Range {
    void run(long lo, long hi);
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
