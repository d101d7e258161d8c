package dev.tessera.scheduler.cost;

import static dev.tessera.scheduler.Knobs.BLOCK_M;
import static dev.tessera.scheduler.Knobs.BLOCK_N;
import static dev.tessera.scheduler.Knobs.REGISTERS;
import static dev.tessera.scheduler.Knobs.SPLIT_KV;
import static dev.tessera.scheduler.Knobs.STAGES;
import static dev.tessera.scheduler.Knobs.THREADS;

import dev.tessera.ir.ElemType;
import dev.tessera.scheduler.Knobs;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.HardwareProfile;
import java.util.List;
import java.util.Map;

/**
 * The CUDA backend's cost model: a roofline per thread block, quantised into waves over the SMs.
 *
 * <p>A schedule's grid is one block per (batch entry, query block, key split) for attention, per
 * output tile for a contraction, and per batch entry for a chunked recurrence. Occupancy — blocks
 * resident per SM — is the tightest of shared memory (Q tile plus {@code stages} K/V tiles), registers
 * (the {@code registers} knob, else an estimate from the accumulators each thread holds) and threads.
 * The grid runs in ⌈blocks / (SMs × occupancy)⌉ waves; within a wave the resident blocks share their
 * SM. Terms, in seconds (they sum to the prediction):
 *
 * <ul>
 *   <li>{@code tensor}: the block's FLOPs at the SM's share of the dtype's peak (tensor cores for
 *       f16/bf16, CUDA-core FMA for f32), divided by the fraction of warps with rows to work on
 *       (an MMA covers 16 rows per warp);
 *   <li>{@code scalar}: one {@code exp} per visited score per normalizer pass at 16 per SM per clock
 *       (the SFU), the score's other arithmetic (scale, max, subtract, sum: 6 operations) and, per key
 *       step, the rescale of the running output (blockM × e multiplies) at 128 per clock;
 *   <li>{@code smem}: every warp reads each staged K and V tile from shared memory, at 128 bytes per
 *       SM per clock;
 *   <li>{@code memory}: HBM and L2 time (Q and O once, K and V once per query block, re-reads served by
 *       the L2 when the active heads' K/V fit in it) beyond what the three terms above hide;
 *   <li>{@code latency}: per key-tile step a global-load latency of 600 cycles, divided by the loads
 *       that overlap it: the stages in flight plus the other resident blocks;
 *   <li>{@code launch}: 4 µs per kernel launch (two with a split-KV combine).
 * </ul>
 *
 * <p>No GPU measured these constants: they come from the vendors' documents (SFU and shared-memory
 * rates per SM for sm_80/sm_90) and FlashAttention-2's analysis, and rank schedules rather than
 * predict absolute times. The prediction is Σ wᵢ·termᵢ over these nominal terms with weights 1 by
 * default; {@code tessera tune --target cuda} fits the weights to a GPU's measurements per profile
 * ({@link dev.tessera.scheduler.tune.GpuCalibration}).
 */
public final class GpuCostModel implements CostModel {
  /** The terms, in breakdown order. */
  public static final List<String> TERMS = List.of("tensor", "scalar", "smem", "memory", "latency", "launch");

  static final double EXP_PER_CLOCK = 16;
  static final double FP32_PER_CLOCK = 128;
  static final double OPS_PER_SCORE = 6;
  static final double SMEM_BYTES_PER_CLOCK = 128;
  static final double LOAD_LATENCY_CYCLES = 600;
  static final double LAUNCH_SECONDS = 4e-6;
  /** The reduction tile of a contraction: its A and B tiles are streamed through shared memory this many columns at a time. */
  public static final int K_TILE = 64;
  /** Rows of one warp's MMA. */
  static final int MMA_ROWS = 16;

  private final ElemType dtype;
  private final double[] weights;

  /** A model for tensors stored as {@code dtype}, every weight 1. */
  public GpuCostModel(ElemType dtype) {
    this(dtype, ones());
  }

  /** A model for tensors stored as {@code dtype} with {@code weights}, one per {@link #TERMS} entry. */
  public GpuCostModel(ElemType dtype, double[] weights) {
    if (weights.length != TERMS.size()) throw new IllegalArgumentException("need " + TERMS.size() + " weights, got " + weights.length);
    this.dtype = dtype;
    this.weights = weights.clone();
  }

  /** One weight per term, all 1: the uncalibrated model. */
  public static double[] ones() {
    double[] w = new double[TERMS.size()];
    java.util.Arrays.fill(w, 1);
    return w;
  }

  public double[] weights() {
    return weights.clone();
  }

  @Override
  public Prediction predict(KernelInfo k, Schedule s, HardwareProfile profile) throws ScheduleException {
    if (!(profile instanceof GpuProfile p)) throw new ScheduleException(s, "target", "the cuda cost model needs a gpu profile, not " + profile.kind());
    double[] f = features(k, s, p);
    Map<String, Double> breakdown = CostModel.weighted(TERMS, weights, f);
    double total = CostModel.total(breakdown);
    Grid g = grid(k, s);
    return new Prediction(total, breakdown, g.hbmBytes + g.l2Bytes, lowerBoundBytes(k, p));
  }

  /** The nominal seconds of each term, in {@link #TERMS} order (the weights left out): the regressors of calibration. */
  public double[] features(KernelInfo k, Schedule s, GpuProfile p) throws ScheduleException {
    Grid g = grid(k, s);
    int occupancy = occupancy(k, s, p);
    double waves = Math.ceil(g.blocks / ((double) p.smCount() * occupancy));
    double clock = p.clockMhz() * 1e6;
    // Per wave, one SM runs `occupancy` blocks (fewer in a partial last wave: counted as full, which is the quantisation).
    double perSm = waves * occupancy;
    // Only the flash kernel uses tensor cores; the contraction and chunked kernels multiply with f32 FMAs whatever the storage type.
    boolean tensorCores = k.kind() == KernelInfo.Kind.PARALLEL && dtype != ElemType.F32;
    double peak = p.peakTflops().getOrDefault(tensorCores ? dtype.text() : "f32", p.peakTflops().get("f32")) * 1e12 / p.smCount();
    int warps = Math.max(1, s.intKnob(THREADS, 128) / p.warpSize());
    // In the flash kernel each warp owns 16 query rows; warps without rows idle. The FMA kernels spread their work over all threads.
    double busyWarps = k.kind() == KernelInfo.Kind.PARALLEL ? Math.min(1.0, Math.max(1, g.rows) / (double) (MMA_ROWS * warps)) : 1.0;
    double tensor = perSm * g.flops / (peak * busyWarps);
    double scalar = perSm * (g.scores * (1 / EXP_PER_CLOCK + OPS_PER_SCORE / FP32_PER_CLOCK) + g.rescales / FP32_PER_CLOCK) / clock;
    double smem = perSm * g.smemReads / (SMEM_BYTES_PER_CLOCK * clock);
    double compute = tensor + scalar + smem;
    double hbm = g.hbmBytes / (p.memoryGbPerS() * 1e9);
    double l2 = g.l2Bytes / (p.l2GbPerS() * 1e9);
    double memory = Math.max(0, Math.max(hbm, l2) - compute);
    int stages = s.intKnob(STAGES, 2);
    double hidden = stages + occupancy - 1;
    double latency = waves * g.steps * LOAD_LATENCY_CYCLES / hidden / clock;
    double launch = LAUNCH_SECONDS * g.launches;
    return new double[] {tensor, scalar, smem, memory, latency, launch};
  }

  /**
   * Blocks of one SM resident at once: the tightest of shared memory, registers and threads; at
   * least 1 (legality has already checked that one block fits).
   */
  public int occupancy(KernelInfo k, Schedule s, GpuProfile p) throws ScheduleException {
    int threads = s.intKnob(THREADS, 128);
    long smem = Math.max(1, sharedMemoryBytes(k, s));
    int byThreads = p.maxThreadsPerSm() / threads;
    int bySmem = (int) (p.smemPerSmBytes() / smem);
    int byRegs = p.registersPerSm() / (registersPerThread(k, s) * threads);
    return Math.max(1, Math.min(byThreads, Math.min(bySmem, byRegs)));
  }

  /** The {@code registers} knob, else an estimate: each thread's share of the f32 accumulators and score tile, plus 40 for addresses and loop state. */
  public int registersPerThread(KernelInfo k, Schedule s) throws ScheduleException {
    if (s.get(REGISTERS).isPresent()) return s.intKnob(REGISTERS, 255);
    int threads = s.intKnob(THREADS, 128);
    long bm = Math.min(s.intKnob(BLOCK_M, 64), k.m());
    long bn = Math.min(s.intKnob(BLOCK_N, 64), k.n());
    long perThread = switch (k.kind()) {
      case PARALLEL -> (bm * k.e() + bm * bn + bm * k.d() * elementBytes() / 4) / threads;
      case CONTRACTION -> bm * bn / threads;
      case RECURRENT -> chunk(k, s) * chunk(k, s) / threads;
    };
    return (int) Math.min(1 << 16, perThread + 40);
  }

  /** Shared memory of one block: the Q (or A) tile and {@code stages} K and V (or B) tiles. */
  long sharedMemoryBytes(KernelInfo k, Schedule s) throws ScheduleException {
    long bm = s.intKnob(BLOCK_M, 64);
    long bn = s.intKnob(BLOCK_N, 64);
    long stages = s.intKnob(STAGES, 2);
    return switch (k.kind()) {
      case PARALLEL -> elementBytes() * (bm * k.d() + stages * bn * (k.d() + k.e()));
      case CONTRACTION -> elementBytes() * stages * (bm + bn) * Math.min(k.d(), K_TILE);
      // The chunked kernel: the f32 state, the chunk's q, k, v and o rows and its c × c scores.
      case RECURRENT -> 4L * k.d() * k.e() + 4L * chunk(k, s) * (2 * k.d() + 2 * k.e()) + 4L * chunk(k, s) * chunk(k, s);
    };
  }

  /** The recurrence's chunk length: the {@code chunk} knob (the CUDA backend's default 16), at most the sequence. */
  private static long chunk(KernelInfo k, Schedule s) throws ScheduleException {
    return Math.max(1, Math.min(s.intKnob(Knobs.CHUNK, 16), k.m()));
  }

  private int elementBytes() {
    return dtype == ElemType.F32 ? 4 : 2;
  }

  /** What one schedule launches: blocks, and per block FLOPs, scores, shared-memory reads and key steps; bytes moved in all. */
  private record Grid(double blocks, long rows, double flops, double scores, double rescales, double smemReads, double steps, double hbmBytes,
      double l2Bytes, int launches) {}

  private Grid grid(KernelInfo k, Schedule s) throws ScheduleException {
    long bm = Math.min(s.intKnob(BLOCK_M, 64), k.m());
    long bn = s.intKnob(BLOCK_N, 64);
    int warps = Math.max(1, s.intKnob(THREADS, 128) / 32);
    int eb = elementBytes();
    return switch (k.kind()) {
      case PARALLEL -> {
        int split = Math.max(1, s.intKnob(SPLIT_KV, 0));
        double qBlocks = Math.ceil((double) k.m() / bm);
        double visited = CpuCostModel.visitedFraction(k, (int) bm, (int) bn);
        double keys = Math.ceil(k.n() * visited / split);
        double blocks = k.batch() * qBlocks * split;
        double kvBytes = eb * (double) k.n() * (k.d() + k.e());
        double reReads = k.batch() * (qBlocks * split - split) * kvBytes * visited;
        double compulsory = eb * k.batch() * ((double) k.m() * (k.d() + k.e()) + (double) k.n() * (k.d() + k.e()));
        double partials = split > 1 ? 4.0 * k.batch() * k.m() * split * (k.e() + 2) * 2 : 0;
        double steps = Math.ceil(keys / bn);
        yield new Grid(blocks, bm, 2.0 * bm * keys * (k.d() + k.e()), bm * keys * Math.max(1, k.passes()), steps * bm * k.e(),
            (double) warps * keys * (k.d() + k.e()) * eb, steps, compulsory + partials, reReads, split > 1 ? 2 : 1);
      }
      case CONTRACTION -> {
        long tn = Math.min(bn, k.n());
        double blocks = k.batch() * Math.ceil((double) k.m() / bm) * Math.ceil((double) k.n() / tn);
        double compulsory = eb * k.batch() * ((double) k.m() * k.d() + (double) k.d() * k.n()) + 4.0 * k.batch() * k.m() * k.n();
        double tileReads = blocks * (bm + tn) * (double) k.d() * eb;
        yield new Grid(blocks, bm, 2.0 * bm * tn * k.d(), 0, 0, (double) warps * (bm + tn) * k.d() * eb / 2, Math.ceil(k.d() / (double) K_TILE),
            compulsory, Math.max(0, tileReads - compulsory), 1);
      }
      case RECURRENT -> {
        long c = chunk(k, s);
        double chunks = Math.ceil((double) k.m() / c);
        double perChunk = 2.0 * (c * (c + 1) / 2.0 * (k.d() + k.e()) + 2.0 * c * k.d() * k.e());
        double bytes = eb * k.batch() * (double) k.m() * (2 * k.d() + 2 * k.e());
        yield new Grid(k.batch(), c, chunks * perChunk, chunks * c * (c + 1) / 2.0, chunks * k.d() * k.e(), (double) warps * chunks * c * (k.d() + k.e()) * eb,
            chunks, bytes, 0, 1);
      }
    };
  }

  /** The attention I/O lower bound with the on-chip memory of all SMs (shared memory) as M; compulsory traffic otherwise. */
  public static double lowerBoundBytes(KernelInfo k, GpuProfile p) {
    double compulsory = 2.0 * k.batch() * switch (k.kind()) {
      case PARALLEL -> k.m() * (k.d() + k.e()) + k.n() * (k.d() + k.e());
      case RECURRENT -> k.m() * (2 * k.d() + 2 * k.e());
      case CONTRACTION -> k.m() * k.d() + k.d() * k.n() + k.m() * k.n();
    };
    if (k.kind() != KernelInfo.Kind.PARALLEL) return compulsory;
    double onChip = p.smemPerSmBytes() / 2.0;
    double bound = 2.0 * k.batch() * k.m() * k.n() * k.visibleFraction() * k.d() * Math.max(k.d(), k.e()) / onChip;
    return Math.max(compulsory, bound);
  }
}
