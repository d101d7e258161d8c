package dev.tessera.scheduler.profile;

import java.util.Locale;

/**
 * A CPU: cores, vector width, cache sizes (per core for L1d and L2, shared for L3), and measured
 * throughput. {@link #fingerprint} names the machine and JDK the measured figures belong to; it is
 * empty in profiles written by hand.
 */
public record CpuProfile(String name, String description, int cores, int vectorLanesF32, long l1dBytes, long l2Bytes,
    long l3Bytes, double fmaGflopsOneThread, double fmaGflopsAllThreads, double memoryGbPerS, String fingerprint)
    implements HardwareProfile {
  public CpuProfile {
    if (cores <= 0 || vectorLanesF32 <= 0 || l1dBytes <= 0 || l2Bytes <= 0 || l3Bytes <= 0) {
      throw new IllegalArgumentException("CPU profile " + name);
    }
    if (!oneLine(description) || !oneLine(fingerprint)) throw new IllegalArgumentException("CPU profile " + name + " text spans lines");
  }

  private static boolean oneLine(String s) {
    return s.equals(s.strip()) && s.lines().count() <= 1;
  }

  @Override
  public String kind() {
    return "cpu";
  }

  static CpuProfile read(String name, ProfileText t) throws ProfileException {
    String description = t.text("description");
    int cores = t.positiveInt("cores");
    int lanes = t.positiveInt("vector_lanes_f32");
    long l1d = t.positiveLong("l1d_bytes");
    long l2 = t.positiveLong("l2_bytes");
    long l3 = t.positiveLong("l3_bytes");
    double one = t.positiveNumber("fma_gflops_one_thread");
    double all = t.positiveNumber("fma_gflops_all_threads");
    double memory = t.positiveNumber("memory_gb_per_s");
    String fingerprint = t.text("fingerprint", "");
    t.finish();
    return new CpuProfile(name, description, cores, lanes, l1d, l2, l3, one, all, memory, fingerprint);
  }

  /** The profile's file text, which {@link HardwareProfile#parse} reads back equal. */
  public String text() {
    return String.format(Locale.ROOT, """
        kind = cpu
        description = %s
        cores = %d
        vector_lanes_f32 = %d
        l1d_bytes = %d
        l2_bytes = %d
        l3_bytes = %d
        fma_gflops_one_thread = %s
        fma_gflops_all_threads = %s
        memory_gb_per_s = %s
        """, description, cores, vectorLanesF32, l1dBytes, l2Bytes, l3Bytes, fmaGflopsOneThread, fmaGflopsAllThreads,
        memoryGbPerS) + (fingerprint.isEmpty() ? "" : "fingerprint = " + fingerprint + "\n");
  }
}
