package dev.tessera.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** One kernel: its tensors, dimension relations and defaults, and its ops in evaluation order. */
public record Kernel(String name, List<TensorDecl> tensors, List<Relation> relations,
    List<DimDefault> defaults, List<Op> ops) {

  /** {@code dim = value}: a dimension defined by others (e.g. {@code G = H // Hk}). */
  public record Relation(String dim, Expr value) {}

  /** A dimension's value used when neither inputs nor the command line fix it. */
  public record DimDefault(String dim, long value) {}

  public Kernel {
    tensors = List.copyOf(tensors);
    relations = List.copyOf(relations);
    defaults = List.copyOf(defaults);
    ops = List.copyOf(ops);
  }

  public List<TensorDecl> inputs() {
    return withRole(TensorDecl.Role.INPUT);
  }

  public List<TensorDecl> outputs() {
    return withRole(TensorDecl.Role.OUTPUT);
  }

  public List<TensorDecl> temps() {
    return withRole(TensorDecl.Role.TEMP);
  }

  private List<TensorDecl> withRole(TensorDecl.Role role) {
    return tensors.stream().filter(t -> t.role() == role).toList();
  }

  public Optional<TensorDecl> tensor(String name) {
    return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** Dimension names in first-mention order: shapes of inputs and outputs, then relations. */
  public List<String> dims() {
    List<String> out = new ArrayList<>();
    Stream.concat(inputs().stream(), outputs().stream())
        .flatMap(t -> t.shape().stream())
        .forEach(e -> Exprs.dims(e, out));
    for (Relation r : relations) {
      if (!out.contains(r.dim())) out.add(r.dim());
      Exprs.dims(r.value(), out);
    }
    return out;
  }

  public Kernel withOps(List<Op> newOps) {
    return new Kernel(name, tensors, relations, defaults, newOps);
  }

  public Kernel withTensors(List<TensorDecl> newTensors) {
    return new Kernel(name, newTensors, relations, defaults, ops);
  }
}
