package dev.tessera.runtime;

import dev.tessera.ir.Extents;
import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Span;
import dev.tessera.ir.Expr;
import dev.tessera.ir.IrPrinter;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.SourceMap;
import dev.tessera.ir.TensorDecl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Binds a kernel's dimensions, in this order of authority: shapes of the given inputs, values from
 * the command line, dimension relations (solved forwards, or backwards through + - *), and last the
 * kernel's defaults. Every conflict is a positioned diagnostic.
 */
public final class DimBinder {
  private final Kernel kernel;
  private final SourceMap sources;
  private final Map<String, Long> dims = new LinkedHashMap<>();
  private final Map<String, String> origin = new LinkedHashMap<>();

  public DimBinder(Kernel kernel, SourceMap sources) {
    this.kernel = kernel;
    this.sources = sources;
  }

  /** Binds every dimension or throws with the first problem found. */
  public Map<String, Long> bind(Map<String, int[]> inputShapes, Map<String, Long> given) throws CompileException {
    for (Map.Entry<String, int[]> e : new TreeMap<>(inputShapes).entrySet()) fromInput(e.getKey(), e.getValue());
    for (Map.Entry<String, Long> e : given.entrySet()) {
      if (!kernel.dims().contains(e.getKey())) {
        throw error(RunErrors.BAD_DIM, sources.kernel(kernel.name()), "kernel " + kernel.name() + " has no dimension '" + e.getKey() + "'",
            "its dimensions are " + String.join(", ", kernel.dims()));
      }
      put(e.getKey(), e.getValue(), "--dim " + e.getKey() + "=" + e.getValue());
    }
    solveRelations();
    for (Kernel.DimDefault d : kernel.defaults()) {
      if (!dims.containsKey(d.dim())) {
        put(d.dim(), d.value(), "the kernel's default");
        solveRelations();
      }
    }
    for (String d : kernel.dims()) {
      if (!dims.containsKey(d)) {
        throw error(RunErrors.UNBOUND_DIM, sources.dim(kernel.name(), d), "dimension '" + d + "' is not bound",
            "pass --dim " + d + "=VALUE, or an input whose shape fixes it");
      }
      if (dims.get(d) < 1) {
        throw error(RunErrors.BAD_DIM, sources.dim(kernel.name(), d), "dimension '" + d + "' is " + dims.get(d) + " (from " + origin.get(d)
            + "); dimensions must be at least 1");
      }
    }
    checkRelations();
    return Map.copyOf(dims);
  }

  private void fromInput(String name, int[] shape) throws CompileException {
    TensorDecl t = kernel.tensor(name).filter(x -> x.role() == TensorDecl.Role.INPUT).orElse(null);
    if (t == null) {
      List<String> names = kernel.inputs().stream().map(TensorDecl::name).toList();
      throw error(RunErrors.UNKNOWN_INPUT, sources.kernel(kernel.name()), "kernel " + kernel.name() + " has no input '" + name + "'",
          "its inputs are " + String.join(", ", names));
    }
    Span at = sources.tensor(kernel.name(), name);
    if (shape.length != t.rank()) {
      throw error(RunErrors.SHAPE_MISMATCH, at, "input '" + name + "' is declared with " + t.rank() + " dimension"
          + (t.rank() == 1 ? "" : "s") + " " + shapeText(t) + " but the array has " + shape.length + ": " + java.util.Arrays.toString(shape));
    }
    for (int i = 0; i < shape.length; i++) {
      Expr e = t.shape().get(i);
      if (e instanceof Expr.Const c && c.value() != shape[i]) {
        throw error(RunErrors.SHAPE_MISMATCH, at, "input '" + name + "' must have size " + (long) c.value() + " in dimension " + i
            + " " + shapeText(t) + ", but the array has " + shape[i]);
      }
      if (e instanceof Expr.Dim d) put(d.name(), shape[i], name + ".shape[" + i + "]", at);
    }
  }

  private static String shapeText(TensorDecl t) {
    return t.shape().stream().map(IrPrinter::expr).collect(java.util.stream.Collectors.joining(", ", "[", "]"));
  }

  private void put(String dim, long value, String from) throws CompileException {
    put(dim, value, from, sources.dim(kernel.name(), dim));
  }

  private void put(String dim, long value, String from, Span at) throws CompileException {
    Long old = dims.get(dim);
    if (old != null && old != value) {
      throw error(RunErrors.SHAPE_MISMATCH, at, "dimension '" + dim + "' is " + old + " from " + origin.get(dim) + " but " + value
          + " from " + from, "make the shapes agree");
    }
    if (value < 1) {
      throw error(RunErrors.BAD_DIM, at, "dimension '" + dim + "' is " + value + " (from " + from + "); dimensions must be at least 1");
    }
    dims.put(dim, value);
    origin.putIfAbsent(dim, from);
  }

  private void solveRelations() throws CompileException {
    boolean progress = true;
    while (progress) {
      progress = false;
      for (Kernel.Relation r : kernel.relations()) {
        Long rhs = tryEval(r.value(), r);
        if (rhs != null && !dims.containsKey(r.dim())) {
          put(r.dim(), rhs, "relation " + r.dim() + " = " + IrPrinter.expr(r.value()));
          progress = true;
        } else if (rhs == null && dims.containsKey(r.dim()) && invert(r.value(), dims.get(r.dim()), r)) {
          progress = true;
        }
      }
    }
  }

  /** Solves {@code e = value} for the single unbound dimension in {@code e}; false when it cannot. */
  private boolean invert(Expr e, long value, Kernel.Relation r) throws CompileException {
    if (e instanceof Expr.Dim d && !dims.containsKey(d.name())) {
      put(d.name(), value, "relation " + r.dim() + " = " + IrPrinter.expr(r.value()));
      return true;
    }
    if (!(e instanceof Expr.Binary b)) return false;
    Long l = tryEval(b.left(), r);
    Long rr = tryEval(b.right(), r);
    if ((l == null) == (rr == null)) return false;
    long known = l != null ? l : rr;
    Expr unknown = l != null ? b.right() : b.left();
    return switch (b.op()) {
      case ADD -> invert(unknown, value - known, r);
      case SUB -> invert(unknown, l != null ? known - value : value + known, r);
      case MUL -> {
        if (known == 0 || value % known != 0) {
          throw error(RunErrors.RELATION, sources.dim(kernel.name(), r.dim()), "relation " + r.dim() + " = " + IrPrinter.expr(r.value())
              + " cannot hold: " + r.dim() + " = " + dims.get(r.dim()) + " is not a multiple of " + known);
        }
        yield invert(unknown, value / known, r);
      }
      default -> false;
    };
  }

  private void checkRelations() throws CompileException {
    for (Kernel.Relation r : kernel.relations()) {
      long v = tryEval(r.value(), r);
      if (v != dims.get(r.dim())) {
        throw error(RunErrors.RELATION, sources.dim(kernel.name(), r.dim()), "relation " + r.dim() + " = " + IrPrinter.expr(r.value())
            + " does not hold: " + r.dim() + " = " + dims.get(r.dim()) + " (from " + origin.get(r.dim()) + ") but the right side is " + v,
            describe(r.value()));
      }
    }
  }

  private String describe(Expr e) {
    List<String> names = new ArrayList<>();
    dev.tessera.ir.Exprs.dims(e, names);
    return names.stream().map(n -> n + " = " + dims.get(n) + " (from " + origin.get(n) + ")").collect(java.util.stream.Collectors.joining(", "));
  }

  /** Evaluates a dimension expression of relation {@code r}, or null when some dimension is unbound. */
  Long tryEval(Expr e, Kernel.Relation r) throws CompileException {
    List<String> names = new ArrayList<>();
    dev.tessera.ir.Exprs.dims(e, names);
    if (!dims.keySet().containsAll(names)) return null;
    try {
      return (long) Extents.eval(e, dims);
    } catch (dev.tessera.ir.Semantics.DivisionByZero z) {
      throw error(RunErrors.RELATION, sources.dim(kernel.name(), r.dim()), "relation " + r.dim() + " = " + IrPrinter.expr(r.value())
          + " divides by zero", describe(e));
    }
  }

  private static CompileException error(String code, Span at, String message, String hint) {
    return new CompileException(Diagnostic.error(code, at, message, hint));
  }

  private static CompileException error(String code, Span at, String message) {
    return error(code, at, message, "");
  }
}
