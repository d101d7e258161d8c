/**
 * The DSL front end: ANTLR grammar, syntax tree, name/shape/type checking and lowering to the
 * tensor-program IR. {@link dev.tessera.frontend.Frontend} is the entry point.
 */
package dev.tessera.frontend;
