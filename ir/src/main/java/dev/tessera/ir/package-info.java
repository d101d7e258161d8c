/**
 * The tensor-program IR: immutable records for expressions, ops, kernels and normalizers, with a
 * text form ({@link dev.tessera.ir.IrPrinter}, {@link dev.tessera.ir.IrParser}) that round-trips.
 */
package dev.tessera.ir;
