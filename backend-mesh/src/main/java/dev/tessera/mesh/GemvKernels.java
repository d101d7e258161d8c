package dev.tessera.mesh;

import java.util.ArrayList;
import java.util.List;

/**
 * GEMV {@code y[N] = W[N×K] · x[K]} on a p×p grid: core (x, y) holds W's block (row block y,
 * column block x) and x's block x, computes a partial y block, and the row allreduces the partials.
 * MeshGEMV reduces with a two-level (K = 2) tree: groups of about √p cores send to their leader,
 * the leaders to the row's root; the pipeline baseline passes a running sum core by core (each
 * step a software forward). Both end with a row multicast of the sum.
 */
public final class GemvKernels {
  static final int LEVEL1 = 0;
  static final int LEVEL2 = 1;
  static final int BCAST = 2;

  private GemvKernels() {}

  public static MeshKernel build(String algorithm, int p, int n, int k) {
    return build(algorithm, p, n, k, p);
  }

  /**
   * The same program on only {@code rows} of the p rows. Rows never talk to each other, so one row
   * times the whole kernel: the analytic mode uses it to cover 720×720 grids.
   */
  public static MeshKernel row(String algorithm, int p, int n, int k) {
    return build(algorithm, p, n, k, 1);
  }

  private static MeshKernel build(String algorithm, int p, int n, int k, int rows) {
    MeshKernel.Shape shape = shape(algorithm, p, n, k);
    int bn = shape.bn();
    int bk = shape.bk();
    boolean tree = switch (algorithm) {
      case "meshgemv" -> true;
      case "pipegemv" -> false;
      default -> throw new IllegalArgumentException("unknown GEMV algorithm " + algorithm);
    };
    int[] cls = new int[p];
    List<Program> programs = new ArrayList<>();
    String[][] names = new String[p][1];
    Lanes l1 = new Lanes(true, p);
    Lanes l2 = new Lanes(true, p);
    for (int x = 0; x < p; x++) {
      cls[x] = x;
      names[x][0] = "gemv_" + x;
      Code c = new Code(names[x][0]).buf("w", bk * bn).buf("v", bk).buf("part", bn).buf("tmp", bn);
      c.mm("part", "v", "w", 1, bk, bn, false);
      if (tree) TreeReduce.emit(c, x, p, LEVEL1, LEVEL2, "part", "tmp", bn, code -> code.add("part", "part", "tmp", bn), l1, l2);
      else chainReduce(c, x, p, bn, l1);
      if (p > 1) {
        if (x == 0) c.send(BCAST, "part", bn);
        else c.recv(BCAST, "part", bn);
      }
      programs.add(c.build());
    }
    List<Route> routes = new ArrayList<>();
    if (p > 1) {
      routes.addAll(l1.emit(LEVEL1, 0, rows - 1));
      if (tree && TreeReduce.twoLevels(p)) routes.addAll(l2.emit(LEVEL2, 0, rows - 1));
      routes.addAll(new Lanes(true, p).broadcast(0, false).emit(BCAST, 0, rows - 1));
    }
    MeshProgram prog = new MeshProgram(p, rows, "", programs, Classes.assign(cls, new int[rows], names), routes);
    List<Tile> loads = new ArrayList<>();
    List<Tile> stores = new ArrayList<>();
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < p; x++) {
        loads.add(new Tile(x, y, "w", "W", y * bn, x * bk, bn, bk, true));
        loads.add(new Tile(x, y, "v", "x", 0, x * bk, 1, bk, false));
      }
      stores.add(new Tile(0, y, "part", "y", 0, y * bn, 1, bn, false));
    }
    return new MeshKernel(prog, loads, stores, shape);
  }

  /** The kernel's shape without building its program. */
  public static MeshKernel.Shape shape(String algorithm, int p, int n, int k) {
    return new MeshKernel.Shape(algorithm, p, 1, GemmKernels.ceil(k, p), GemmKernels.ceil(n, p), false);
  }

  /** The tree's group size: about √p, so both levels take about as many receives. */
  public static int groupSize(int p) {
    return TreeReduce.groupSize(p);
  }

  private static void chainReduce(Code c, int x, int p, int bn, Lanes l1) {
    if (x < p - 1) c.recv(LEVEL1, "tmp", bn).add("part", "part", "tmp", bn);
    if (x > 0) {
      c.send(LEVEL1, "part", bn);
      l1.unicast(x, x - 1);
    }
  }
}
