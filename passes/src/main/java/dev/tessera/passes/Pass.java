package dev.tessera.passes;

import dev.tessera.ir.Module;

/** One rewrite of the IR, named for what it does; passes are pure functions of the module. */
public interface Pass {
  /** The name used by {@code tessera ir --after NAME}. */
  String name();

  /** One line saying what the pass does. */
  String summary();

  Module run(Module module);
}
