package dev.tessera.bench;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.DiagnosticPrinter;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.SourceMap;
import dev.tessera.passes.Pipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Compiles zoo files from the classpath (the tessera-examples jar) through the front end and the pass pipeline. */
final class Zoo {
  private Zoo() {}

  /** A zoo kernel after the pass pipeline, with the module and source map the backend and input binder need. */
  record Compiled(Module module, Kernel kernel, SourceMap sourceMap) {}

  /** Compiles {@code examples/attention/FILE.attn} and picks the kernel named like the file. */
  static Compiled attention(String file) {
    return compile("attention", file);
  }

  /** Compiles {@code examples/DIR/FILE.attn} and picks the kernel named like the file. */
  static Compiled compile(String dir, String file) {
    String path = "examples/" + dir + "/" + file + ".attn";
    String text;
    try (InputStream in = Zoo.class.getClassLoader().getResourceAsStream("tessera/" + path)) {
      if (in == null) throw new IllegalStateException("zoo file " + path + " is not on the classpath");
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Sources sources = new Sources();
    try {
      Frontend.Compiled c = Frontend.compile(sources, path, text);
      Module m = Pipeline.run(c.module());
      Kernel k = m.kernel(file).orElseThrow(() -> new IllegalStateException(path + " defines no kernel " + file));
      return new Compiled(m, k, c.sourceMap());
    } catch (CompileException e) {
      DiagnosticPrinter p = new DiagnosticPrinter(sources);
      throw new IllegalStateException("zoo file " + path + " does not compile:\n"
          + String.join("", e.diagnostics().stream().map(p::render).toList()));
    }
  }
}
