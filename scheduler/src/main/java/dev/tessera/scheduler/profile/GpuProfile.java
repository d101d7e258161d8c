package dev.tessera.scheduler.profile;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A GPU: per-SM limits that decide whether a block can launch, tensor-core tiles, and the peak
 * figures a cost model divides by. Peaks are dense (no sparsity), tensor-core peaks with f32
 * accumulation; keys of {@link #mmaShapes} and {@link #peakTflops} are dtype names ({@link #DTYPES}).
 */
public record GpuProfile(String name, String description, int smCount, int clockMhz, int warpSize,
    int maxThreadsPerBlock, int maxThreadsPerSm, int registersPerSm, int maxRegistersPerThread,
    long smemPerSmBytes, long smemPerBlockBytes, Map<String, MmaShape> mmaShapes, Map<String, Double> peakTflops,
    double memoryGib, double memoryGbPerS, long l2Bytes, double l2GbPerS) implements HardwareProfile {
  /** The dtype suffixes of {@code mma_shape.*} and {@code peak_tflops.*}. */
  public static final List<String> DTYPES = List.of("f32", "tf32", "f16", "bf16", "f8", "i8");

  public GpuProfile {
    mmaShapes = Collections.unmodifiableMap(new TreeMap<>(mmaShapes));
    peakTflops = Collections.unmodifiableMap(new TreeMap<>(peakTflops));
    if (warpSize <= 0 || smemPerBlockBytes > smemPerSmBytes || maxThreadsPerBlock % warpSize != 0 || maxThreadsPerBlock > maxThreadsPerSm
        || !peakTflops.containsKey("f32")) {
      throw new IllegalArgumentException("inconsistent GPU profile " + name);
    }
  }

  @Override
  public String kind() {
    return "gpu";
  }

  static GpuProfile read(String name, ProfileText t) throws ProfileException {
    String description = t.text("description");
    int sms = t.positiveInt("sm_count");
    int clock = t.positiveInt("clock_mhz");
    int warp = t.positiveInt("warp_size");
    int threadsPerBlock = t.positiveInt("max_threads_per_block");
    int threadsPerSm = t.positiveInt("max_threads_per_sm");
    int registers = t.positiveInt("registers_per_sm");
    int registersPerThread = t.positiveInt("max_registers_per_thread");
    long smemPerSm = t.positiveLong("smem_per_sm_bytes");
    long smemPerBlock = t.positiveLong("smem_per_block_bytes");
    Map<String, MmaShape> mma = new TreeMap<>();
    for (String dtype : t.family("mma_shape", DTYPES)) {
      int[] d = t.dims("mma_shape." + dtype, 3, "16x8x16");
      mma.put(dtype, new MmaShape(d[0], d[1], d[2]));
    }
    Map<String, Double> peaks = new TreeMap<>();
    for (String dtype : t.family("peak_tflops", DTYPES)) peaks.put(dtype, t.positiveNumber("peak_tflops." + dtype));
    double memory = t.positiveNumber("memory_gib");
    double memoryBw = t.positiveNumber("memory_gb_per_s");
    long l2 = t.positiveLong("l2_bytes");
    double l2Bw = t.positiveNumber("l2_gb_per_s");
    t.finish();
    if (!peaks.containsKey("f32")) throw t.error("peak_tflops.f32", "missing (required for kind gpu)");
    if (smemPerBlock > smemPerSm) {
      throw t.error("smem_per_block_bytes", smemPerBlock + " exceeds smem_per_sm_bytes = " + smemPerSm);
    }
    if (threadsPerBlock % warp != 0 || threadsPerBlock > threadsPerSm) {
      throw t.error("max_threads_per_block", "must be a multiple of warp_size (" + warp + ") and at most max_threads_per_sm (" + threadsPerSm + ")");
    }
    return new GpuProfile(name, description, sms, clock, warp, threadsPerBlock, threadsPerSm, registers, registersPerThread,
        smemPerSm, smemPerBlock, mma, peaks, memory, memoryBw, l2, l2Bw);
  }
}
