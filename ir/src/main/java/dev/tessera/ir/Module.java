package dev.tessera.ir;

import java.util.List;
import java.util.Optional;

/** A compiled source: the normalizers it may use (standard library first) and its kernels. */
public record Module(List<NormalizerDef> normalizers, List<Kernel> kernels) {
  public Module {
    normalizers = List.copyOf(normalizers);
    kernels = List.copyOf(kernels);
  }

  public Optional<Kernel> kernel(String name) {
    return kernels.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  public Optional<NormalizerDef> normalizer(String name) {
    return normalizers.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  public Module withKernels(List<Kernel> ks) {
    return new Module(normalizers, ks);
  }
}
