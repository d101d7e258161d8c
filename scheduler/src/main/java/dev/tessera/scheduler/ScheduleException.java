package dev.tessera.scheduler;

/** An illegal schedule: names the knob and the limit it breaks. Search code catches it and moves on. */
public final class ScheduleException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String knob;

  public ScheduleException(Schedule schedule, String knob, String problem) {
    super("illegal schedule " + schedule + ": " + knob + " " + problem);
    this.knob = knob;
  }

  public String knob() {
    return knob;
  }
}
