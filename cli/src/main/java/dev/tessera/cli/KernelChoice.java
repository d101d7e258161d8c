package dev.tessera.cli;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Span;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.SourceMap;
import dev.tessera.runtime.RunErrors;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Picks the kernel of a file to run: the named one, the only one, or the one named like the file. */
final class KernelChoice {
  private KernelChoice() {}

  static Kernel choose(Module m, Path file, String name, SourceMap sources) throws CompileException {
    String names = m.kernels().stream().map(Kernel::name).collect(Collectors.joining(", "));
    if (name != null) {
      return m.kernel(name).orElseThrow(() -> new CompileException(Diagnostic.error(RunErrors.UNKNOWN_KERNEL,
          new Span(file.toString(), 0, 0, 0), "no kernel named '" + name + "'", names.isEmpty() ? "the file defines no kernel" : "kernels: " + names)));
    }
    if (m.kernels().size() == 1) return m.kernels().get(0);
    String stem = file.getFileName().toString().replaceFirst("\\.attn$", "");
    return m.kernel(stem).orElseThrow(() -> new CompileException(Diagnostic.error(RunErrors.UNKNOWN_KERNEL,
        new Span(file.toString(), 0, 0, 0), m.kernels().isEmpty() ? "the file defines no kernel" : "the file defines several kernels",
        names.isEmpty() ? "" : "choose one with --kernel: " + names)));
  }
}
