package dev.tessera.api;

import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Sources;
import java.util.List;

/** The requested {@link Target} has no backend in this build (code E410). */
public final class TargetUnavailableException extends TesseraException {
  private static final long serialVersionUID = 1L;
  /** The target that was asked for. */
  private final Target target;

  TargetUnavailableException(Target target, Diagnostic d) {
    super(List.of(d), new Sources());
    this.target = target;
  }

  /** The target that was asked for. */
  public Target target() {
    return target;
  }
}
