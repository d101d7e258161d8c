/**
 * The middle end: one pass per file, run in the order given by {@link dev.tessera.passes.Pipeline}
 * with the {@link dev.tessera.passes.Verifier} between passes.
 */
package dev.tessera.passes;
