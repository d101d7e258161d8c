package dev.tessera.scheduler;

import static dev.tessera.scheduler.Knobs.BLOCK_M;
import static dev.tessera.scheduler.Knobs.BLOCK_N;
import static dev.tessera.scheduler.Knobs.CHUNK;
import static dev.tessera.scheduler.Knobs.FUSE;
import static dev.tessera.scheduler.Knobs.SPLIT_KV;
import static dev.tessera.scheduler.Knobs.THREADS;

import dev.tessera.scheduler.profile.CpuProfile;

/** Legality on a CPU: threads against cores, a block's working set against the per-core L2. */
final class CpuLegality {
  /** More threads than this many per core only adds switching; the pool over-subscribes by at most 4×. */
  static final int THREADS_PER_CORE = 4;

  private CpuLegality() {}

  static void check(Schedule s, CpuProfile p, Shapes x) throws ScheduleException {
    int threads = Legality.atLeast(s, THREADS, 1);
    if (threads > THREADS_PER_CORE * p.cores()) {
      throw ScheduleException.limitBroken(s, THREADS, "cores", "threads=" + threads + " exceeds " + THREADS_PER_CORE + " per core: "
          + p.name() + " has " + p.cores() + " cores, so at most " + THREADS_PER_CORE * p.cores() + " threads");
    }
    int bm = Legality.atLeast(s, BLOCK_M, 1);
    int bn = Legality.atLeast(s, BLOCK_N, 1);
    // A block never holds more rows or keys than there are.
    long bytes = workingSetBytes(Math.min(bm, Math.max(1, x.m())), Math.min(bn, Math.max(1, x.n())), x);
    if (bytes > p.l2Bytes()) {
      throw ScheduleException.limitBroken(s, bm >= bn ? BLOCK_M : BLOCK_N, "l2_bytes", "blockM=" + bm + ", blockN=" + bn
          + " with d=" + x.d() + ", e=" + x.e() + " need a " + Units.bytes(bytes) + " working set per thread; "
          + p.name() + " has " + Units.bytes(p.l2Bytes()) + " of L2 per core");
    }
    Legality.atLeast(s, SPLIT_KV, 0);
    Legality.atLeast(s, CHUNK, 1);
    if (Legality.atLeast(s, FUSE, 0) > 1) throw new ScheduleException(s, FUSE, "must be 0 or 1");
  }

  /**
   * One block's tiles, in f32 whatever the storage type (the CPU backend computes in f32): the Q
   * tile (blockM×d), the K tile (blockN×d), the scores (blockM×blockN) and the O accumulator
   * (blockM×e). The K and V blocks stream from their packing, done once per batch entry and shared by its row blocks.
   */
  static long workingSetBytes(long bm, long bn, Shapes x) {
    return 4 * (bm * x.d() + bn * x.d() + bm * bn + bm * x.e());
  }
}
