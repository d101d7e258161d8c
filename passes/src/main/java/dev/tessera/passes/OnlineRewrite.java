package dev.tessera.passes;

import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.Op;

/** Records on each parallel attention template how many passes over the keys its normalizer needs. */
final class OnlineRewrite extends KernelPass {
  @Override
  public String name() {
    return "online-rewrite";
  }

  @Override
  public String summary() {
    return "decide whether each normalizer runs online (1 pass) or needs 2 or 3 passes over the keys";
  }

  @Override
  Kernel run(Module module, Kernel k) {
    return k.withOps(k.ops().stream().map(op -> op instanceof Op.ParallelAttention a ? a.withPasses(passes(module, a)) : op).toList());
  }

  private static int passes(Module module, Op.ParallelAttention a) {
    if (a.normalize().isEmpty()) return 1;
    String name = a.normalize().get().normalizer();
    return OnlineAnalysis.analyse(module.normalizer(name)
        .orElseThrow(() -> new IllegalStateException("normalizer " + name + " missing"))).passes();
  }
}
