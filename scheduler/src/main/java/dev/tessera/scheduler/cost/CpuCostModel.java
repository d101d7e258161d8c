package dev.tessera.scheduler.cost;

import static dev.tessera.scheduler.Knobs.BLOCK_M;
import static dev.tessera.scheduler.Knobs.BLOCK_N;
import static dev.tessera.scheduler.Knobs.CHUNK;
import static dev.tessera.scheduler.Knobs.THREADS;

import dev.tessera.scheduler.GemmPartition;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.profile.CpuProfile;
import dev.tessera.scheduler.profile.HardwareProfile;
import java.util.List;
import java.util.Map;

/**
 * The CPU backend's cost model. The time is a weighted sum of terms, each a nominal time in seconds
 * derived from the kernel, the schedule and the profile; the weights ({@link #TERMS}, 1 by default)
 * are what {@link Calibration} fits to measurements.
 *
 * <ul>
 *   <li>{@code compute}, {@code chunked}, {@code gemm}: FLOPs at the one-thread FMA rate times the
 *       threads used, one term per code path of the backend (the flash executor for parallel attention,
 *       which counts the blocks actually visited — a causal mask skips whole key blocks, so about
 *       (N + blockM + blockN)/(2N) of them run; the chunk executor for recurrences; the blocked matrix
 *       products for contractions), since their distance from the FMA peak differs. An online
 *       normalizer's scores are computed 32 query rows at a time (the column softmax's tile), so a
 *       block of 16 rows does the scores' half of its FLOPs twice;
 *   <li>{@code packing}: operand loads of the attention and recurrence micro-kernels, FLOPs ×
 *       (16/blockM + 16/blockN) at the same rate: small blocks reuse each loaded row less;
 *   <li>{@code repack}: a contraction's packing of B, which is of another kind and has its own
 *       weight: the floats its micro-kernel calls pack (k × cols per call, from the executor's
 *       partition), nominally {@value #PACK_FLOAT_SECONDS} s each. Sharing attention's weight, it was
 *       fitted to a quarter of its nominal cost by the 40 attention schedules, and the calibrated
 *       model ranked gemm 192 × 192 × 2048 worse (ρ 0.62) than the default weights (0.76);
 *   <li>{@code cache}: the same FLOPs scaled by one block's working set over the L2: large blocks
 *       spill their score tile and accumulators out of the near caches;
 *   <li>{@code accumulator}: attention's output accumulator (blockM × E) is rescaled and added to
 *       once per key block, 4E/blockN bytes per FLOP, and once it outgrows the L1 those passes go
 *       to the L2: the FLOP time × (E/blockN) × (accumulator bytes / L1)². Measured on one thread,
 *       mha_causal 256 × 32 took 2.2× the fastest schedule and 128 × 32 1.3×, where the other
 *       terms saw about 1.1×;
 *   <li>{@code memory}: K and V re-read once per query block, Q and O once, at the memory bandwidth;
 *   <li>{@code elementwise}: exp, max, scale and mask per visited score, per normalizer pass;
 *   <li>{@code decay}, {@code state}: the chunked recurrence's own costs, apart from attention's
 *       because they are of another kind. Decay: a scalar double {@code exp} per intra-chunk score
 *       and per key element (T·(C + D) per head, nominally {@value #DECAY_EXP_SECONDS} s each, what
 *       one-thread runs at chunks 32 and 128 differ by). State: per chunk the D×E state is
 *       packed for Q·S and rescaled by the chunk's decay, nominally a nanosecond per element each;
 *       small chunks pay it more often;
 *   <li>{@code overhead}: a fixed cost per tile — calls, bookkeeping (a recurrence's per-chunk costs
 *       are its {@code state} term);
 *   <li>{@code imbalance}: the per-thread time lost because work items (batch × ⌈M/blockM⌉ query
 *       blocks) do not divide evenly over the threads: (⌈items/threads⌉·threads/items − 1) × the above;
 *       for a contraction, whose parts differ in size, the idle fraction of the threads taking the
 *       parts in order;
 *   <li>{@code fixed}: a per-run cost (task submission, joins).
 * </ul>
 */
public final class CpuCostModel implements CostModel {
  /** The terms, in breakdown order; a coefficient vector has one weight per term. */
  public static final List<String> TERMS = List.of("compute", "chunked", "gemm", "packing", "repack", "cache", "accumulator",
      "memory", "elementwise", "decay", "state", "overhead", "imbalance", "fixed");

  /** Nominal cost of one score's elementwise work, in one-thread FLOP-equivalents (a scalar exp is ~20). */
  static final double ELEMENTWISE_FLOPS = 20;
  /** Nominal seconds of one scalar double exp with its loop (the recurrence's decays). */
  static final double DECAY_EXP_SECONDS = 10e-9;
  /** Nominal seconds per element of a state pass (pack or rescale). */
  static final double STATE_ELEMENT_SECONDS = 1e-9;
  /** Nominal seconds to pack one float of a contraction's B panel (a strided copy or gather). */
  static final double PACK_FLOAT_SECONDS = 0.5e-9;
  /** A matrix product with fewer rows reads B in place rather than packing it (VectorMatMul.PACK_MIN_ROWS). */
  static final int PACKED_MIN_ROWS = 5;
  /** Nominal seconds per tile (micro-kernel calls, row bookkeeping). */
  static final double TILE_SECONDS = 1e-6;
  /** Nominal seconds per run. */
  static final double RUN_SECONDS = 50e-6;

  private final double[] weights;

  /** The model with every weight 1. */
  public CpuCostModel() {
    this(ones());
  }

  /** The model with {@code weights}, one per {@link #TERMS} entry. */
  public CpuCostModel(double[] weights) {
    if (weights.length != TERMS.size()) throw new IllegalArgumentException("need " + TERMS.size() + " weights, got " + weights.length);
    this.weights = weights.clone();
  }

  static double[] ones() {
    double[] w = new double[TERMS.size()];
    java.util.Arrays.fill(w, 1);
    return w;
  }

  public double[] weights() {
    return weights.clone();
  }

  @Override
  public Prediction predict(KernelInfo k, Schedule s, HardwareProfile profile) throws ScheduleException {
    if (!(profile instanceof CpuProfile p)) throw new ScheduleException(s, "target", "the cpu cost model needs a cpu profile, not " + profile.kind());
    double[] f = features(k, s, p);
    Map<String, Double> breakdown = CostModel.weighted(TERMS, weights, f);
    double total = CostModel.total(breakdown);
    return new Prediction(total, breakdown, trafficBytes(k, s), lowerBoundBytes(k, p));
  }

  /** The nominal seconds of each term, in {@link #TERMS} order: the regressors of calibration. */
  public static double[] features(KernelInfo k, Schedule s, CpuProfile p) throws ScheduleException {
    int threads = s.intKnob(THREADS, p.cores());
    double used = Math.min(threads, p.cores());
    // Per-thread FMA rate: all threads together rarely reach cores × the one-thread rate.
    double rate = used == 1 ? p.fmaGflopsOneThread() * 1e9 : Math.min(p.fmaGflopsOneThread(), p.fmaGflopsAllThreads() / p.cores()) * 1e9;
    Work w = work(k, s, threads, p);
    double compute = w.flops / (used * rate);
    double packing = compute * w.loadsPerFlop;
    double repack = w.packFloats * PACK_FLOAT_SECONDS / used;
    double cache = compute * w.workingSetBytes / p.l2Bytes();
    double accumulator = compute * w.accumulatorSpill;
    double memory = trafficBytes(k, s) / (p.memoryGbPerS() * 1e9);
    double elementwise = w.scores * ELEMENTWISE_FLOPS / (used * rate);
    double decay = w.decayExps * DECAY_EXP_SECONDS / used;
    double state = w.stateElements * STATE_ELEMENT_SECONDS / used;
    double overhead = w.tiles * TILE_SECONDS / used;
    double idle = Double.isNaN(w.idle) ? Math.ceil((double) w.items / threads) * threads / w.items - 1 : w.idle;
    double imbalance = idle * (compute + packing + repack + cache + accumulator + elementwise + decay + state + overhead);
    int path = k.kind().ordinal();
    return new double[] {path == 0 ? compute : 0, path == 1 ? compute : 0, path == 2 ? compute : 0, packing, repack, cache,
        accumulator, memory, elementwise, decay, state, overhead, imbalance, RUN_SECONDS};
  }

  /**
   * FLOPs and elementwise scores computed, micro-kernel loads per FLOP, one block's bytes, tiles, parallel work items,
   * the accumulator's spill factor (the {@code accumulator} term over the FLOP time), the recurrence's decay
   * exponentials and state elements, a contraction's packed B floats, and the threads' idle fraction (NaN: derive
   * it from how the items divide over the threads).
   */
  private record Work(double flops, double loadsPerFlop, double workingSetBytes, double scores, double tiles, long items,
      double accumulatorSpill, double decayExps, double stateElements, double packFloats, double idle) {
    /** Work whose items are of equal size: the idle fraction comes from how they divide over the threads. */
    Work(double flops, double loadsPerFlop, double workingSetBytes, double scores, double tiles, long items, double accumulatorSpill,
        double decayExps, double stateElements) {
      this(flops, loadsPerFlop, workingSetBytes, scores, tiles, items, accumulatorSpill, decayExps, stateElements, 0, Double.NaN);
    }
  }

  private static Work work(KernelInfo k, Schedule s, int threads, CpuProfile p) throws ScheduleException {
    return switch (k.kind()) {
      case PARALLEL -> {
        int bm = s.intKnob(BLOCK_M, 128);
        int bn = s.intKnob(BLOCK_N, 64);
        double visited = visitedFraction(k, bm, bn);
        double pairs = (double) k.batch() * k.m() * k.n() * visited;
        double rowBlocks = Math.ceil((double) k.m() / bm);
        double tiles = k.batch() * rowBlocks * Math.ceil(k.n() * visited / bn);
        double bytes = 4.0 * (bm * k.d() + bn * k.d() + (double) bm * bn + bm * k.e());
        double rows = Math.min(bm, k.m());
        // The column softmax (an online normalizer, 16-lane vectors, whole 8-row tiles) computes scores 32 rows at a time.
        boolean columns = k.passes() == 1 && p.vectorLanesF32() == 16 && bm % 8 == 0;
        double padded = columns ? Math.ceil(rows / 32) * 32 / rows : 1;
        double flops = 2 * pairs * (k.d() * padded + k.e());
        double acc = 4.0 * rows * k.e() / p.l1dBytes();
        yield new Work(flops, 16.0 / bm + 16.0 / bn, bytes, pairs * Math.max(1, k.passes()), tiles,
            (long) (k.batch() * rowBlocks), (double) k.e() / Math.min(bn, k.n()) * acc * acc, 0, 0);
      }
      case RECURRENT -> {
        int c = s.intKnob(CHUNK, 64);
        double chunks = Math.ceil((double) k.m() / c);
        double intra = chunks * c * (c + 1) / 2.0 * (k.d() + k.e());
        double flops = 2 * k.batch() * (intra + 2.0 * k.m() * k.d() * k.e());
        double bytes = 4.0 * (c * (2 * k.d() + 2 * k.e()) + (double) c * c + k.d() * k.e());
        // Its elementwise work and per-chunk bookkeeping are the decay and state terms.
        double exps = k.batch() * (double) k.m() * (Math.min(c, k.m()) + k.d());
        double stateElements = 2.0 * k.batch() * chunks * k.d() * k.e();
        yield new Work(flops, 16.0 / c, bytes, 0, 0, k.batch(), 0, exps, stateElements);
      }
      case CONTRACTION -> contraction(k, s, threads, p);
    };
  }

  /**
   * A contraction as the GEMM executor runs it ({@link GemmPartition}): walking its parts and calls
   * gives the floats of B packed (each call packs its k × cols panel unless it has fewer than
   * {@value #PACKED_MIN_ROWS} rows; a part that holds a single tile of a wide panel packs all of B's
   * k × blockN for few rows) and the imbalance of parts of unequal size (edge tiles, fewer parts
   * than threads), taken by the threads in order as the executor's do; the parts' sizes are nominal
   * times, not calibrated ones.
   */
  private static Work contraction(KernelInfo k, Schedule s, int threads, CpuProfile p) throws ScheduleException {
    GemmPartition split = new GemmPartition(k.batch(), k.m(), k.n(), s.intKnob(BLOCK_M, 128), s.intKnob(BLOCK_N, 64), threads);
    double rate = p.fmaGflopsOneThread() * 1e9;
    double[] partSeconds = new double[split.parts()];
    double[] packFloats = {0};
    for (int part = 0; part < split.parts(); part++) {
      int at = part;
      split.calls(part, (batch, m0, n0, rows, cols, tiles) -> {
        double packed = rows < PACKED_MIN_ROWS ? 0 : (double) k.d() * cols;
        partSeconds[at] += 2.0 * rows * cols * k.d() / rate + packed * PACK_FLOAT_SECONDS + tiles * TILE_SECONDS;
        packFloats[0] += packed;
      });
    }
    double flops = 2.0 * k.batch() * k.m() * k.n() * k.d();
    // The call's packed B panel, k × blockN floats: packed at the call's start, then swept two vectors
    // wide while A's rows stream past it, so a wide panel is partly evicted before it is used. On one
    // thread, gemm 192 × 192 × 2048 with 192-wide panels measured about 5 % slower than with 32-wide
    // ones. Re-fitted offline on the eight recorded runs of session 6, this working set ranked that
    // GEMM at calibrated ρ 0.85–0.96 against 0.75–0.89 for one that ignored blockN. (Counting the
    // call's A rows as well priced the fastest two-thread schedules the dearest.)
    double bytes = 4.0 * k.d() * split.blockN();
    return new Work(flops, 0, bytes, 0, split.tiles(), split.parts(), 0, 0, 0, packFloats[0],
        listScheduleIdle(partSeconds, Math.min(threads, p.cores())));
  }

  /**
   * The threads' idle fraction when they take the parts in order, each the next one free (the
   * executor's shared counter): makespan × threads / total − 1.
   */
  static double listScheduleIdle(double[] partSeconds, int threads) {
    double[] free = new double[Math.max(1, threads)];
    double total = 0;
    for (double cost : partSeconds) {
      int next = 0;
      for (int i = 1; i < free.length; i++) if (free[i] < free[next]) next = i;
      free[next] += cost;
      total += cost;
    }
    double makespan = 0;
    for (double f : free) makespan = Math.max(makespan, f);
    return total == 0 ? 0 : makespan * free.length / total - 1;
  }

  /** The fraction of key blocks a blocked kernel visits: all when unmasked, else the visible part plus the diagonal band. */
  static double visitedFraction(KernelInfo k, int bm, int bn) {
    double v = k.visibleFraction();
    if (v >= 1) return 1;
    return Math.min(1, v + (1 - v) * (bm + bn) / (double) k.n());
  }

  /** Bytes the schedule moves to and from memory: for attention, K and V once per query block. */
  public static double trafficBytes(KernelInfo k, Schedule s) throws ScheduleException {
    return switch (k.kind()) {
      case PARALLEL -> {
        int bm = s.intKnob(BLOCK_M, 128);
        double visited = visitedFraction(k, bm, s.intKnob(BLOCK_N, 64));
        yield 4.0 * k.batch() * (k.m() * (k.d() + k.e()) + Math.ceil((double) k.m() / bm) * k.n() * visited * (k.d() + k.e()));
      }
      case RECURRENT -> 4.0 * k.batch() * k.m() * (2 * k.d() + 2 * k.e());
      case CONTRACTION -> 4.0 * k.batch() * (k.m() * k.d() + k.d() * k.n() + k.m() * k.n());
    };
  }

  /**
   * The I/O lower bound: for attention Θ(N²d²/M) element transfers with M the on-chip memory (the L2,
   * in f32 elements), and never less than reading the inputs and writing the output once.
   */
  public static double lowerBoundBytes(KernelInfo k, CpuProfile p) {
    double compulsory = switch (k.kind()) {
      case PARALLEL -> 4.0 * k.batch() * (k.m() * (k.d() + k.e()) + k.n() * (k.d() + k.e()));
      case RECURRENT -> 4.0 * k.batch() * k.m() * (2 * k.d() + 2 * k.e());
      case CONTRACTION -> 4.0 * k.batch() * (k.m() * k.d() + k.d() * k.n() + k.m() * k.n());
    };
    if (k.kind() != KernelInfo.Kind.PARALLEL) return compulsory;
    double onChip = p.l2Bytes() / 4.0;
    double bound = 4.0 * k.batch() * k.m() * k.n() * k.visibleFraction() * k.d() * Math.max(k.d(), k.e()) / onChip;
    return Math.max(compulsory, bound);
  }
}
