/**
 * The CPU backend: kernels compiled to JVM bytecode (ASM, hidden classes). Fused attention runs
 * FlashAttention-style over tiles with generated score modifiers, masks and normalizer steps;
 * everything else runs as generated loop nests. Matrix products use {@link dev.tessera.cpu.kernels}.
 */
package dev.tessera.cpu;
