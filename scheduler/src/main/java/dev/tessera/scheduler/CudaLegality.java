package dev.tessera.scheduler;

import static dev.tessera.scheduler.Knobs.BLOCK_M;
import static dev.tessera.scheduler.Knobs.BLOCK_N;
import static dev.tessera.scheduler.Knobs.CHUNK;
import static dev.tessera.scheduler.Knobs.REGISTERS;
import static dev.tessera.scheduler.Knobs.SPLIT_KV;
import static dev.tessera.scheduler.Knobs.STAGES;
import static dev.tessera.scheduler.Knobs.THREADS;

import dev.tessera.ir.ElemType;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.MmaShape;

/**
 * Legality on a GPU, for a FlashAttention-2-style block: threads per block, shared memory for the
 * Q tile and the staged K/V tiles, registers, and tensor-core tile divisibility for f16/bf16.
 */
final class CudaLegality {
  private CudaLegality() {}

  static void check(Schedule s, GpuProfile p, Shapes x) throws ScheduleException {
    int threads = Legality.atLeast(s, THREADS, 1);
    if (threads > p.maxThreadsPerBlock()) {
      throw ScheduleException.limitBroken(s, THREADS, "max_threads_per_block",
          "threads=" + threads + " exceeds the " + p.maxThreadsPerBlock() + " threads per block " + p.name() + " allows");
    }
    if (threads % p.warpSize() != 0) {
      throw ScheduleException.limitBroken(s, THREADS, "warp_size",
          "threads=" + threads + " is not a multiple of " + p.name() + "'s warp size, " + p.warpSize());
    }
    int bm = Legality.atLeast(s, BLOCK_M, 1);
    int bn = Legality.atLeast(s, BLOCK_N, 1);
    int stages = Legality.atLeast(s, STAGES, 1);
    sharedMemory(s, p, x, bm, bn, stages);
    if (s.get(REGISTERS).isPresent()) registers(s, p, threads, Legality.atLeast(s, REGISTERS, 1));
    if (x.dtype() == ElemType.F16 || x.dtype() == ElemType.BF16) {
      MmaShape mma = p.mmaShapes().get(x.dtype().text());
      if (mma != null) tensorCoreTiles(s, p, x, mma, bm, bn);
    }
    Legality.atLeast(s, SPLIT_KV, 0);
    Legality.atLeast(s, CHUNK, 1);
  }

  /** Q tile (blockM×d) plus {@code stages} K and V tiles (blockN×d and blockN×e), in the storage type. */
  static long sharedMemoryBytes(long bm, long bn, long stages, Shapes x) {
    return x.elementBytes() * (bm * x.d() + stages * bn * (x.d() + x.e()));
  }

  private static void sharedMemory(Schedule s, GpuProfile p, Shapes x, int bm, int bn, int stages) throws ScheduleException {
    long q = x.elementBytes() * (long) bm * x.d();
    long kv = sharedMemoryBytes(bm, bn, stages, x) - q;
    if (q + kv <= p.smemPerBlockBytes()) return;
    throw ScheduleException.limitBroken(s, kv > q ? BLOCK_N : BLOCK_M, "smem_per_block_bytes", "blockM=" + bm + ", blockN=" + bn
        + ", stages=" + stages + " with d=" + x.d() + ", e=" + x.e() + " (" + x.dtype().text() + ") need "
        + Units.bytes(q + kv) + " of shared memory (Q tile " + Units.bytes(q) + ", K/V tiles " + Units.bytes(kv) + "); "
        + p.name() + " allows " + Units.bytes(p.smemPerBlockBytes()) + " per block");
  }

  private static void registers(Schedule s, GpuProfile p, int threads, int perThread) throws ScheduleException {
    if (perThread > p.maxRegistersPerThread()) {
      throw ScheduleException.limitBroken(s, REGISTERS, "max_registers_per_thread",
          "registers=" + perThread + " exceeds the " + p.maxRegistersPerThread() + " registers per thread " + p.name() + " allows");
    }
    long total = (long) perThread * threads;
    if (total > p.registersPerSm()) {
      throw ScheduleException.limitBroken(s, REGISTERS, "registers_per_sm", "registers=" + perThread + " × threads=" + threads
          + " = " + total + " registers; " + p.name() + " has " + p.registersPerSm() + " per SM");
    }
  }

  /**
   * blockM is the m of S = Q·Kᵀ; blockN is the n of S and the k of O = P·V, so it must be a
   * multiple of both.
   */
  private static void tensorCoreTiles(Schedule s, GpuProfile p, Shapes x, MmaShape mma, int bm, int bn) throws ScheduleException {
    String limit = "mma_shape." + x.dtype().text();
    String tile = p.name() + "'s " + x.dtype().text() + " MMA tile is " + mma + " (m×n×k)";
    if (bm % mma.m() != 0) {
      throw ScheduleException.limitBroken(s, BLOCK_M, limit, "blockM=" + bm + " is not a multiple of " + mma.m() + ": " + tile);
    }
    int nk = lcm(mma.n(), mma.k());
    if (bn % nk != 0) {
      throw ScheduleException.limitBroken(s, BLOCK_N, limit, "blockN=" + bn + " is not a multiple of " + nk
          + " (it is the n of S = Q·Kᵀ and the k of O = P·V): " + tile);
    }
  }

  private static int lcm(int a, int b) {
    int x = a;
    int y = b;
    while (y != 0) {
      int t = x % y;
      x = y;
      y = t;
    }
    return a / x * b;
  }
}
