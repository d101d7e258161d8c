package dev.tessera.runtime.mesh;

/**
 * What a simulation measured: the cycles until the last core finished, each core's busy cycles
 * (instructions executing, row-major by core), and the words each link carried, per core and
 * output direction N, E, S, W (row-major, 4 per core).
 */
public record SimResult(double cycles, int width, int height, double[] busy, long[] linkWords) {}
