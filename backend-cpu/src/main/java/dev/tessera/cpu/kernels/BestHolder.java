package dev.tessera.cpu.kernels;

/** Defers the module lookup, and VectorMatMul's class loading, until MatMul.best() is first called. */
final class BestHolder {
  private BestHolder() {}

  static final MatMul BEST = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
      ? VectorMatMul.INSTANCE
      : ScalarMatMul.INSTANCE;
}
