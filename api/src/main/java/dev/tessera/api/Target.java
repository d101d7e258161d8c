package dev.tessera.api;

import java.util.Locale;

/**
 * Where a kernel runs. {@link #REF} is the double-precision reference interpreter, {@link #CPU}
 * the generated JVM code, {@link #CUDA} CUDA C for NVIDIA GPUs (run through the driver with JCuda
 * where a GPU, its driver and nvcc exist; otherwise its artifacts can still be written), {@link #MESH}
 * a wafer-scale mesh program run by Tessera's mesh simulator. Every target is available in this
 * build; {@link TargetUnavailableException} remains for builds that leave one out.
 */
public enum Target {
  /** The reference interpreter: exact semantics, double precision, slow. */
  REF(true),
  /** Generated JVM bytecode, vectorized when {@code jdk.incubator.vector} is present. */
  CPU(true),
  /** NVIDIA GPUs through CUDA C (tensor cores for f16/bf16). */
  CUDA(true),
  /** Wafer-scale mesh accelerators (Cerebras WSE class), run and timed by Tessera's mesh simulator. */
  MESH(true);

  private final boolean available;

  Target(boolean available) {
    this.available = available;
  }

  /** Whether this build can compile for the target. */
  public boolean isAvailable() {
    return available;
  }

  /** The lower-case name used on the command line and in build options: {@code ref}, {@code cpu}, ... */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The target spelled {@code text} (case-insensitive).
   *
   * @throws TesseraException code E409 when no target has that name
   */
  public static Target parse(String text) {
    for (Target t : values()) if (t.text().equalsIgnoreCase(text == null ? "" : text.trim())) return t;
    throw Errors.api(Errors.BAD_VALUE, "unknown target '" + text + "'", "targets: ref, cpu, cuda, mesh");
  }
}
