package dev.tessera.diag;

/**
 * One message for the user: a stable code (E1xx syntax, E2xx names and shapes, E3xx normalizers,
 * E4xx run-time binding and inputs), a position, the message, and an optional hint.
 */
public record Diagnostic(Severity severity, String code, Span span, String message, String hint) {
  /** How bad it is. */
  public enum Severity { ERROR, WARNING }

  public Diagnostic {
    if (code == null || message == null || span == null) throw new IllegalArgumentException("diagnostic");
    hint = hint == null ? "" : hint;
  }

  public static Diagnostic error(String code, Span span, String message, String hint) {
    return new Diagnostic(Severity.ERROR, code, span, message, hint);
  }

  public static Diagnostic error(String code, Span span, String message) {
    return error(code, span, message, "");
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }
}
