/** The syntax tree of Tessera source files, before names and shapes are checked. */
package dev.tessera.frontend.ast;
