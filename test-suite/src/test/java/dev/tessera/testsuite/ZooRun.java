package dev.tessera.testsuite;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.DiagnosticPrinter;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.Interpreter;
import java.nio.file.Path;
import java.util.Map;

/** Runs an example from the zoo through the front end, the passes and the reference interpreter. */
final class ZooRun {
  final Map<String, Long> dims;
  final Map<String, DenseTensor> inputs;
  final Map<String, DenseTensor> outputs;

  private ZooRun(Map<String, Long> dims, Map<String, DenseTensor> inputs, Map<String, DenseTensor> outputs) {
    this.dims = dims;
    this.inputs = inputs;
    this.outputs = outputs;
  }

  static Path example(String relative) {
    return Path.of("..", "examples").resolve(relative);
  }

  static Module compile(String relative) {
    Sources sources = new Sources();
    try {
      return Frontend.compile(sources, example(relative)).module();
    } catch (CompileException e) {
      throw new AssertionError(render(sources, e));
    }
  }

  static ZooRun run(String relative, Map<String, Long> dims, long seed) {
    Sources sources = new Sources();
    try {
      Frontend.Compiled c = Frontend.compile(sources, example(relative));
      Module m = Pipeline.run(c.module());
      Kernel k = m.kernels().get(0);
      Inputs.Prepared p = Inputs.prepare(k, c.sourceMap(), Map.of(), dims, seed);
      Map<String, DenseTensor> out = new Interpreter(m, c.sourceMap()).run(k, p.dims(), p.inputs());
      return new ZooRun(p.dims(), p.inputs(), out);
    } catch (CompileException e) {
      throw new AssertionError(render(sources, e));
    }
  }

  double[] in(String name) {
    return inputs.get(name).data();
  }

  int dim(String name) {
    return Math.toIntExact(dims.get(name));
  }

  double[] out() {
    return outputs.values().iterator().next().data();
  }

  private static String render(Sources sources, CompileException e) {
    StringBuilder sb = new StringBuilder();
    DiagnosticPrinter p = new DiagnosticPrinter(sources);
    e.diagnostics().forEach(d -> sb.append(p.render(d)));
    return sb.toString();
  }
}
