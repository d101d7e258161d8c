package dev.tessera.cuda;

import java.util.List;

/**
 * One kernel launch of a manifest: the entry point, grid and block (x only), dynamic shared memory,
 * and the buffers passed as its parameters, in order.
 */
record Launch(String entry, String what, long grid, int block, long sharedBytes, List<Param> params) {
  /** A pointer parameter: the buffer and whether the kernel writes it. */
  record Param(String buffer, boolean written) {}

  Launch {
    params = List.copyOf(params);
    if (grid < 1 || grid > Integer.MAX_VALUE || block < 1) throw new IllegalArgumentException("launch " + entry + ": grid " + grid + ", block " + block);
  }
}
