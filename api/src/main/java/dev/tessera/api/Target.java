package dev.tessera.api;

import java.util.Locale;

/**
 * Where a kernel runs. {@link #REF} is the double-precision reference interpreter, {@link #CPU}
 * the generated JVM code, {@link #MESH} a wafer-scale mesh program run by Tessera's mesh simulator;
 * {@link #CUDA} is named so callers can ask for it, but this build does not run it and
 * {@link Tessera#compile()} answers with a {@link TargetUnavailableException}.
 */
public enum Target {
  /** The reference interpreter: exact semantics, double precision, slow. */
  REF(true),
  /** Generated JVM bytecode, vectorized when {@code jdk.incubator.vector} is present. */
  CPU(true),
  /** NVIDIA GPUs through CUDA C++ (not in this build). */
  CUDA(false),
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
