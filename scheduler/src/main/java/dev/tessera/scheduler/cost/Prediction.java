package dev.tessera.scheduler.cost;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cost model's answer for one schedule: the predicted seconds, how they split into terms (named
 * by the model, in its order; they sum to {@code seconds}), and the schedule's memory traffic beside
 * the I/O lower bound for the kernel on the profile's on-chip memory.
 */
public record Prediction(double seconds, Map<String, Double> breakdown, double trafficBytes, double lowerBoundBytes) {
  public Prediction {
    breakdown = Collections.unmodifiableMap(new LinkedHashMap<>(breakdown));
  }

  /** Traffic over the lower bound: 1 is optimal, larger is further from it. */
  public double boundRatio() {
    return trafficBytes / lowerBoundBytes;
  }
}
