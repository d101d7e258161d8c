package dev.tessera.mesh;

/**
 * A mesh program breaks a hardware limit: a core's buffers exceed its SRAM, or the routes use more
 * colours than the router has. The message names the core and the figures; a compile-time error.
 */
public final class MeshLimitException extends Exception {
  private static final long serialVersionUID = 1L;

  public MeshLimitException(String message) {
    super(message);
  }
}
