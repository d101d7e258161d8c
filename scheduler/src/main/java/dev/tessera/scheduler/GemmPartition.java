package dev.tessera.scheduler;

/**
 * How the CPU backend's GEMM executor splits a contraction, in one place for the executor and the
 * cost model, so that the model prices the calls the executor makes. The batch × ⌈M/blockM⌉ ×
 * ⌈N/blockN⌉ output tiles, numbered with m fastest, are cut into min(tiles, 4 × threads) contiguous
 * parts (one when threads = 1), each run on one thread; within a part, each run of tiles that share
 * a B panel (the same batch entry and n tile) is one micro-kernel call over all their rows, so the
 * panel is packed once per run of tiles.
 */
public final class GemmPartition {
  /** One micro-kernel call: its batch entry, first row and column, rows, columns, and the tiles it covers. */
  public interface Call {
    void accept(long batch, long m0, long n0, long rows, long cols, long tiles);
  }

  private final long m;
  private final long n;
  private final long blockM;
  private final long blockN;
  private final long mTiles;
  private final long nTiles;
  private final long tiles;
  private final int parts;

  /** The split of a batches × (m × n) output in blockM × blockN tiles over {@code threads} threads. */
  public GemmPartition(long batches, long m, long n, long blockM, long blockN, int threads) {
    this.m = m;
    this.n = n;
    this.blockM = Math.max(1, Math.min(blockM, m));
    this.blockN = Math.max(1, Math.min(blockN, n));
    this.mTiles = (m + this.blockM - 1) / this.blockM;
    this.nTiles = (n + this.blockN - 1) / this.blockN;
    this.tiles = batches * mTiles * nTiles;
    this.parts = (int) Math.min(tiles, threads == 1 ? 1 : 4L * threads);
  }

  /** The tile width actually used: blockN, or N when that is narrower. */
  public long blockN() {
    return blockN;
  }

  public long tiles() {
    return tiles;
  }

  public int parts() {
    return parts;
  }

  /** The micro-kernel calls of {@code part}, in order. */
  public void calls(int part, Call call) {
    long t = tiles * part / parts;
    long hi = tiles * (part + 1) / parts;
    while (t < hi) {
      long mi = t % mTiles;
      long ni = t / mTiles % nTiles;
      long run = Math.min(hi - t, mTiles - mi);
      long m0 = mi * blockM;
      long n0 = ni * blockN;
      call.accept(t / mTiles / nTiles, m0, n0, Math.min(run * blockM, m - m0), Math.min(blockN, n - n0), run);
      t += run;
    }
  }
}
