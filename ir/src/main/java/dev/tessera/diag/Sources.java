package dev.tessera.diag;

import java.util.LinkedHashMap;
import java.util.Map;

/** The text of every source file seen so far, so diagnostics can quote the offending line. */
public final class Sources {
  private final Map<String, String[]> lines = new LinkedHashMap<>();

  public void add(String file, String text) {
    lines.put(file, text.split("\r?\n", -1));
  }

  /** The 1-based line of a file, or null when it is not known. */
  public String line(String file, int line) {
    String[] ls = lines.get(file);
    if (ls == null || line < 1 || line > ls.length) return null;
    return ls[line - 1];
  }
}
