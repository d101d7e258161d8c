package dev.tessera.runtime;

import java.util.Arrays;

/** A dense row-major tensor of doubles: the reference interpreter's storage. */
public final class DenseTensor {
  private final int[] shape;
  private final int[] strides;
  private final double[] data;

  public DenseTensor(int[] shape, double[] data) {
    this.shape = shape.clone();
    this.strides = new int[shape.length];
    long size = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] < 0) throw new IllegalArgumentException("negative extent");
      strides[i] = (int) size;
      size *= shape[i];
    }
    if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor of " + size + " elements is too large");
    if (data.length != size) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size + " values, got " + data.length);
    this.data = data;
  }

  public static DenseTensor zeros(int[] shape) {
    long size = 1;
    for (int s : shape) size *= s;
    if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor of " + size + " elements is too large");
    return new DenseTensor(shape, new double[(int) size]);
  }

  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public int extent(int axis) {
    return shape[axis];
  }

  public int stride(int axis) {
    return strides[axis];
  }

  /** The backing array, in row-major order; shared, not copied. */
  public double[] data() {
    return data;
  }

  public int size() {
    return data.length;
  }
}
