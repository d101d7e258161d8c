package dev.tessera.cli;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.DiagnosticPrinter;
import dev.tessera.diag.Sources;
import java.io.PrintWriter;

/** Prints diagnostics to the error stream, quoting the source they point into. */
final class Console {
  private final Sources sources;
  private final PrintWriter err;

  Console(Sources sources, PrintWriter err) {
    this.sources = sources;
    this.err = err;
  }

  /** Prints every diagnostic of {@code e} and returns the input-error exit status. */
  int report(CompileException e) {
    DiagnosticPrinter p = new DiagnosticPrinter(sources);
    for (Diagnostic d : e.diagnostics()) err.print(p.render(d));
    long n = e.diagnostics().stream().filter(Diagnostic::isError).count();
    err.println(n + " error" + (n == 1 ? "" : "s"));
    err.flush();
    return Main.INPUT_ERROR;
  }
}
