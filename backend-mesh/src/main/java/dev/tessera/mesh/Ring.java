package dev.tessera.mesh;

/**
 * Ring orders along an axis of {@code p} cores. MeshGEMM's interleaved order 0,2,4,…,5,3,1 puts
 * ring neighbours at most two cores apart and needs no wrap-around link; Cannon's natural order
 * 0,1,…,p−1 closes the ring with a path of p−1 hops.
 */
public final class Ring {
  private final int[] phys;
  private final int[] logical;

  private Ring(int[] phys) {
    this.phys = phys;
    this.logical = new int[phys.length];
    for (int l = 0; l < phys.length; l++) logical[phys[l]] = l;
  }

  public static Ring interleaved(int p) {
    int[] order = new int[p];
    int l = 0;
    for (int x = 0; x < p; x += 2) order[l++] = x;
    for (int x = (p - 1) % 2 == 1 ? p - 1 : p - 2; x >= 1; x -= 2) order[l++] = x;
    return new Ring(order);
  }

  public static Ring natural(int p) {
    int[] order = new int[p];
    for (int i = 0; i < p; i++) order[i] = i;
    return new Ring(order);
  }

  public int size() {
    return phys.length;
  }

  /** The physical position of ring position {@code l}. */
  public int phys(int l) {
    return phys[Math.floorMod(l, phys.length)];
  }

  /** The ring position of physical position {@code x}. */
  public int logical(int x) {
    return logical[x];
  }

  /** The route for every core sending to its ring predecessor, on one axis. */
  Lanes shiftRoutes(boolean horizontal, boolean forwardHalf) {
    Lanes lanes = new Lanes(horizontal, size());
    for (int l = 0; l < size(); l++) {
      int src = phys(l);
      int dst = phys(l - 1);
      if ((dst > src) == forwardHalf) lanes.unicast(src, dst);
    }
    return lanes;
  }
}
