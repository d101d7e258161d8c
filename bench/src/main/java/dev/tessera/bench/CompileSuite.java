package dev.tessera.bench;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.diag.CompileException;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import dev.tessera.scheduler.ScheduleException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Kernel compile time, source text to a loaded hidden class (front end, passes, bytecode), for
 * every zoo file: the first compile of each file in this JVM, and the median of the next ones once
 * the compiler itself has warmed up. The very first row also pays for loading the compiler.
 */
final class CompileSuite {
  static final String NAME = "compile";
  static final String[] FILES = {"attention/mha", "attention/mha_causal", "attention/gqa", "attention/sliding_window",
      "attention/alibi", "attention/softcap", "attention/sigmoid", "attention/relu", "attention/diff",
      "attention/retnet_parallel", "attention/retnet_recurrent", "attention/mamba2_ssd", "attention/gla",
      "attention/mla_decode", "attention/block_sparse", "einsum/gemm", "einsum/gemv", "einsum/gated_mlp"};

  private CompileSuite() {}

  static List<BenchRecord> run(boolean quick, PrintWriter out, PrintWriter progress) {
    int repeats = quick ? 3 : 9;
    List<BenchRecord> records = new ArrayList<>();
    out.println("compile: source text to loaded class (front end + passes + bytecode), cpu target, default schedule");
    out.printf(Locale.ROOT, "%-28s %10s %12s%n", "file", "first ms", "warm ms");
    for (String f : FILES) {
      progress.printf("compile: %s%n", f);
      progress.flush();
      String text = text(f);
      double first = compileMillis(f, text);
      double[] warm = new double[repeats];
      for (int i = 0; i < repeats; i++) warm[i] = compileMillis(f, text);
      Arrays.sort(warm);
      double median = warm[repeats / 2];
      out.printf(Locale.ROOT, "%-28s %10.1f %12.1f%n", f, first, median);
      records.add(new BenchRecord(NAME, f, "tessera-first", first, 0));
      records.add(new BenchRecord(NAME, f, "tessera-warm", median, 0));
    }
    out.flush();
    return records;
  }

  private static double compileMillis(String file, String text) {
    long t0 = System.nanoTime();
    try {
      Module m = Pipeline.run(Frontend.compile(new Sources(), file + ".attn", text).module());
      CpuBackend.compile(m, m.kernels().get(0), CpuBackend.defaultSchedule());
    } catch (CompileException | ScheduleException e) {
      throw new IllegalStateException("zoo file " + file + " does not compile: " + e.getMessage(), e);
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  private static String text(String file) {
    String path = "tessera/examples/" + file + ".attn";
    try (InputStream in = CompileSuite.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("zoo file " + path + " is not on the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
