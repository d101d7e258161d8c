package dev.tessera.mesh;

/** A mesh program's text could not be read; {@link #line} is 1-based. */
public final class MeshSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;
  public final int line;

  public MeshSyntaxException(int line, String message) {
    super("line " + line + ": " + message);
    this.line = line;
  }
}
