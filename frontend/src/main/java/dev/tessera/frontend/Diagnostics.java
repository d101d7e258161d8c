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
    return dev.tessera.diag.Suggestions.didYouMean(name, known);
  }
}
