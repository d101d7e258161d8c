package dev.tessera.scheduler;

import dev.tessera.ir.ElemType;

/**
 * The problem sizes a schedule's legality depends on: {@code m} query rows, {@code n} key rows,
 * {@code d} the head dimension of Q and K, {@code e} that of V, and the storage type of the
 * inputs. A GEMM {@code C[m,n] = A[m,d]·B[d,n]} is {@code e = 0}.
 */
public record Shapes(long m, long n, long d, long e, ElemType dtype) {
  public Shapes {
    if (m < 1 || n < 1 || d < 1 || e < 0 || dtype == null) {
      throw new IllegalArgumentException("shapes m=" + m + ", n=" + n + ", d=" + d + ", e=" + e + ", " + dtype);
    }
  }

  /** Bytes per stored element. */
  public int elementBytes() {
    return switch (dtype) {
      case F32 -> 4;
      case F16, BF16 -> 2;
      case I8, BOOL -> 1;
    };
  }

  @Override
  public String toString() {
    return "m=" + m + ", n=" + n + ", d=" + d + ", e=" + e + " (" + dtype.text() + ")";
  }
}
