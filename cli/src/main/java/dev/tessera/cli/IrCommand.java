package dev.tessera.cli;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.IrPrinter;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pass;
import dev.tessera.passes.Pipeline;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tessera ir FILE [--after PASS]}: prints the IR. */
@Command(name = "ir", mixinStandardHelpOptions = true, description = "Print the IR of a DSL file, after the front end or after a given pass.")
final class IrCommand implements Callable<Integer> {
  static final String FRONTEND = "frontend";

  @Parameters(index = "0", paramLabel = "FILE", description = "the DSL file")
  Path file;

  @Option(names = "--after", paramLabel = "PASS", description = "print the IR after this pass (default: the last); 'frontend' for the checked source; one of: ${COMPLETION-CANDIDATES}",
      completionCandidates = PassNames.class)
  String after;

  @Option(names = "--all", description = "print the IR after the front end and after every pass")
  boolean all;

  @Spec
  CommandLine.Model.CommandSpec spec;

  /** Pass names for help and completion. */
  static final class PassNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      java.util.List<String> names = new java.util.ArrayList<>();
      names.add(FRONTEND);
      Pipeline.passes().forEach(p -> names.add(p.name()));
      return names.iterator();
    }
  }

  @Override
  public Integer call() {
    String last = after == null ? Pipeline.passes().get(Pipeline.passes().size() - 1).name() : after;
    if (!last.equals(FRONTEND) && Pipeline.pass(last).isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "unknown pass '" + last + "'; passes are: " + FRONTEND + ", "
          + Pipeline.passes().stream().map(Pass::name).collect(Collectors.joining(", ")));
    }
    Sources sources = new Sources();
    Module m;
    try {
      m = Frontend.compile(sources, file).module();
    } catch (CompileException e) {
      return new Console(sources, spec.commandLine().getErr()).report(e);
    }
    var out = spec.commandLine().getOut();
    if (all) out.print("# after " + FRONTEND + "\n" + IrPrinter.print(m));
    if (last.equals(FRONTEND)) {
      if (!all) out.print(IrPrinter.print(m));
      return 0;
    }
    Module result = Pipeline.run(m, last, (p, after) -> {
      if (all) out.print("# after " + p.name() + "\n" + IrPrinter.print(after));
    });
    if (!all) out.print(IrPrinter.print(result));
    out.flush();
    return 0;
  }
}
