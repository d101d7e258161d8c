package dev.tessera.scheduler.cost;

import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.profile.HardwareProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Predicts how long a kernel takes under a schedule on a machine. Each target has its own model. */
public interface CostModel {
  /** The prediction; a schedule whose knobs are malformed is a {@link ScheduleException}. */
  Prediction predict(KernelInfo kernel, Schedule schedule, HardwareProfile profile) throws ScheduleException;

  /** Each term's weighted nominal time, by name in {@code terms} order: a weighted-sum model's breakdown (its total is their sum). */
  static Map<String, Double> weighted(List<String> terms, double[] weights, double[] features) {
    Map<String, Double> breakdown = new LinkedHashMap<>();
    for (int i = 0; i < features.length; i++) breakdown.put(terms.get(i), weights[i] * features[i]);
    return breakdown;
  }

  /** The sum of a breakdown's terms. */
  static double total(Map<String, Double> breakdown) {
    double total = 0;
    for (double v : breakdown.values()) total += v;
    return total;
  }
}
