package dev.tessera.bench;

/**
 * One measurement, as written to JSON: the suite, the case, the implementation ({@code tessera}, {@code onnxruntime}
 * or {@code unfused}), the median time in milliseconds and the GFLOP/s that time gives with the suite's FLOP count.
 */
public record BenchRecord(String suite, String caseName, String impl, double ms, double gflops) {
  public BenchRecord {
    if (!Double.isFinite(ms) || !Double.isFinite(gflops)) {
      throw new IllegalArgumentException("non-finite measurement for " + caseName + "/" + impl + ": " + ms + " ms, " + gflops + " GFLOP/s");
    }
  }
}
