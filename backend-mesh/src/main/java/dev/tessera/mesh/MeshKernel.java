package dev.tessera.mesh;

import java.util.List;

/**
 * A generated mesh kernel: the program, where the host matrices go before it runs ({@code loads}:
 * the layout WaferLLM assumes resident at the start) and where the results are read back
 * ({@code stores}), and the kernel's {@link Shape} for the analytic model.
 */
public record MeshKernel(MeshProgram program, List<Tile> loads, List<Tile> stores, Shape shape) {
  public MeshKernel {
    loads = List.copyOf(loads);
    stores = List.copyOf(stores);
  }

  /**
   * What the analytic model needs: the algorithm, the grid side, the block sizes (a core multiplies
   * bm×bk by bk×bn) and whether B is used transposed.
   */
  public record Shape(String algorithm, int p, int bm, int bk, int bn, boolean transposed) {}
}
