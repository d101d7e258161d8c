package dev.tessera.cuda;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Finds and runs {@code nvcc}; the generated code must compile with warnings as errors. */
public final class Nvcc {
  private Nvcc() {}

  /** The nvcc on PATH (or in $CUDA_HOME/bin), if any. */
  public static Optional<Path> find() {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) dirs.addAll(List.of(path.split(File.pathSeparator)));
    String home = System.getenv("CUDA_HOME");
    if (home != null) dirs.add(home + "/bin");
    for (String d : dirs) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, "nvcc");
      if (Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }

  /** What a run printed and how it ended. */
  public record Result(int exitCode, String output) {}

  /** Runs nvcc with {@code args}, warnings as errors, in {@code dir}; output is stdout and stderr together. */
  public static Result run(Path nvcc, Path dir, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(nvcc.toString());
    cmd.add("-Werror");
    cmd.add("all-warnings");
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("nvcc did not finish within 5 minutes");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for nvcc");
    }
  }
}
