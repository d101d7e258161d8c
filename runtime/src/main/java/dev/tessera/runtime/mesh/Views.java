package dev.tessera.runtime.mesh;

import dev.tessera.ir.Expr;
import dev.tessera.runtime.DenseTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Host-side views between the IR's named indices and the 2-D matrices the mesh kernels take: a
 * tensor read with plain indices, flattened to rows × columns over chosen groups of indices.
 */
final class Views {
  private Views() {}

  /** The index names of a read whose subscripts are all plain indices, or null. */
  static List<String> plainIndices(Expr.Read r) {
    List<String> names = new ArrayList<>();
    for (Expr e : r.indices()) {
      if (!(e instanceof Expr.Index i)) return null;
      names.add(i.name());
    }
    return names.stream().distinct().count() == names.size() ? names : null;
  }

  /** Product of the extents of {@code names}. */
  static int size(List<String> names, Map<String, Integer> extents) {
    int s = 1;
    for (String n : names) s *= extents.get(n);
    return s;
  }

  /** Sets {@code values} to the mixed-radix digits of {@code flat} over {@code names}. */
  static void unflatten(int flat, List<String> names, Map<String, Integer> extents, Map<String, Integer> values) {
    for (int i = names.size() - 1; i >= 0; i--) {
      int e = extents.get(names.get(i));
      values.put(names.get(i), flat % e);
      flat /= e;
    }
  }

  /** The element offset of {@code values} on the named axes; an axis named {@code null} is fixed elsewhere and adds nothing. */
  static int offset(DenseTensor t, List<String> axes, Map<String, Integer> values) {
    int off = 0;
    for (int a = 0; a < axes.size(); a++) if (axes.get(a) != null) off += t.stride(a) * values.get(axes.get(a));
    return off;
  }

  /** The matrix rows × cols of tensor {@code t} (axes named {@code axes}) at fixed {@code batch} values. */
  static MeshExec.Matrix gather(DenseTensor t, List<String> axes, List<String> rows, List<String> cols, Map<String, Integer> batch,
      Map<String, Integer> extents) {
    return matrix(t, 0, axes, rows, cols, batch, extents);
  }

  /** The rows × cols matrix at element {@code base} plus the offset of the named axes. */
  private static MeshExec.Matrix matrix(DenseTensor t, int base, List<String> axes, List<String> rows, List<String> cols,
      Map<String, Integer> batch, Map<String, Integer> extents) {
    int r = size(rows, extents);
    int c = size(cols, extents);
    float[] d = new float[r * c];
    Map<String, Integer> v = new java.util.HashMap<>(batch);
    for (int i = 0; i < r; i++) {
      unflatten(i, rows, extents, v);
      for (int j = 0; j < c; j++) {
        unflatten(j, cols, extents, v);
        d[i * c + j] = (float) t.data()[base + offset(t, axes, v)];
      }
    }
    return new MeshExec.Matrix(r, c, d);
  }

  /**
   * The matrix rows × cols of a read of {@code t} with subscripts {@code subs} at fixed {@code batch}
   * values: subscripts that are plain row, column or batch indices vary; any other (an expression of
   * the batch indices such as {@code h / G}, or a constant) is evaluated once.
   *
   * @throws IndexOutOfBoundsException when an evaluated subscript falls outside its axis
   */
  static MeshExec.Matrix gather(DenseTensor t, List<Expr> subs, List<String> rows, List<String> cols, Map<String, Integer> batch,
      Map<String, Integer> extents, Map<String, Long> dims) {
    List<String> axes = new ArrayList<>();
    int base = 0;
    Map<String, Long> at = new java.util.HashMap<>();
    batch.forEach((k, v) -> at.put(k, (long) v));
    for (int a = 0; a < subs.size(); a++) {
      Expr e = subs.get(a);
      if (e instanceof Expr.Index i && (rows.contains(i.name()) || cols.contains(i.name()) || batch.containsKey(i.name()))) {
        axes.add(i.name());
        continue;
      }
      long v = (long) dev.tessera.mesh.ScalarEval.eval(e, dims, at);
      if (v < 0 || v >= t.extent(a)) throw new IndexOutOfBoundsException("subscript " + a + " is " + v + ", outside [0, " + t.extent(a) + ")");
      base += (int) (v * t.stride(a));
      axes.add(null);
    }
    return matrix(t, base, axes, rows, cols, batch, extents);
  }

  /**
   * Element {@code at} of the host tensor {@code name}, for masks, stage matrices and decays that read one.
   *
   * @throws IndexOutOfBoundsException naming the subscript that falls outside its axis
   */
  static double element(Map<String, DenseTensor> tensors, String name, long[] at) {
    DenseTensor t = tensors.get(name);
    long off = 0;
    for (int a = 0; a < at.length; a++) {
      if (at[a] < 0 || at[a] >= t.extent(a)) {
        throw new IndexOutOfBoundsException("subscript " + a + " of " + name + " is " + at[a] + ", outside [0, " + t.extent(a) + ")");
      }
      off += at[a] * t.stride(a);
    }
    return t.data()[(int) off];
  }

  /** Writes a rows × cols matrix back into {@code t}. */
  static void scatter(MeshExec.Matrix m, DenseTensor t, List<String> axes, List<String> rows, List<String> cols, Map<String, Integer> batch,
      Map<String, Integer> extents) {
    Map<String, Integer> v = new java.util.HashMap<>(batch);
    for (int i = 0; i < m.rows(); i++) {
      unflatten(i, rows, extents, v);
      for (int j = 0; j < m.cols(); j++) {
        unflatten(j, cols, extents, v);
        t.data()[offset(t, axes, v)] = m.data()[i * m.cols() + j];
      }
    }
  }
}
