package dev.tessera.frontend;

import dev.tessera.diag.Span;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Expr;
import dev.tessera.ir.TensorDecl;
import java.util.List;
import java.util.Optional;

/** A tensor while its kernel is checked: temporaries learn their shape when their statement resolves. */
final class TensorInfo {
  final String name;
  final ElemType type;
  final TensorDecl.Role role;
  final int rank;
  final Span span;
  final Optional<TensorDecl.ValueRange> range;
  List<Expr> shape;
  List<IndexInfo> shapeFrom;

  TensorInfo(String name, ElemType type, TensorDecl.Role role, int rank, Span span, List<Expr> shape,
      Optional<TensorDecl.ValueRange> range) {
    this.name = name;
    this.type = type;
    this.role = role;
    this.rank = rank;
    this.span = span;
    this.shape = shape;
    this.range = range;
  }

  static TensorInfo temp(String name, Span span, List<IndexInfo> indices) {
    TensorInfo t = new TensorInfo(name, ElemType.F32, TensorDecl.Role.TEMP, indices.size(), span, null, Optional.empty());
    t.shapeFrom = List.copyOf(indices);
    return t;
  }

  /** Fills a temporary's shape from its resolved indices. */
  void settle() {
    if (shape == null) shape = shapeFrom.stream().map(IndexInfo::extent).toList();
  }

  TensorDecl decl() {
    return new TensorDecl(name, type, shape, role, range);
  }
}
