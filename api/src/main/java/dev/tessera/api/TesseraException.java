package dev.tessera.api;

import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.DiagnosticPrinter;
import dev.tessera.diag.Sources;
import java.util.List;

/**
 * A kernel could not be compiled or run. It carries every positioned diagnostic found; its message
 * renders them the way the command line does, one per problem, each starting
 * {@code file:line:col: error[CODE]: message} and followed by the quoted source line when known.
 */
public class TesseraException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<Diagnostic> diagnostics;

  TesseraException(List<Diagnostic> diagnostics, Sources sources) {
    super(render(diagnostics, sources), null, false, false);
    this.diagnostics = List.copyOf(diagnostics);
  }

  /** The diagnostics, first problem first; never empty. */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  /** The code of the first diagnostic, e.g. {@code E201} or {@code E402}. */
  public String code() {
    return diagnostics.get(0).code();
  }

  /** The first diagnostic on one line: {@code file:line:col: error[CODE]: message}. */
  public String summary() {
    Diagnostic d = diagnostics.get(0);
    return d.span() + ": " + (d.isError() ? "error" : "warning") + "[" + d.code() + "]: " + d.message();
  }

  private static String render(List<Diagnostic> ds, Sources sources) {
    DiagnosticPrinter p = new DiagnosticPrinter(sources);
    StringBuilder sb = new StringBuilder();
    for (Diagnostic d : ds) sb.append(p.render(d));
    return sb.toString().stripTrailing();
  }
}
