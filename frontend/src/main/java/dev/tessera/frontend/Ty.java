package dev.tessera.frontend;

import dev.tessera.ir.Expr;

/** Static types of DSL expressions. */
enum Ty {
  INT, FLOAT, BOOL;

  boolean numeric() {
    return this != BOOL;
  }

  String text() {
    return switch (this) {
      case INT -> "an integer";
      case FLOAT -> "a number";
      case BOOL -> "a condition";
    };
  }

  /** An expression with its type. */
  record Typed(Expr expr, Ty ty) {}
}
