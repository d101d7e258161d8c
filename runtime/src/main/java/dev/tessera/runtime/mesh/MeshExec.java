package dev.tessera.runtime.mesh;

import dev.tessera.ir.NormalizerDef;
import dev.tessera.mesh.MeshKernel;
import dev.tessera.mesh.Tile;
import java.util.LinkedHashMap;
import java.util.Map;

/** Loads host matrices onto the cores, runs a kernel in the event simulator and reads the results back. */
public final class MeshExec {
  private MeshExec() {}

  /** A host matrix, row-major. */
  public record Matrix(int rows, int cols, float[] data) {
    public Matrix {
      if (data.length != rows * cols) throw new IllegalArgumentException(rows + "x" + cols + " matrix of " + data.length);
    }

    public static Matrix zeros(int rows, int cols) {
      return new Matrix(rows, cols, new float[rows * cols]);
    }
  }

  /** The outputs (named as the kernel's stores name them, shaped by {@code outputShapes}) and the simulation result. */
  public record Run(Map<String, Matrix> outputs, SimResult sim) {}

  public static Run run(MeshKernel k, SimParams params, Map<String, Matrix> inputs, Map<String, int[]> outputShapes, NormalizerDef normalizer) {
    Memory mem = new Memory(k.program());
    for (Tile t : k.loads()) {
      Matrix m = inputs.get(t.matrix());
      if (m == null) throw new IllegalArgumentException("no matrix " + t.matrix());
      mem.load(t, m.data(), m.rows(), m.cols());
    }
    SimResult sim = EventSimulator.run(k.program(), params, mem, normalizer);
    Map<String, Matrix> outs = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> e : outputShapes.entrySet()) outs.put(e.getKey(), Matrix.zeros(e.getValue()[0], e.getValue()[1]));
    for (Tile t : k.stores()) {
      Matrix m = outs.get(t.matrix());
      mem.store(t, m.data(), m.rows(), m.cols());
    }
    return new Run(outs, sim);
  }
}
