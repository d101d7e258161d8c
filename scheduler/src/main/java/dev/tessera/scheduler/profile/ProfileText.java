package dev.tessera.scheduler.profile;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One profile file as {@code key = value} lines, read through typed accessors that give positioned
 * errors. Every accessor also declares its key, so {@link #finish} can reject the keys nobody asked
 * for (typos, with a did-you-mean hint) and report the required keys that were absent. Until then an
 * absent required key reads as a placeholder, so callers read every field first and build the
 * record only after {@link #finish}.
 */
final class ProfileText {
  private record Entry(String value, int line) {}

  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)?");
  private static final Pattern INTEGER = Pattern.compile("[0-9][0-9_]*");
  private static final Pattern NUMBER = Pattern.compile("[0-9][0-9_]*(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  private final String file;
  private final String kind;
  private final Map<String, Entry> entries;
  private final Set<String> known = new TreeSet<>();
  private final List<String> missing = new ArrayList<>();

  private ProfileText(String file, String kind, Map<String, Entry> entries) {
    this.file = file;
    this.kind = kind;
    this.entries = entries;
  }

  /** Splits the text into entries and reads {@code kind}, which must be one of {@code kinds}. */
  static ProfileText parse(String file, String text, Collection<String> kinds) throws ProfileException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      int eq = line.indexOf('=');
      if (eq < 0) throw new ProfileException(file, i + 1, null, "expected 'key = value', got '" + line + "'");
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (!KEY.matcher(key).matches()) {
        throw new ProfileException(file, i + 1, null, "bad key '" + key + "': keys are lower_case_words, optionally with one .suffix");
      }
      if (value.isEmpty()) throw new ProfileException(file, i + 1, key, "has no value");
      Entry first = entries.putIfAbsent(key, new Entry(value, i + 1));
      if (first != null) throw new ProfileException(file, i + 1, key, "given twice (first on line " + first.line() + ")");
    }
    Entry kind = entries.get("kind");
    if (kind == null) throw new ProfileException(file, 0, "kind", "missing; one of " + String.join(", ", kinds));
    if (!kinds.contains(kind.value())) {
      throw new ProfileException(file, kind.line(), "kind", "expected one of " + String.join(", ", kinds) + ", got '" + kind.value() + "'");
    }
    ProfileText t = new ProfileText(file, kind.value(), entries);
    t.known.add("kind");
    return t;
  }

  String kind() {
    return kind;
  }

  /** A required text value; "" (and a deferred error) when absent. */
  String text(String key) {
    Entry e = entry(key, true);
    return e == null ? "" : e.value();
  }

  /** An optional text value. */
  String text(String key, String fallback) {
    Entry e = entry(key, false);
    return e == null ? fallback : e.value();
  }

  int positiveInt(String key) throws ProfileException {
    long v = positiveLong(key);
    if (v > Integer.MAX_VALUE) throw error(key, "expected at most " + Integer.MAX_VALUE + ", got " + v);
    return (int) v;
  }

  long positiveLong(String key) throws ProfileException {
    Entry e = entry(key, true);
    if (e == null) return 1;
    String v = e.value().replace("_", "");
    if (INTEGER.matcher(e.value()).matches() && v.length() <= 18 && Long.parseLong(v) > 0) return Long.parseLong(v);
    throw error(key, "expected a positive integer, got '" + e.value() + "'");
  }

  double positiveNumber(String key) throws ProfileException {
    double v = number(key, "positive");
    if (v <= 0) throw error(key, "expected a positive number, got '" + entries.get(key).value() + "'");
    return v;
  }

  double nonNegativeNumber(String key) throws ProfileException {
    return number(key, "non-negative");
  }

  private double number(String key, String what) throws ProfileException {
    Entry e = entry(key, true);
    if (e == null) return 1;
    double v = NUMBER.matcher(e.value()).matches() ? Double.parseDouble(e.value().replace("_", "")) : Double.NaN;
    if (!Double.isFinite(v)) throw error(key, "expected a " + what + " number, got '" + e.value() + "'");
    return v;
  }

  /** {@code count} positive integers written like {@code 16x8x16}; zeros (and a deferred error) when absent. */
  int[] dims(String key, int count, String example) throws ProfileException {
    Entry e = entry(key, true);
    int[] out = new int[count];
    if (e == null) return out;
    String[] parts = e.value().split("x", -1);
    boolean ok = parts.length == count;
    for (int i = 0; ok && i < count; i++) {
      ok = INTEGER.matcher(parts[i]).matches() && parts[i].length() <= 9 && Integer.parseInt(parts[i].replace("_", "")) > 0;
      if (ok) out[i] = Integer.parseInt(parts[i].replace("_", ""));
    }
    if (!ok) throw error(key, "expected " + count + " positive integers written like " + example + ", got '" + e.value() + "'");
    return out;
  }

  /**
   * The suffixes present for a family of keys {@code prefix.suffix}, each one of {@code allowed};
   * the caller reads each with a typed accessor.
   */
  List<String> family(String prefix, List<String> allowed) throws ProfileException {
    List<String> present = new ArrayList<>();
    for (String s : allowed) known.add(prefix + "." + s);
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      if (!e.getKey().startsWith(prefix + ".")) continue;
      String suffix = e.getKey().substring(prefix.length() + 1);
      if (!allowed.contains(suffix)) {
        throw error(e.getKey(), "unknown suffix '" + suffix + "'; expected one of " + String.join(", ", allowed));
      }
      present.add(suffix);
    }
    return present;
  }

  /** An error on the line of {@code key} (or on the whole file when it is absent). */
  ProfileException error(String key, String problem) {
    Entry e = entries.get(key);
    return new ProfileException(file, e == null ? 0 : e.line(), key, problem);
  }

  /** Rejects keys no accessor declared, then required keys that were absent. */
  void finish() throws ProfileException {
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      if (known.contains(e.getKey())) continue;
      String hint = dev.tessera.diag.Suggestions.didYouMean(e.getKey(), known);
      throw error(e.getKey(), "unknown field for kind " + kind + (hint.isEmpty() ? "" : "; " + hint));
    }
    if (!missing.isEmpty()) {
      throw new ProfileException(file, 0, missing.get(0), "missing (required for kind " + kind + ")");
    }
  }

  private Entry entry(String key, boolean required) {
    known.add(key);
    Entry e = entries.get(key);
    if (e == null && required) missing.add(key);
    return e;
  }
}
