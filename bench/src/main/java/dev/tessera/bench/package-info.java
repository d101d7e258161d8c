/**
 * Benchmark suites ({@code tessera bench}): Tessera's kernels timed beside ONNX Runtime and plain
 * Java baselines on the same inputs, printed as a table and written as JSON records.
 */
package dev.tessera.bench;
