/**
 * The mesh backend (after WaferLLM): mesh programs — a core grid, per-core programs in a small
 * instruction set, static colour routes — with their text form, the limits check (SRAM, colours),
 * and the kernel generators (MeshGEMM, its transposed variant, SUMMA, Cannon, MeshGEMV with a
 * two-level tree allreduce, the pipeline allreduce GEMV, attention prefill and decode).
 */
package dev.tessera.mesh;
