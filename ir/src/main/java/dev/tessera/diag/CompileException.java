package dev.tessera.diag;

import java.util.List;

/** Thrown when a step cannot go on; carries the diagnostics that explain why. */
public final class CompileException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<Diagnostic> diagnostics;

  public CompileException(List<Diagnostic> diagnostics) {
    super(diagnostics.isEmpty() ? "compilation failed" : diagnostics.get(0).message());
    this.diagnostics = List.copyOf(diagnostics);
  }

  public CompileException(Diagnostic diagnostic) {
    this(List.of(diagnostic));
  }

  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }
}
