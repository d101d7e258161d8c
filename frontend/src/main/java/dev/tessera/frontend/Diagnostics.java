package dev.tessera.frontend;

import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Span;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Collects diagnostics during checking; checking goes on after an error to report more than one. */
final class Diagnostics {
  private final List<Diagnostic> all = new ArrayList<>();

  /** Thrown to abandon the current statement once it has reported its error. */
  static final class Abandon extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandon() {
      super(null, null, false, false);
    }
  }

  Abandon error(String code, Span span, String message, String hint) {
    all.add(Diagnostic.error(code, span, message, hint));
    return new Abandon();
  }

  Abandon error(String code, Span span, String message) {
    return error(code, span, message, "");
  }

  /** Abandons a statement without a message: it uses a tensor whose own statement already failed. */
  Abandon quietly() {
    return new Abandon();
  }

  boolean hasErrors() {
    return all.stream().anyMatch(Diagnostic::isError);
  }

  List<Diagnostic> list() {
    return List.copyOf(all);
  }

  /** A "did you mean" hint for a misspelt name, or an empty string. */
  static String didYouMean(String name, Collection<String> known) {
    String best = null;
    int bestDist = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(name, k);
      if (d < bestDist) {
        bestDist = d;
        best = k;
      }
    }
    return best != null && bestDist <= Math.max(1, name.length() / 3) ? "did you mean '" + best + "'?" : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
