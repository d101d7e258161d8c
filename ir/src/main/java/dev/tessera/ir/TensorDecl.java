package dev.tessera.ir;

import java.util.List;
import java.util.Optional;

/**
 * A tensor of a kernel: its storage type, its shape as dimension expressions, its role, and for
 * inputs an optional value range used when inputs are generated.
 */
public record TensorDecl(String name, ElemType type, List<Expr> shape, Role role, Optional<ValueRange> range) {
  /** Where a tensor comes from. */
  public enum Role { INPUT, OUTPUT, TEMP }

  /** An interval of values; generated inputs are drawn uniformly from it. */
  public record ValueRange(double low, double high) {
    public ValueRange {
      if (!(low <= high)) throw new IllegalArgumentException("range [" + low + ", " + high + "]");
    }
  }

  public TensorDecl {
    shape = List.copyOf(shape);
    if (range == null) range = Optional.empty();
  }

  public int rank() {
    return shape.size();
  }

  public TensorDecl withType(ElemType t) {
    return new TensorDecl(name, t, shape, role, range);
  }
}
