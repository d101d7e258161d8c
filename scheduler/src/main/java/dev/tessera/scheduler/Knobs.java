package dev.tessera.scheduler;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The schedule knobs of Tessera's targets ({@code cpu}, {@code cuda}, {@code mesh}), named in one
 * place. A knob means the same on every target that has it. Knobs are integers unless said
 * otherwise.
 */
public final class Knobs {
  /** Query rows per block: the M tile of attention, the row tile of a GEMM. cpu, cuda. */
  public static final String BLOCK_M = "blockM";
  /** Key rows per block: the N tile streamed per step. cpu, cuda. */
  public static final String BLOCK_N = "blockN";
  /** cpu: worker threads. cuda: threads per block, a multiple of the warp size. */
  public static final String THREADS = "threads";
  /** KV ranges per query block in decode, merged afterwards; 0 lets the backend choose per run. cpu, cuda. */
  public static final String SPLIT_KV = "splitKv";
  /** Steps per chunk of chunked linear attention. cpu, cuda. */
  public static final String CHUNK = "chunk";
  /** 1 fuses templates into flash-style kernels, 0 runs them op by op. cpu. */
  public static final String FUSE = "fuse";
  /** K/V tiles in flight through shared memory (2 is cp.async double buffering). cuda. */
  public static final String STAGES = "stages";
  /** Registers per thread the kernel is built for (from {@code ptxas -v} or a launch bound); optional. cuda. */
  public static final String REGISTERS = "registers";
  /** Columns (x) of the core grid the program uses. mesh. */
  public static final String GRID_X = "gridX";
  /** Rows (y) of the core grid the program uses. mesh. */
  public static final String GRID_Y = "gridY";
  /** The GEMM algorithm, a word: one of the keys of {@link #ALGORITHM_COLOURS}. mesh. */
  public static final String ALGORITHM = "algorithm";
  /** Routing colours the program uses; optional, defaulting to its algorithm's {@link #ALGORITHM_COLOURS}. mesh. */
  public static final String COLOURS = "colours";

  /**
   * Colours each mesh GEMM algorithm's routes take: {@code cannon} 4 (the A and B shifts each need
   * one for the neighbour hop and one for the wrap-around path along the row or column),
   * {@code summa} 2 (a row multicast for A, a column multicast for B), {@code meshgemm} 4 (per
   * axis, one per direction of the interleaved ring 0,2,4,…,5,3,1). A program that adds routes
   * (allreduces, say) states its total with {@link #COLOURS}.
   */
  public static final Map<String, Integer> ALGORITHM_COLOURS =
      Collections.unmodifiableMap(new TreeMap<>(Map.of("cannon", 4, "meshgemm", 4, "summa", 2)));

  private static final Map<String, List<String>> KNOWN = Map.of(
      "cpu", List.of(THREADS, BLOCK_M, BLOCK_N, SPLIT_KV, CHUNK, FUSE),
      "cuda", List.of(THREADS, BLOCK_M, BLOCK_N, STAGES, REGISTERS, SPLIT_KV, CHUNK),
      "mesh", List.of(GRID_X, GRID_Y, ALGORITHM, COLOURS));
  private static final Map<String, List<String>> REQUIRED = Map.of(
      "cpu", List.of(THREADS, BLOCK_M, BLOCK_N),
      "cuda", List.of(THREADS, BLOCK_M, BLOCK_N, STAGES),
      "mesh", List.of(GRID_X, GRID_Y, ALGORITHM));

  /** The targets with knobs, in order. */
  public static final List<String> TARGETS = List.of("cpu", "cuda", "mesh");

  private Knobs() {}

  /** The knobs {@code target} understands (empty for an unknown target). */
  public static List<String> known(String target) {
    return KNOWN.getOrDefault(target, List.of());
  }

  /** The knobs a legal schedule for {@code target} must state. */
  public static List<String> required(String target) {
    return REQUIRED.getOrDefault(target, List.of());
  }
}
