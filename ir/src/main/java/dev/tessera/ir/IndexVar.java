package dev.tessera.ir;

/** An index variable with its extent (a dimension expression): it ranges over {@code [0, extent)}. */
public record IndexVar(String name, Expr extent) {
  public IndexVar {
    if (name == null || name.isEmpty() || extent == null) throw new IllegalArgumentException("index");
  }

  public Expr.Index ref() {
    return new Expr.Index(name);
  }
}
