package dev.tessera.bench;

import java.util.Map;

/** What a benchmark case computes, as the baselines beside Tessera need to know it. */
sealed interface Workload permits Problem, RecurrentProblem {
  /** The floating-point work of one run, counted as {@link Flops} describes; the same for every implementation. */
  double flops();

  /** The plain-Java baseline's output [B, H, M or T, E] for the kernel's inputs, by tensor name. */
  float[] unfused(Map<String, float[]> inputs);
}
