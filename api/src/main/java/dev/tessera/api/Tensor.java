package dev.tessera.api;

import dev.tessera.runtime.npy.Npy;
import dev.tessera.runtime.npy.NpyArray;
import dev.tessera.runtime.npy.NpyFormatException;
import dev.tessera.runtime.npy.NpyType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * An immutable dense row-major tensor: a shape and its values. Inputs are built from heap arrays,
 * direct or heap NIO buffers, or {@code .npy} files; outputs come back as tensors of element type
 * {@code f32} (the {@link Target#REF reference} target's outputs keep double precision).
 *
 * <p>The element type only matters when the kernel converts the values: an {@code i8} tensor input
 * must hold whole numbers in [-128, 127], an {@code f16} input is rounded to half precision.
 */
public final class Tensor {
  private final String dtype;
  private final int[] shape;
  private final double[] values;

  private Tensor(String dtype, int[] shape, double[] values) {
    this.dtype = dtype;
    this.shape = shape.clone();
    long n = 1;
    for (int d : this.shape) {
      if (d < 0) throw new IllegalArgumentException("negative extent in shape " + Arrays.toString(shape));
      n *= d;
      if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds too many elements");
    }
    if (n != values.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + values.length);
    }
    this.values = values;
  }

  /** An {@code f32} tensor holding a copy of {@code data}. */
  public static Tensor of(float[] data, int... shape) {
    double[] v = new double[data.length];
    for (int i = 0; i < v.length; i++) v[i] = data[i];
    return new Tensor("f32", shape, v);
  }

  /** An {@code f64} tensor holding a copy of {@code data}. */
  public static Tensor of(double[] data, int... shape) {
    return new Tensor("f64", shape, data.clone());
  }

  /** An {@code i32} tensor holding a copy of {@code data}. */
  public static Tensor of(int[] data, int... shape) {
    double[] v = new double[data.length];
    for (int i = 0; i < v.length; i++) v[i] = data[i];
    return new Tensor("i32", shape, v);
  }

  /** An {@code i8} tensor holding a copy of {@code data} (signed bytes). */
  public static Tensor of(byte[] data, int... shape) {
    double[] v = new double[data.length];
    for (int i = 0; i < v.length; i++) v[i] = data[i];
    return new Tensor("i8", shape, v);
  }

  /**
   * An {@code f32} tensor copied from the {@code product(shape)} floats starting at the buffer's
   * position; the buffer's position is left unchanged. Direct and heap buffers both work.
   */
  public static Tensor of(FloatBuffer data, int... shape) {
    int n = count(shape);
    if (data.remaining() < n) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " floats, the buffer has " + data.remaining());
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = data.get(data.position() + i);
    return new Tensor("f32", shape, v);
  }

  /**
   * An {@code f32} tensor copied from the {@code product(shape)} 4-byte floats starting at the
   * buffer's position, in the buffer's byte order; the position is left unchanged.
   */
  public static Tensor of(ByteBuffer data, int... shape) {
    return of(data.duplicate().order(data.order()).asFloatBuffer(), shape);
  }

  /**
   * The array in a {@code .npy} file (f32, f64, f16, i8, u8, bool, i32 or i64).
   *
   * @throws TesseraException code E401 when the file cannot be read or is not a valid {@code .npy}
   */
  public static Tensor read(Path file) {
    try {
      NpyArray a = Npy.read(file);
      return new Tensor(a.type().name().toLowerCase(Locale.ROOT), a.shape(), a.values());
    } catch (NpyFormatException e) {
      throw Errors.api(Errors.BAD_INPUT_FILE, e.getMessage(), "");
    } catch (NoSuchFileException e) {
      throw Errors.api(Errors.BAD_INPUT_FILE, file + ": no such file", "");
    } catch (IOException | java.io.UncheckedIOException e) {
      throw Errors.api(Errors.BAD_INPUT_FILE, file + ": cannot read: " + e.getMessage(), "");
    }
  }

  static Tensor ofValues(String dtype, int[] shape, double[] values) {
    return new Tensor(dtype, shape, values);
  }

  /** The element type the values came as: {@code f32}, {@code f64}, {@code f16}, {@code i32}, {@code i64}, {@code i8}, {@code u8} or {@code bool}. */
  public String dtype() {
    return dtype;
  }

  /** A copy of the shape; an empty shape is a scalar. */
  public int[] shape() {
    return shape.clone();
  }

  /** The number of elements. */
  public int size() {
    return values.length;
  }

  /** The element at a row-major index, e.g. {@code get(i, j)} for a matrix. */
  public double get(int... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException("tensor of rank " + shape.length + " indexed with " + index.length + " indices");
    }
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= shape[i]) {
        throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside shape " + Arrays.toString(shape));
      }
      flat = flat * shape[i] + index[i];
    }
    return values[flat];
  }

  /** The values in row-major order, rounded to {@code float}. */
  public float[] toFloatArray() {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
    return f;
  }

  /** The values in row-major order. */
  public double[] toDoubleArray() {
    return values.clone();
  }

  /**
   * Writes the tensor as a {@code .npy} file of its element type ({@code f32} outputs as {@code <f4}).
   *
   * @throws TesseraException code E411 when the file cannot be written
   */
  public void writeNpy(Path file) {
    try {
      Npy.write(file, new NpyArray(npyType(), shape, values));
    } catch (IOException | java.io.UncheckedIOException e) {
      throw Errors.api(Errors.OUTPUT, "cannot write " + file + ": " + e.getMessage(), "");
    }
  }

  NpyArray toNpy() {
    return new NpyArray(npyType(), shape, values);
  }

  /** Shared, not copied: for the API's own conversions only. */
  double[] values() {
    return values;
  }

  private NpyType npyType() {
    return NpyType.valueOf(dtype.toUpperCase(Locale.ROOT));
  }

  private static int count(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative extent in shape " + Arrays.toString(shape));
      n *= d;
    }
    if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds too many elements");
    return (int) n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor[").append(dtype).append(Arrays.toString(shape)).append(": ");
    for (int i = 0; i < Math.min(8, values.length); i++) sb.append(i == 0 ? "" : ", ").append(values[i]);
    return sb.append(values.length > 8 ? ", ...]" : "]").toString();
  }
}
