package dev.tessera.cpu;

import dev.tessera.cpu.kernels.ColumnSoftmax;
import dev.tessera.ir.Expr;
import java.util.List;

/**
 * Everything the fused attention executor needs about one template: the scale folded into the
 * score product ({@code alpha}), whether the tile code has nothing to do (always, or on tiles the
 * mask fully covers), the index roles (batch
 * indices, query row {@code m}, key {@code n}, contraction {@code d}, value column {@code e}), how
 * Q, K, V and O are addressed, the generated tile and normalizer (and whether it is the online
 * softmax, run on fully visible blocks by ColumnSoftmax), and the block sizes.
 */
record FlashSpec(
    int tile,
    boolean tileIsIdentity,
    boolean tileIsIdentityWhenFull,
    Expr alpha,
    int normalizer,
    boolean onlineSoftmax,
    int stateVars,
    int scratchRows,
    int passes,
    boolean combinable,
    List<String> batch,
    List<Expr> batchExtents,
    String m,
    String n,
    Expr mExtent,
    Expr nExtent,
    Expr dExtent,
    Expr eExtent,
    Access q,
    Access k,
    Access v,
    Access out,
    Expr normalizeMask,
    List<Expr> modifierMasks,
    int blockM,
    int blockN,
    int splitKv) {

  /** Whether fully visible blocks run in ColumnSoftmax here: the online softmax, with 16-lane vectors. */
  boolean columns() {
    return onlineSoftmax && ColumnSoftmax.available();
  }

  /** Whether a row block of {@code rows} query rows can run in ColumnSoftmax: whole 8-row tiles. */
  static boolean columnRows(int rows) {
    return rows % 8 == 0;
  }

  /** Whether no mask applies, so every tile is fully visible (checked once, not per tile). */
  boolean unmasked() {
    if (normalizeMask != null) return false;
    for (Expr m : modifierMasks) if (m != null) return false;
    return true;
  }

  /**
   * A tensor read as a matrix: {@code subs} are its subscripts with the row and column index
   * variables named {@code row} and {@code col}; each stands alone in exactly one position, and the
   * other positions depend on batch indices only.
   */
  record Access(String tensor, List<Expr> subs, String row, String col, int rowPos, int colPos) {}
}
