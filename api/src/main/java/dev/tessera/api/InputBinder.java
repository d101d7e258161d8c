package dev.tessera.api;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.ir.Extents;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.SourceMap;
import dev.tessera.ir.TensorDecl;
import dev.tessera.runtime.DimBinder;
import dev.tessera.runtime.npy.NpyArray;
import dev.tessera.runtime.npy.NpyType;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the caller's input values into arrays with shapes. Values that carry a shape (tensors,
 * {@code .npy} files) bind dimensions first; flat arrays and buffers then take the shape those
 * dimensions give their declaration, and must have exactly that many elements.
 */
final class InputBinder {
  private final Kernel kernel;
  private final SourceMap sources;

  InputBinder(Kernel kernel, SourceMap sources) {
    this.kernel = kernel;
    this.sources = sources;
  }

  /** The inputs as arrays, and every dimension bound. */
  record Bound(Map<String, NpyArray> arrays, Map<String, Long> dims) {}

  Bound bind(Map<String, ?> given, Map<String, Long> dimArgs) throws CompileException {
    List<String> names = kernel.inputs().stream().map(TensorDecl::name).toList();
    for (String k : new java.util.TreeSet<>(given.keySet())) {
      if (!names.contains(k)) {
        throw error(Errors.UNKNOWN_INPUT, kernel.name(), null, "kernel " + kernel.name() + " has no input '" + k + "'",
            "its inputs are " + String.join(", ", names));
      }
    }
    Map<String, NpyArray> shaped = new LinkedHashMap<>();
    for (TensorDecl t : kernel.inputs()) {
      Object v = given.get(t.name());
      if (v == null) {
        throw error(Errors.UNKNOWN_INPUT, kernel.name(), t.name(), "input '" + t.name() + "' is missing",
            "run needs every input: " + String.join(", ", names));
      }
      if (v instanceof Tensor tensor) shaped.put(t.name(), tensor.toNpy());
      else if (v instanceof Path p) shaped.put(t.name(), Tensor.read(p).toNpy());
      else if (!isFlat(v)) {
        throw error(Errors.BAD_VALUE, kernel.name(), t.name(), "input '" + t.name() + "' is a " + v.getClass().getName(),
            "pass a Tensor, a Path to a .npy file, float[], double[], int[], byte[], FloatBuffer or ByteBuffer");
      }
    }
    Map<String, int[]> shapes = new LinkedHashMap<>();
    shaped.forEach((k, a) -> shapes.put(k, a.shape()));
    Map<String, Long> dims = new DimBinder(kernel, sources).bind(shapes, dimArgs);
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    for (TensorDecl t : kernel.inputs()) {
      NpyArray a = shaped.get(t.name());
      arrays.put(t.name(), a != null ? a : flat(t, given.get(t.name()), Extents.shape(t.shape(), dims)));
    }
    return new Bound(arrays, dims);
  }

  private static boolean isFlat(Object v) {
    return v instanceof float[] || v instanceof double[] || v instanceof int[] || v instanceof byte[]
        || v instanceof FloatBuffer || v instanceof ByteBuffer;
  }

  private NpyArray flat(TensorDecl t, Object v, int[] shape) throws CompileException {
    long need = 1;
    for (int d : shape) need *= d;
    int have = switch (v) {
      case float[] f -> f.length;
      case double[] d -> d.length;
      case int[] i -> i.length;
      case byte[] b -> b.length;
      case FloatBuffer f -> f.remaining();
      case ByteBuffer b -> b.remaining() / Float.BYTES;
      default -> throw new IllegalStateException("checked above");
    };
    boolean buffer = v instanceof FloatBuffer || v instanceof ByteBuffer;
    if (buffer ? have < need : have != need) {
      String dimText = String.join(", ", t.shape().stream().map(dev.tessera.ir.IrPrinter::expr).toList());
      throw error(Errors.SHAPE_MISMATCH, kernel.name(), t.name(), "input '" + t.name() + "' has " + have + " values but its shape ["
          + dimText + "] is " + Arrays.toString(shape) + ", " + need + " values", "fix the dimensions with Tessera.dim or pass a Tensor with its shape");
    }
    return switch (v) {
      case float[] f -> Tensor.of(f, shape).toNpy();
      case double[] d -> new NpyArray(NpyType.F64, shape, d.clone());
      case int[] i -> Tensor.of(i, shape).toNpy();
      case byte[] b -> Tensor.of(b, shape).toNpy();
      case FloatBuffer f -> Tensor.of(f, shape).toNpy();
      case ByteBuffer b -> Tensor.of(b, shape).toNpy();
      default -> throw new IllegalStateException("checked above");
    };
  }

  private CompileException error(String code, String kernelName, String tensor, String message, String hint) {
    return new CompileException(Diagnostic.error(code, tensor == null ? sources.kernel(kernelName) : sources.tensor(kernelName, tensor),
        message, hint));
  }
}
