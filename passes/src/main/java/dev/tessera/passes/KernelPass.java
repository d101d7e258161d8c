package dev.tessera.passes;

import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;

/** A pass that rewrites each kernel independently. */
abstract class KernelPass implements Pass {
  abstract Kernel run(Module module, Kernel kernel);

  @Override
  public final Module run(Module module) {
    return module.withKernels(module.kernels().stream().map(k -> run(module, k)).toList());
  }
}
