package dev.tessera.runtime.npy;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense C-order array read from or written to a {@code .npy} file, with every element widened
 * to {@code double}.
 *
 * <p>{@code values} is not copied: arrays can be large, and callers own the buffer they pass in.
 */
public record NpyArray(NpyType type, int[] shape, double[] values) {
  private static final int TO_STRING_LIMIT = 32;

  public NpyArray {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(values, "values");
    shape = shape.clone();
    long expected = elementCount(shape);
    if (values.length != expected) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + expected + " values, got "
              + values.length);
    }
  }

  /** A copy of the shape; an empty shape is a 0-d (scalar) array. */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** Number of elements (1 for a 0-d array). */
  public int size() {
    return values.length;
  }

  /** Number of dimensions (0 for a scalar). */
  public int rank() {
    return shape.length;
  }

  /** Product of the dimensions; throws if a dimension is negative or the product overflows int. */
  static long elementCount(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + " has more than " + Integer.MAX_VALUE
                + " elements");
      }
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyArray other
        && type == other.type
        && Arrays.equals(shape, other.shape)
        && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, Arrays.hashCode(shape), Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("NpyArray[type=").append(type);
    sb.append(", shape=").append(Arrays.toString(shape)).append(", values=[");
    int shown = Math.min(values.length, TO_STRING_LIMIT);
    for (int i = 0; i < shown; i++) {
      sb.append(i == 0 ? "" : ", ").append(values[i]);
    }
    if (shown < values.length) {
      sb.append(", ... (").append(values.length).append(" total)");
    }
    return sb.append("]]").toString();
  }
}
