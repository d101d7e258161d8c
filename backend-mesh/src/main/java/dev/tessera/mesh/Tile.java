package dev.tessera.mesh;

/**
 * A block of a 2-D host matrix placed in (or read back from) a core's buffer: rows
 * {@code r0..r0+rows} and columns {@code c0..c0+cols} of {@code matrix}, row-major in the buffer, or
 * column-major when {@code transposed}. Parts outside the matrix are zero padding.
 */
public record Tile(int x, int y, String buffer, String matrix, int r0, int c0, int rows, int cols, boolean transposed) {
  /** The buffer word that holds element (i, j) of the tile. */
  public int word(int i, int j) {
    return transposed ? j * rows + i : i * cols + j;
  }
}
