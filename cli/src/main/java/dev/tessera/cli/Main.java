package dev.tessera.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tessera} command line: check, ir, run, tune, schedule, profiles and bench. */
@Command(name = "tessera", mixinStandardHelpOptions = true, version = "tessera 0.1.0",
    description = "A kernel-generation compiler for attention and einsum workloads.",
    subcommands = {CheckCommand.class, IrCommand.class, RunCommand.class, CompileCommand.class, TuneCommand.class, ScheduleCommand.class,
        ProfilesCommand.class, BenchCommand.class, SimCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  /** Exit status for a problem in the user's input (a diagnostic was printed). */
  static final int INPUT_ERROR = 1;
  /** Exit status for a malformed command line. */
  static final int USAGE_ERROR = 2;
  /** Exit status for a bug in Tessera itself. */
  static final int INTERNAL_ERROR = 3;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: use check, ir, run, tune, schedule, profiles or bench");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given streams; returns the exit status. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      err.println("tessera: internal error: " + ex + " (this is a bug in Tessera; please report it with the input that caused it)");
      if (System.getenv("TESSERA_DEBUG") != null) ex.printStackTrace(err);
      return INTERNAL_ERROR;
    });
    cl.setParameterExceptionHandler((ex, line) -> {
      err.println("tessera: " + ex.getMessage());
      err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
      return USAGE_ERROR;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }
}
