package dev.tessera.runtime.mesh;

/** A kernel cannot run on the mesh: {@code code} is a run error code (E410 unsupported, E412 a broken limit). */
public final class MeshRunException extends Exception {
  private static final long serialVersionUID = 1L;
  public final String code;
  public final String hint;

  public MeshRunException(String code, String message, String hint) {
    super(message);
    this.code = code;
    this.hint = hint;
  }
}
