package dev.tessera.runtime;

import dev.tessera.ir.Extents;
import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.SourceMap;
import dev.tessera.ir.TensorDecl;
import dev.tessera.runtime.npy.NpyArray;
import dev.tessera.runtime.npy.NpyType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Prepares a run: binds dimensions, converts given arrays to storage types, generates the rest. */
public final class Inputs {
  private static final Set<NpyType> ACCEPTED = Set.of(NpyType.F32, NpyType.F16, NpyType.F64, NpyType.I8, NpyType.U8,
      NpyType.BOOL, NpyType.I32, NpyType.I64);

  private Inputs() {}

  /** Bound dimensions and every input, in the kernel's storage precision. */
  public record Prepared(Map<String, Long> dims, Map<String, DenseTensor> inputs) {}

  public static Prepared prepare(Kernel kernel, SourceMap sources, Map<String, NpyArray> given,
      Map<String, Long> dimArgs, long seed) throws CompileException {
    Map<String, int[]> shapes = new LinkedHashMap<>();
    given.forEach((k, v) -> shapes.put(k, v.shape()));
    Map<String, Long> dims = new DimBinder(kernel, sources).bind(shapes, dimArgs);
    checkSizes(kernel, sources, dims);
    Map<String, DenseTensor> inputs = new LinkedHashMap<>();
    for (TensorDecl t : kernel.inputs()) {
      int[] shape = Extents.shape(t.shape(), dims);
      NpyArray a = given.get(t.name());
      inputs.put(t.name(), a == null ? InputGenerator.generate(t, shape, seed) : convert(kernel, sources, t, a));
    }
    return new Prepared(dims, inputs);
  }

  /** The reference interpreter holds each tensor in one Java array. */
  private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  /** Rejects dimensions that would give some tensor a negative extent or too many elements to allocate. */
  private static void checkSizes(Kernel kernel, SourceMap sources, Map<String, Long> dims) throws CompileException {
    for (TensorDecl t : kernel.tensors()) {
      double n = 1;
      for (dev.tessera.ir.Expr e : t.shape()) {
        double extent = Extents.eval(e, dims);
        if (extent < 0) n = -1;
        if (n >= 0) n *= extent;
      }
      if (n < 0 || n > MAX_ELEMENTS) {
        // Temporaries the compiler introduces (e.g. _r0) have no declaration to point at: name the kernel.
        dev.tessera.diag.Span at = sources.tensor(kernel.name(), t.name());
        String what = at.known() ? "tensor '" + t.name() + "'" : "an intermediate tensor";
        if (!at.known()) at = sources.kernel(kernel.name());
        String count = n < 0x1p53 ? Long.toString((long) n) : String.format(java.util.Locale.ROOT, "%.3g", n);
        String dimText = kernel.dims().stream().map(d -> d + "=" + dims.get(d)).collect(java.util.stream.Collectors.joining(" "));
        throw new CompileException(Diagnostic.error(RunErrors.BAD_DIM, at, "with " + dimText + " " + what + " "
            + (n < 0 ? "has a negative extent" : "would hold " + count + " elements, more than the " + MAX_ELEMENTS + " one tensor can hold"),
            "use smaller --dim values"));
      }
    }
  }

  private static DenseTensor convert(Kernel kernel, SourceMap sources, TensorDecl t, NpyArray a) throws CompileException {
    if (!ACCEPTED.contains(a.type())) {
      throw new CompileException(Diagnostic.error(RunErrors.BAD_INPUT_FILE, sources.tensor(kernel.name(), t.name()),
          "input '" + t.name() + "' has element type " + a.type() + ", which cannot be converted to " + t.type().text()));
    }
    double[] src = a.values();
    double[] out = new double[src.length];
    for (int i = 0; i < src.length; i++) {
      if (!StorageTypes.representable(t.type(), src[i])) {
        throw new CompileException(Diagnostic.error(RunErrors.BAD_VALUE, sources.tensor(kernel.name(), t.name()),
            "input '" + t.name() + "' holds " + src[i] + " at flat position " + i + ", which is not a " + t.type().text() + " value",
            "i8 inputs take whole numbers in [-128, 127]"));
      }
      out[i] = StorageTypes.round(t.type(), src[i]);
    }
    return new DenseTensor(a.shape(), out);
  }
}
