package dev.tessera.mesh;

import java.util.ArrayList;
import java.util.List;

/**
 * GEMM {@code C[M×N] = A[M×K] · B[K×N]} on a p×p grid: MeshGEMM (Cannon's compute-and-shift over
 * the interleaved ring, every shift at most two hops), Cannon (natural ring with the wrap-around
 * path) and SUMMA (a row multicast of A and a column multicast of B per step). With
 * {@code transposed}, B is given as N×K and the cores multiply by its transpose ({@code mmt}),
 * which is how attention gets Q·Kᵀ without moving a transposed K.
 */
public final class GemmKernels {
  static final int A_BACK = 0;
  static final int A_FWD = 1;
  static final int B_BACK = 2;
  static final int B_FWD = 3;

  private GemmKernels() {}

  public static MeshKernel build(String algorithm, int p, int m, int k, int n, boolean transposed) {
    MeshKernel.Shape shape = shape(algorithm, p, m, k, n, transposed);
    return switch (algorithm) {
      case "meshgemm" -> shifting(Ring.interleaved(p), shape, transposed);
      case "cannon" -> shifting(Ring.natural(p), shape, transposed);
      case "summa" -> summa(shape, transposed);
      default -> throw new IllegalArgumentException("unknown GEMM algorithm " + algorithm);
    };
  }

  /** The kernel's shape without building its program (the analytic model at full-wafer sizes). */
  public static MeshKernel.Shape shape(String algorithm, int p, int m, int k, int n, boolean transposed) {
    return new MeshKernel.Shape(algorithm, p, ceil(m, p), ceil(k, p), ceil(n, p), transposed);
  }

  static int ceil(int a, int b) {
    return (a + b - 1) / b;
  }

  /** Cannon's schedule on {@code ring}: core at ring position (lx, ly) starts with A(ly, lx+ly) and B(lx+ly, lx). */
  private static MeshKernel shifting(Ring ring, MeshKernel.Shape s, boolean transposed) {
    int p = s.p();
    int[] cls = new int[p];
    for (int x = 0; x < p; x++) cls[x] = 2 * (sendsForward(ring, x) ? 1 : 0) + (sendsForward(ring, ring.phys(ring.logical(x) + 1)) ? 1 : 0);
    String[][] names = new String[4][4];
    List<Program> programs = new ArrayList<>();
    String[] dirs = {"ww", "we", "ew", "ee"};
    String[] dirsY = {"nn", "ns", "sn", "ss"};
    for (int cx = 0; cx < 4; cx++) {
      for (int cy = 0; cy < 4; cy++) {
        if (!used(cls, cx) || !used(cls, cy)) continue;
        names[cx][cy] = "gemm_" + dirs[cx] + "_" + dirsY[cy];
        programs.add(shiftProgram(names[cx][cy], s, colours(cx, A_BACK, A_FWD), colours(cy, B_BACK, B_FWD), transposed));
      }
    }
    List<Route> routes = new ArrayList<>();
    if (p > 1) {
      routes.addAll(ring.shiftRoutes(true, false).emit(A_BACK, 0, p - 1));
      routes.addAll(ring.shiftRoutes(true, true).emit(A_FWD, 0, p - 1));
      routes.addAll(ring.shiftRoutes(false, false).emit(B_BACK, 0, p - 1));
      routes.addAll(ring.shiftRoutes(false, true).emit(B_FWD, 0, p - 1));
    }
    MeshProgram prog = new MeshProgram(p, p, "", programs, Classes.assign(cls, cls, names), routes);
    List<Tile> loads = new ArrayList<>();
    List<Tile> stores = new ArrayList<>();
    for (int y = 0; y < p; y++) {
      for (int x = 0; x < p; x++) {
        int lx = ring.logical(x);
        int ly = ring.logical(y);
        int kk = (lx + ly) % p;
        loads.add(new Tile(x, y, "a0", "A", ly * s.bm(), kk * s.bk(), s.bm(), s.bk(), false));
        loads.add(transposed ? new Tile(x, y, "b0", "B", lx * s.bn(), kk * s.bk(), s.bn(), s.bk(), false)
            : new Tile(x, y, "b0", "B", kk * s.bk(), lx * s.bn(), s.bk(), s.bn(), false));
        stores.add(new Tile(x, y, "c", "C", ly * s.bm(), lx * s.bn(), s.bm(), s.bn(), false));
      }
    }
    return new MeshKernel(prog, loads, stores, s);
  }

  /** Whether the core at {@code x} sends to its ring predecessor in the direction of growing positions. */
  static boolean sendsForward(Ring ring, int x) {
    return ring.phys(ring.logical(x) - 1) > x;
  }

  private static boolean used(int[] cls, int c) {
    for (int v : cls) if (v == c) return true;
    return false;
  }

  /** The (send, receive) colours of class {@code c}: bit 1 says it sends forward, bit 0 that its successor does. */
  static int[] colours(int c, int back, int fwd) {
    return new int[] {(c & 2) != 0 ? fwd : back, (c & 1) != 0 ? fwd : back};
  }

  /** Per step: send the blocks on (they leave while the core computes), multiply, receive the next ones. */
  private static Program shiftProgram(String name, MeshKernel.Shape s, int[] aColour, int[] bColour, boolean transposed) {
    int aw = s.bm() * s.bk();
    int bw = s.bk() * s.bn();
    Code c = new Code(name).buf("a0", aw).buf("a1", aw).buf("b0", bw).buf("b1", bw).buf("c", s.bm() * s.bn());
    for (int step = 0; step < s.p(); step++) {
      String a = "a" + step % 2;
      String b = "b" + step % 2;
      boolean more = step < s.p() - 1;
      if (more) c.send(aColour[0], a, aw).send(bColour[0], b, bw);
      c.mm("c", a, b, s.bm(), s.bk(), s.bn(), transposed);
      if (more) c.recv(aColour[1], "a" + (step + 1) % 2, aw).recv(bColour[1], "b" + (step + 1) % 2, bw);
    }
    return c.build();
  }

  /** SUMMA: at step k column k multicasts its A block along its row and row k its B block down its column. */
  private static MeshKernel summa(MeshKernel.Shape s, boolean transposed) {
    int p = s.p();
    int aw = s.bm() * s.bk();
    int bw = s.bk() * s.bn();
    int[] cls = new int[p];
    String[][] names = new String[p][p];
    List<Program> programs = new ArrayList<>();
    for (int x = 0; x < p; x++) {
      cls[x] = x;
      for (int y = 0; y < p; y++) {
        names[x][y] = "summa_" + x + "_" + y;
        Code c = new Code(names[x][y]).buf("a", aw).buf("b", bw).buf("ra0", aw).buf("ra1", aw).buf("rb0", bw).buf("rb1", bw)
            .buf("c", s.bm() * s.bn());
        if (x == 0) c.send(A_BACK, "a", aw);
        if (y == 0) c.send(B_BACK, "b", bw);
        for (int step = 0; step < p; step++) {
          String ra = "ra" + step % 2;
          String rb = "rb" + step % 2;
          c.recv(A_BACK, ra, aw).recv(B_BACK, rb, bw);
          if (x == step + 1) c.send(A_BACK, "a", aw);
          if (y == step + 1) c.send(B_BACK, "b", bw);
          c.mm("c", ra, rb, s.bm(), s.bk(), s.bn(), transposed);
        }
        programs.add(c.build());
      }
    }
    Lanes rows = new Lanes(true, p);
    Lanes cols = new Lanes(false, p);
    for (int i = 0; i < p; i++) {
      rows.broadcast(i, true);
      cols.broadcast(i, true);
    }
    List<Route> routes = new ArrayList<>(rows.emit(A_BACK, 0, p - 1));
    routes.addAll(cols.emit(B_BACK, 0, p - 1));
    MeshProgram prog = new MeshProgram(p, p, "", programs, Classes.assign(cls, cls, names), routes);
    List<Tile> loads = new ArrayList<>();
    List<Tile> stores = new ArrayList<>();
    for (int y = 0; y < p; y++) {
      for (int x = 0; x < p; x++) {
        loads.add(new Tile(x, y, "a", "A", y * s.bm(), x * s.bk(), s.bm(), s.bk(), false));
        loads.add(transposed ? new Tile(x, y, "b", "B", x * s.bn(), y * s.bk(), s.bn(), s.bk(), false)
            : new Tile(x, y, "b", "B", y * s.bk(), x * s.bn(), s.bk(), s.bn(), false));
        stores.add(new Tile(x, y, "c", "C", y * s.bm(), x * s.bn(), s.bm(), s.bn(), false));
      }
    }
    return new MeshKernel(prog, loads, stores, s);
  }
}
