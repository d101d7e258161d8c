package dev.tessera.api;

import java.util.Map;

/**
 * The CPU cost model's prediction for a kernel, schedule and hardware profile: the predicted time,
 * its breakdown by term (compute, memory, cache, ... in seconds, in the model's term order), the
 * memory traffic the schedule implies, and the I/O lower bound it is compared with.
 *
 * @param profile the hardware profile's name
 * @param schedule the schedule predicted, in its text form
 * @param seconds the predicted time
 * @param breakdown seconds per cost-model term, summing to {@code seconds}
 * @param trafficBytes the memory traffic the schedule implies
 * @param lowerBoundBytes the I/O lower bound for the kernel at this size and cache
 */
public record CostPrediction(String profile, String schedule, double seconds, Map<String, Double> breakdown,
    double trafficBytes, double lowerBoundBytes) {
  /** Copies the breakdown, keeping its order. */
  public CostPrediction {
    breakdown = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(breakdown));
  }

  /** Traffic over the I/O lower bound: 1 is optimal. */
  public double boundRatio() {
    return lowerBoundBytes > 0 ? trafficBytes / lowerBoundBytes : Double.NaN;
  }
}
