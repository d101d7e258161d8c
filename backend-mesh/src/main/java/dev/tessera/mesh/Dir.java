package dev.tessera.mesh;

/** A router port: the four mesh neighbours and the ramp to the router's own core. */
public enum Dir {
  N(0, -1), E(1, 0), S(0, 1), W(-1, 0), R(0, 0);

  public final int dx;
  public final int dy;

  Dir(int dx, int dy) {
    this.dx = dx;
    this.dy = dy;
  }

  /** The port a message sent out of this one arrives on at the neighbour. */
  public Dir opposite() {
    return switch (this) {
      case N -> S;
      case S -> N;
      case E -> W;
      case W -> E;
      case R -> R;
    };
  }
}
