package dev.tessera.api;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Sources;
import dev.tessera.diag.Span;
import dev.tessera.runtime.RunErrors;

/** Turns the compiler's checked exceptions into the API's {@link TesseraException}. */
final class Errors {
  private Errors() {}

  /** Problems with a call rather than a source have no file position: they name the API. */
  static final Span API = new Span("<api>", 0, 0, 0);
  static final String BAD_VALUE = RunErrors.BAD_VALUE;
  static final String UNKNOWN_INPUT = RunErrors.UNKNOWN_INPUT;
  static final String SHAPE_MISMATCH = RunErrors.SHAPE_MISMATCH;
  static final String BAD_INPUT_FILE = RunErrors.BAD_INPUT_FILE;
  static final String ILLEGAL_SCHEDULE = RunErrors.ILLEGAL_SCHEDULE;
  static final String UNAVAILABLE = RunErrors.UNAVAILABLE;
  static final String OUTPUT = RunErrors.OUTPUT;

  static TesseraException api(String code, String message, String hint) {
    return new TesseraException(java.util.List.of(Diagnostic.error(code, API, message, hint)), new Sources());
  }

  static TesseraException of(CompileException e, Sources sources) {
    return new TesseraException(e.diagnostics(), sources);
  }

  static TargetUnavailableException unavailable(Target t, String what) {
    return new TargetUnavailableException(t, Diagnostic.error(UNAVAILABLE, API,
        what + ": target '" + t.text() + "' is not available in this build", "use Target.REF or Target.CPU"));
  }
}
