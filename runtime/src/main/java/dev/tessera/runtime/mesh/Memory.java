package dev.tessera.runtime.mesh;

import dev.tessera.mesh.MeshProgram;
import dev.tessera.mesh.Program;
import dev.tessera.mesh.Tile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The cores' SRAM: each core's buffers as f32 arrays, allocated from the program it runs. */
public final class Memory {
  private final int width;
  private final List<Map<String, float[]>> cores;

  public Memory(MeshProgram p) {
    this.width = p.width();
    this.cores = new java.util.ArrayList<>();
    for (int y = 0; y < p.height(); y++) {
      for (int x = 0; x < p.width(); x++) {
        Map<String, float[]> m = new LinkedHashMap<>();
        p.programAt(x, y).ifPresent(prog -> {
          for (Program.Buffer b : prog.buffers()) m.put(b.name(), new float[b.words()]);
        });
        cores.add(m);
      }
    }
  }

  public float[] buffer(int x, int y, String name) {
    float[] b = cores.get(y * width + x).get(name);
    if (b == null) throw new IllegalArgumentException("core (" + x + "," + y + ") has no buffer " + name);
    return b;
  }

  float[] buffer(int core, String name) {
    return buffer(core % width, core / width, name);
  }

  /** Copies a tile of {@code matrix} (rows × cols, row-major) into its core's buffer; outside the matrix is zero. */
  public void load(Tile t, float[] matrix, int rows, int cols) {
    float[] b = buffer(t.x(), t.y(), t.buffer());
    for (int i = 0; i < t.rows(); i++) {
      for (int j = 0; j < t.cols(); j++) {
        int r = t.r0() + i;
        int c = t.c0() + j;
        b[t.word(i, j)] = r < rows && c < cols ? matrix[r * cols + c] : 0f;
      }
    }
  }

  /** Copies a tile back into {@code matrix}, skipping the padding. */
  public void store(Tile t, float[] matrix, int rows, int cols) {
    float[] b = buffer(t.x(), t.y(), t.buffer());
    for (int i = 0; i < t.rows(); i++) {
      for (int j = 0; j < t.cols(); j++) {
        int r = t.r0() + i;
        int c = t.c0() + j;
        if (r < rows && c < cols) matrix[r * cols + c] = b[t.word(i, j)];
      }
    }
  }
}
