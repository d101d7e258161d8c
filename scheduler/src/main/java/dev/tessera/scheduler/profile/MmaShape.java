package dev.tessera.scheduler.profile;

/** A tensor-core instruction's tile: an m×k by k×n product per warp ({@code mma.sync.m16n8k16} is 16, 8, 16). */
public record MmaShape(int m, int n, int k) {
  public MmaShape {
    if (m <= 0 || n <= 0 || k <= 0) throw new IllegalArgumentException("MMA shape " + m + "x" + n + "x" + k);
  }

  @Override
  public String toString() {
    return m + "x" + n + "x" + k;
  }
}
