package dev.tessera.api;

import java.util.Map;

/**
 * A kernel run through the mesh simulator ({@link CompiledKernel#simulate}): its outputs and what
 * the simulated wafer took.
 *
 * @param outputs every output by name, in declaration order (f32 values)
 * @param cycles simulated cycles of every program the kernel ran, added up (host transfers between
 *     programs are not counted)
 * @param microseconds the cycles at the profile's clock
 * @param grid the side of the square of cores the programs ran on
 * @param programs how many mesh programs ran (one per contraction or map; per batch and head for attention)
 */
public record Simulation(Map<String, Tensor> outputs, double cycles, double microseconds, int grid, int programs) {
  public Simulation {
    outputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputs));
  }
}
