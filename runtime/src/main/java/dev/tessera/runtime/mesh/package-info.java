/**
 * The mesh simulator: runs a {@link dev.tessera.mesh.MeshProgram} event by event (per message),
 * computing the f32 results and the cycles, and an analytic model of the same kernels for grids the
 * event mode cannot reach.
 */
package dev.tessera.runtime.mesh;
