package dev.tessera.passes;

import dev.tessera.diag.CompileException;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.Module;

/** Compiles DSL text for pass tests. */
final class Sources {
  private Sources() {}

  static Module compile(String text) {
    try {
      return Frontend.compile(new dev.tessera.diag.Sources(), "test.attn", text).module();
    } catch (CompileException e) {
      throw new AssertionError(e.diagnostics().toString());
    }
  }
}
