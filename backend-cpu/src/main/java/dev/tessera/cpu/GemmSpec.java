package dev.tessera.cpu;

import dev.tessera.ir.Expr;
import java.util.List;

/**
 * A contraction {@code C[batch…, m, n] = Σ_k A[batch…, m, k] · B[batch…, k, n]} (or with B stored
 * {@code [n, k]}) run as blocked matrix products on the {@link dev.tessera.cpu.kernels.MatMul}
 * micro-kernels. Positions ({@code …Pos}) say where each index stands among a tensor's subscripts, so
 * strides come from the run's shapes; {@code -1} marks an index the tensor lacks (a GEMV has no m).
 *
 * @param bTransposed B is stored with k contiguous ({@code [n, k]}): the product is A·Bᵀ
 */
record GemmSpec(
    String a,
    String b,
    String c,
    boolean bTransposed,
    List<Expr> batchExtents,
    int[] aBatchPos,
    int[] bBatchPos,
    int[] cBatchPos,
    int aM,
    int cM,
    int bN,
    int bK,
    Expr mExtent,
    Expr nExtent,
    Expr kExtent,
    int blockM,
    int blockN) {

  GemmSpec {
    batchExtents = List.copyOf(batchExtents);
  }
}
