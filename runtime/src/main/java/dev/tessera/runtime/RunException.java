package dev.tessera.runtime;

/** A kernel cannot run on a target (mesh simulator, GPU): {@code code} is a run error code (E410 unavailable or unsupported, E412 a broken limit), {@code hint} what to do. */
public final class RunException extends Exception {
  private static final long serialVersionUID = 1L;
  public final String code;
  public final String hint;

  public RunException(String code, String message, String hint) {
    super(message);
    this.code = code;
    this.hint = hint;
  }
}
