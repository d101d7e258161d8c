package dev.tessera.scheduler;

import java.util.Optional;

/**
 * An illegal schedule: names the knob and, when a hardware profile's limit is broken, that limit
 * (a profile field such as {@code smem_per_block_bytes}). Search code catches it and moves on.
 */
public final class ScheduleException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String knob;
  private final String limit;

  public ScheduleException(Schedule schedule, String knob, String problem) {
    this("illegal schedule " + schedule + ": " + knob + " " + problem, knob, null);
  }

  private ScheduleException(String message, String knob, String limit) {
    super(message);
    this.knob = knob;
    this.limit = limit;
  }

  /**
   * A knob that breaks a profile's limit.
   *
   * @param problem a sentence naming the knob's value and the limit's, e.g. "threads=2048 exceeds
   *     the 1024 threads per block h100 allows"
   */
  public static ScheduleException limitBroken(Schedule schedule, String knob, String limit, String problem) {
    return new ScheduleException("illegal schedule " + schedule + ": " + problem, knob, limit);
  }

  public String knob() {
    return knob;
  }

  /** The profile field whose limit the schedule breaks, if it breaks one. */
  public Optional<String> limit() {
    return Optional.ofNullable(limit);
  }
}
