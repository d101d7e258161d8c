package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Extents;
import dev.tessera.ir.IndexVar;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.TensorDecl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every tensor of a kernel lives: a dense C-order buffer whose extents are fixed when the
 * kernel is generated (dimensions are compile-time constants of the generated code).
 */
final class Layout {
  /** One buffer: its storage type, extents and row-major strides, in elements. */
  record Buffer(String name, TensorDecl.Role role, CType type, long[] extents, long[] strides, java.util.Optional<TensorDecl.ValueRange> range) {
    long elements() {
      long n = 1;
      for (long e : extents) n *= e;
      return n;
    }

    long bytes() {
      return elements() * type.bytes();
    }
  }

  private final Map<String, Buffer> buffers = new LinkedHashMap<>();
  private final Map<String, Long> dims;

  Layout(Kernel kernel, Map<String, Long> dims) {
    this.dims = dims;
    for (TensorDecl t : kernel.tensors()) {
      add(t.name(), t.role(), t.type(), t.shape().stream().mapToLong(e -> Extents.extent(e, dims)).toArray(), t.range());
    }
  }

  /** Adds a scratch buffer (e.g. the next value of a scan state). */
  void add(String name, TensorDecl.Role role, ElemType type, long[] extents) {
    add(name, role, type, extents, java.util.Optional.empty());
  }

  private void add(String name, TensorDecl.Role role, ElemType type, long[] extents, java.util.Optional<TensorDecl.ValueRange> range) {
    long[] strides = new long[extents.length];
    long s = 1;
    for (int i = extents.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= extents[i];
    }
    buffers.put(name, new Buffer(name, role, CType.of(type), extents, strides, range));
  }

  Buffer buffer(String name) {
    Buffer b = buffers.get(name);
    if (b == null) throw new IllegalStateException("no buffer " + name);
    return b;
  }

  List<Buffer> buffers() {
    return List.copyOf(buffers.values());
  }

  Map<String, Long> dims() {
    return dims;
  }

  /**
   * Emits {@code const long long} declarations that decode the flat number {@code lin} (a C
   * expression) into the indices {@code vars}, the last varying fastest, and returns each index's
   * C name by IR name.
   */
  Map<String, String> decode(CodeWriter w, List<IndexVar> vars, String lin) {
    Map<String, String> idx = new LinkedHashMap<>();
    long inner = 1;
    String[] lines = new String[vars.size()];
    for (int i = vars.size() - 1; i >= 0; i--) {
      long ext = extent(vars.get(i).extent());
      lines[i] = "const long long " + Names.index(vars.get(i).name()) + " = (" + lin + " / " + inner + "LL) % " + ext + "LL;";
      inner *= ext;
    }
    for (String l : lines) w.line(l);
    for (IndexVar v : vars) idx.put(v.name(), Names.index(v.name()));
    return idx;
  }

  long extent(Expr e) {
    return Extents.extent(e, dims);
  }
}
