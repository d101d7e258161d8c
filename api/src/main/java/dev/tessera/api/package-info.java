/**
 * Tessera's programmatic Java API: one entry point, {@link dev.tessera.api.Tessera}, that compiles
 * a kernel source for a {@link dev.tessera.api.Target}, and a {@link dev.tessera.api.CompiledKernel}
 * that runs it on {@link dev.tessera.api.Tensor}s, reports its schedule and the cost model's
 * prediction, and autotunes it.
 *
 * <pre>{@code
 * CompiledKernel gemm = Tessera.fromFile(Path.of("gemm.attn")).target(Target.CPU).compile();
 * Map<String, Tensor> out = gemm.run(Map.of("A", Tensor.of(a, 2, 3), "B", Tensor.of(b, 3, 4)));
 * float[] c = out.get("C").toFloatArray();
 * }</pre>
 *
 * <p>Every problem with a source, a shape or an option is a {@link dev.tessera.api.TesseraException}
 * whose message names {@code file:line:col} and a stable code.
 */
package dev.tessera.api;
