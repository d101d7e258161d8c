package dev.tessera.scheduler;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a kernel runs, as data: a target and named knobs (block sizes, threads, vector width, split
 * factor, ...), each an integer or a word. Prints as {@code cpu{blockM=64, blockN=128}} and parses
 * back to an equal value. Knobs print in name order, so equal schedules print identically.
 */
public record Schedule(String target, Map<String, String> knobs) {
  public Schedule {
    if (target == null || !target.matches("[a-z][a-z0-9_]*")) throw new IllegalArgumentException("target " + target);
    TreeMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> e : knobs.entrySet()) {
      if (!e.getKey().matches("[A-Za-z][A-Za-z0-9_]*") || !e.getValue().matches("-?[A-Za-z0-9_.]+")) {
        throw new IllegalArgumentException("knob " + e.getKey() + "=" + e.getValue());
      }
      copy.put(e.getKey(), e.getValue());
    }
    knobs = java.util.Collections.unmodifiableMap(copy);
  }

  public static Schedule of(String target) {
    return new Schedule(target, Map.of());
  }

  public Schedule with(String knob, long value) {
    return with(knob, Long.toString(value));
  }

  public Schedule with(String knob, String value) {
    TreeMap<String, String> m = new TreeMap<>(knobs);
    m.put(knob, value);
    return new Schedule(target, m);
  }

  public Optional<String> get(String knob) {
    return Optional.ofNullable(knobs.get(knob));
  }

  /** An integer knob, or {@code fallback} when absent; a non-integer value is an illegal schedule. */
  public int intKnob(String knob, int fallback) throws ScheduleException {
    String v = knobs.get(knob);
    if (v == null) return fallback;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ScheduleException(this, knob, "must be an integer, not '" + v + "'");
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(target).append('{');
    String sep = "";
    for (Map.Entry<String, String> e : knobs.entrySet()) {
      sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
      sep = ", ";
    }
    return sb.append('}').toString();
  }

  /** Reads the text form; throws {@link IllegalArgumentException} with the offending part on bad text. */
  public static Schedule parse(String text) {
    String t = text.strip();
    int open = t.indexOf('{');
    if (open <= 0 || !t.endsWith("}")) throw new IllegalArgumentException("expected TARGET{knob=value, ...}, got '" + text + "'");
    TreeMap<String, String> knobs = new TreeMap<>();
    String body = t.substring(open + 1, t.length() - 1).strip();
    if (!body.isEmpty()) {
      for (String part : body.split(",")) {
        String[] kv = part.split("=", -1);
        if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) throw new IllegalArgumentException("bad knob '" + part.strip() + "'");
        if (knobs.put(kv[0].strip(), kv[1].strip()) != null) throw new IllegalArgumentException("knob " + kv[0].strip() + " given twice");
      }
    }
    return new Schedule(t.substring(0, open).strip(), knobs);
  }
}
