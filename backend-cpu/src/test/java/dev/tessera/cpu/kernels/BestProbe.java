package dev.tessera.cpu.kernels;

/** Run in a JVM without jdk.incubator.vector: best() must fall back and still compute. */
public final class BestProbe {
  private BestProbe() {}

  public static void main(String[] args) {
    MatMul mm = MatMul.best();
    float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = new float[1];
    mm.abt(a, 0, 4, b, 0, 4, c, 0, 1, 1, 1, 4, 1f, false);
    System.out.println(mm.name() + " " + c[0]);
  }
}
