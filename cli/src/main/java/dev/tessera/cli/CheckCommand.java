package dev.tessera.cli;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tessera check FILE...}: diagnostics only. */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Check DSL files and print their diagnostics.")
final class CheckCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "DSL files (.attn) to check")
  List<Path> files;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    int status = 0;
    for (Path f : files) {
      Sources sources = new Sources();
      try {
        Frontend.Compiled c = Frontend.compile(sources, f);
        int n = c.module().kernels().size();
        spec.commandLine().getOut().println(f + ": ok (" + n + " kernel" + (n == 1 ? "" : "s") + ")");
      } catch (CompileException e) {
        status = new Console(sources, spec.commandLine().getErr()).report(e);
      }
    }
    return status;
  }
}
