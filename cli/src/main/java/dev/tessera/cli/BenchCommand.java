package dev.tessera.cli;

import dev.tessera.bench.BenchRecord;
import dev.tessera.bench.JsonRecords;
import dev.tessera.bench.Suites;
import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Sources;
import dev.tessera.diag.Span;
import dev.tessera.runtime.RunErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tessera bench SUITE}: runs a benchmark suite, prints its table and optionally writes its JSON records. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark suite: Tessera beside ONNX Runtime and plain Java baselines; prints a table, optionally writes JSON.")
final class BenchCommand implements Callable<Integer> {
  private static final Span COMMAND_LINE = new Span("<command line>", 0, 0, 0);

  @Parameters(index = "0", paramLabel = "SUITE", description = "the suite to run: ${COMPLETION-CANDIDATES}", completionCandidates = SuiteNames.class)
  String suite;

  @Option(names = "--quick", description = "smaller sizes and fewer runs (about a minute rather than several)")
  boolean quick;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the records {suite, case, impl, ms, gflops} to FILE as a JSON array")
  Path json;

  @Option(names = "--threads", paramLabel = "N",
      description = "threads for every implementation and the FMA peak (default: the available processors)")
  Integer threads;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Suite names for help and completion. */
  static final class SuiteNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Suites.names().iterator();
    }
  }

  @Override
  public Integer call() {
    if (!Suites.names().contains(suite)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "unknown suite '" + suite + "'; suites: " + String.join(", ", Suites.names()));
    }
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (n < 1 || n > 1024) throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be between 1 and 1024, not " + n);
    // Checked before the run, which may take minutes, rather than after it.
    if (json != null && !Files.isDirectory(json.toAbsolutePath().getParent())) {
      return error("cannot write " + json + ": no such directory " + json.toAbsolutePath().getParent());
    }
    List<BenchRecord> records = Suites.run(suite, quick, n, spec.commandLine().getOut(), spec.commandLine().getErr());
    if (json != null) {
      try {
        JsonRecords.write(json, records);
      } catch (IOException e) {
        return error("cannot write " + json + ": " + e.getMessage());
      }
      spec.commandLine().getOut().println("wrote " + records.size() + " records to " + json);
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  private int error(String message) {
    return new Console(new Sources(), spec.commandLine().getErr())
        .report(new CompileException(Diagnostic.error(RunErrors.OUTPUT, COMMAND_LINE, message, "")));
  }
}
