package dev.tessera.scheduler;

import dev.tessera.ir.ElemType;
import dev.tessera.scheduler.cost.CostModel;
import dev.tessera.scheduler.cost.GpuCostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.cost.Prediction;
import dev.tessera.scheduler.profile.CpuProfile;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.HardwareProfile;
import dev.tessera.scheduler.profile.MeshProfile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Enumerates the legal CPU schedules of a kernel and ranks them with a cost model. The CPU backend
 * reads {@code blockM}/{@code blockN} only in fused parallel attention and blocked matrix products
 * (where a product has one row, blockM changes nothing), and {@code chunk} only in chunked
 * recurrences, so each kind enumerates the knobs that change what runs and leaves the others at the
 * backend's defaults.
 */
public final class Scheduler {
  public static final List<Integer> BLOCK_M = List.of(16, 32, 64, 128, 256);
  public static final List<Integer> BLOCK_N = List.of(32, 64, 128, 256);
  public static final List<Integer> CHUNK = List.of(16, 32, 64, 128);
  static final int DEFAULT_BLOCK_M = 64;
  static final int DEFAULT_BLOCK_N = 128;
  static final int DEFAULT_CHUNK = 64;

  private Scheduler() {}

  /** A schedule with its prediction. */
  public record Ranked(Schedule schedule, Prediction prediction) {}

  /** The legal schedules for {@code k} on {@code p}, in a fixed order; illegal candidates are skipped. */
  public static List<Schedule> enumerate(KernelInfo k, CpuProfile p) {
    boolean blocked = k.kind() != KernelInfo.Kind.RECURRENT;
    List<Integer> bms = blocked && k.m() > 1 ? BLOCK_M : List.of(DEFAULT_BLOCK_M);
    List<Integer> bns = blocked ? BLOCK_N : List.of(DEFAULT_BLOCK_N);
    List<Integer> chunks = k.kind() == KernelInfo.Kind.RECURRENT ? CHUNK : List.of(DEFAULT_CHUNK);
    Shapes shapes = new Shapes(k.m(), k.n(), k.d(), k.e(), ElemType.F32);
    List<Schedule> legal = new ArrayList<>();
    for (int threads : new TreeSet<>(List.of(1, p.cores()))) {
      for (int bm : bms) {
        for (int bn : bns) {
          for (int c : chunks) {
            Schedule s = Schedule.of("cpu").with(Knobs.THREADS, threads).with(Knobs.BLOCK_M, bm).with(Knobs.BLOCK_N, bn)
                .with(Knobs.CHUNK, c).with(Knobs.SPLIT_KV, 0).with(Knobs.FUSE, 1);
            try {
              Legality.check(s, p, shapes);
              legal.add(s);
            } catch (ScheduleException e) {
              // Illegal on this machine: not a candidate.
            }
          }
        }
      }
    }
    return legal;
  }

  /** Threads per block the CUDA enumeration tries: 2, 4 and 8 warps. */
  public static final List<Integer> CUDA_THREADS = List.of(64, 128, 256);
  /** Key-block rows the CUDA enumeration tries (the flash kernel's MMA needs multiples of 16, at most 128). */
  public static final List<Integer> CUDA_BLOCKS = List.of(16, 32, 64, 128);
  /** Key splits tried when the grid would leave SMs idle (decode). */
  public static final List<Integer> CUDA_SPLITS = List.of(1, 2, 4, 8, 16, 32);
  /** Query rows per warp in the CUDA flash kernel (one m16n8k16 MMA row block): blockM = threads / 32 × 16. */
  public static final int CUDA_ROWS_PER_WARP = 16;
  /** The one tiling the CUDA backend's contraction kernel has: 64 × 64 output tiles, 256 threads. */
  public static final Schedule CUDA_CONTRACTION = Schedule.of("cuda").with(Knobs.THREADS, 256).with(Knobs.BLOCK_M, 64)
      .with(Knobs.BLOCK_N, 64).with(Knobs.STAGES, 1).with(Knobs.SPLIT_KV, 1);
  /** Chunk lengths the CUDA enumeration tries for the chunked recurrent kernel (it takes 1 to 64). */
  public static final List<Integer> CUDA_CHUNKS = List.of(16, 32, 64);

  /**
   * The legal CUDA schedules for {@code k} stored as {@code dtype} on {@code p}, in a fixed order —
   * the tilings the CUDA backend generates, so the model ranks only kernels that exist. Attention
   * (the flash kernel): threads × blockN, with blockM = 16 rows per warp and K/V double-buffered
   * (stages = 2), and key splits where one block per query block and batch entry would not fill the
   * SMs. A contraction: {@link #CUDA_CONTRACTION}; a recurrence (the chunked kernel): 128 threads × {@link #CUDA_CHUNKS}.
   * Candidates whose estimated registers per thread exceed the profile's limit (they would spill)
   * are left out with the illegal ones.
   */
  public static List<Schedule> enumerateCuda(KernelInfo k, GpuProfile p, ElemType dtype) {
    // A contraction streams its reduction through shared memory in tiles of 64: legality sees one.
    long d = k.kind() == KernelInfo.Kind.CONTRACTION ? Math.min(k.d(), GpuCostModel.K_TILE) : k.d();
    Shapes shapes = new Shapes(k.m(), k.n(), d, k.e(), dtype);
    GpuCostModel model = new GpuCostModel(dtype);
    List<Schedule> candidates = new ArrayList<>();
    switch (k.kind()) {
      case CONTRACTION -> candidates.add(CUDA_CONTRACTION);
      case RECURRENT -> {
        // blockM = blockN = chunk: the chunk's rows are the tile the legality checks see.
        for (int c : CUDA_CHUNKS) {
          candidates.add(Schedule.of("cuda").with(Knobs.THREADS, 128).with(Knobs.CHUNK, c).with(Knobs.BLOCK_M, c).with(Knobs.BLOCK_N, c)
              .with(Knobs.STAGES, 1).with(Knobs.SPLIT_KV, 1));
        }
      }
      case PARALLEL -> {
        for (int threads : CUDA_THREADS) {
          int bm = threads / p.warpSize() * CUDA_ROWS_PER_WARP;
          List<Integer> splits = k.batch() * Math.ceil((double) k.m() / bm) < p.smCount() ? CUDA_SPLITS : List.of(1);
          for (int bn : CUDA_BLOCKS) {
            for (int split : splits) {
              candidates.add(Schedule.of("cuda").with(Knobs.THREADS, threads).with(Knobs.BLOCK_M, bm).with(Knobs.BLOCK_N, bn)
                  .with(Knobs.STAGES, 2).with(Knobs.SPLIT_KV, split));
            }
          }
        }
      }
    }
    List<Schedule> legal = new ArrayList<>();
    for (Schedule s : candidates) {
      try {
        Legality.check(s, p, shapes);
        if (model.registersPerThread(k, s) > p.maxRegistersPerThread()) continue;
        legal.add(s);
      } catch (ScheduleException e) {
        // Illegal on this GPU: not a candidate.
      }
    }
    return legal;
  }

  /** Grid sides the mesh enumeration tries (square grids; the mesh kernels shift over squares). */
  public static final List<Integer> MESH_GRIDS = List.of(4, 8, 16, 32, 45, 64, 90, 128, 180, 256, 360, 420, 512, 720);

  /**
   * The legal mesh schedules for {@code k} on {@code p}, in a fixed order: square grids that fit the
   * wafer and whose blocks fit a core's SRAM, × the GEMM algorithms.
   */
  public static List<Schedule> enumerateMesh(KernelInfo k, MeshProfile p) {
    Shapes shapes = new Shapes(k.m(), k.n(), k.d(), k.e(), ElemType.F32);
    List<Schedule> legal = new ArrayList<>();
    for (int g : MESH_GRIDS) {
      for (String alg : Knobs.ALGORITHM_COLOURS.keySet()) {
        Schedule s = Schedule.of("mesh").with(Knobs.GRID_X, g).with(Knobs.GRID_Y, g).with(Knobs.ALGORITHM, alg);
        try {
          Legality.check(s, p, shapes);
          legal.add(s);
        } catch (ScheduleException e) {
          // Illegal on this wafer: not a candidate.
        }
      }
    }
    return legal;
  }

  /** {@code schedules} by predicted time, fastest first; ties keep enumeration order. */
  public static List<Ranked> rank(KernelInfo k, HardwareProfile p, CostModel model, List<Schedule> schedules) throws ScheduleException {
    List<Ranked> ranked = new ArrayList<>();
    for (Schedule s : schedules) ranked.add(new Ranked(s, model.predict(k, s, p)));
    ranked.sort(Comparator.comparingDouble(r -> r.prediction().seconds()));
    return ranked;
  }

  /** The legal schedules ranked, fastest first. */
  public static List<Ranked> rank(KernelInfo k, CpuProfile p, CostModel model) throws ScheduleException {
    return rank(k, p, model, enumerate(k, p));
  }
}
