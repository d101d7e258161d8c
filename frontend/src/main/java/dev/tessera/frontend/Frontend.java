package dev.tessera.frontend;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Sources;
import dev.tessera.diag.Span;
import dev.tessera.frontend.ast.Ast;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.Op;
import dev.tessera.ir.SourceMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The front end's entry point: parses a source file, checks it against the standard library of
 * normalizers, and lowers it to a {@link Module}. Errors come back as a {@link CompileException}
 * holding every diagnostic found.
 */
public final class Frontend {
  /** The name under which the standard library appears in diagnostics. */
  public static final String STDLIB = "<std>/std.attn";

  private Frontend() {}

  /** A checked source: the IR and where its names were declared. */
  public record Compiled(Module module, SourceMap sourceMap) {}

  public static Compiled compile(Sources sources, Path file) throws CompileException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CompileException(Diagnostic.error("E100", new Span(file.toString(), 0, 0, 0), "no such file", ""));
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new CompileException(Diagnostic.error("E100", new Span(file.toString(), 0, 0, 0), "cannot read the file: " + e.getMessage(), ""));
    }
    return compile(sources, file.toString(), text);
  }

  public static Compiled compile(Sources sources, String file, String text) throws CompileException {
    sources.add(file, text);
    Diagnostics diags = new Diagnostics();
    Stdlib std = Loaded.LIB;
    sources.add(STDLIB, std.text());
    Ast.File ast = SourceParser.parse(file, text);
    Map<String, NormalizerDef> normalizers = new LinkedHashMap<>();
    List<String> stdNames = new ArrayList<>();
    for (NormalizerDef d : std.normalizers()) {
      normalizers.put(d.name(), d);
      stdNames.add(d.name());
    }
    List<String> userNames = new ArrayList<>();
    List<String> failedNames = new ArrayList<>();
    for (Ast.NormalizerDecl n : ast.normalizers()) {
      if (normalizers.containsKey(n.name().name())) {
        diags.error(Codes.DUPLICATE, n.name().span(), "normalizer '" + n.name().name() + "' is already defined"
            + (stdNames.contains(n.name().name()) ? " by the standard library" : ""), "give it another name");
        continue;
      }
      checkNormalizer(n, diags).ifPresentOrElse(d -> {
        normalizers.put(d.name(), d);
        userNames.add(d.name());
      }, () -> failedNames.add(n.name().name()));
    }
    SourceMap sourceMap = new SourceMap();
    List<Kernel> kernels = new ArrayList<>();
    List<String> kernelNames = new ArrayList<>();
    for (Ast.KernelDecl k : ast.kernels()) {
      if (kernelNames.contains(k.name().name())) {
        diags.error(Codes.DUPLICATE, k.name().span(), "kernel '" + k.name().name() + "' is defined twice");
        continue;
      }
      kernelNames.add(k.name().name());
      try {
        kernels.add(new KernelChecker(diags, sourceMap, normalizers, failedNames).check(k));
      } catch (Diagnostics.Abandon e) {
        // reported
      }
    }
    if (diags.hasErrors()) throw new CompileException(diags.list());
    return new Compiled(new Module(used(normalizers, userNames, kernels), kernels), sourceMap);
  }

  private static java.util.Optional<NormalizerDef> checkNormalizer(Ast.NormalizerDecl n, Diagnostics diags) {
    try {
      return java.util.Optional.of(new NormalizerChecker(diags).check(n));
    } catch (Diagnostics.Abandon e) {
      return java.util.Optional.empty();
    }
  }

  /** The user's normalizers, and those of the standard library that some kernel uses, in definition order. */
  private static List<NormalizerDef> used(Map<String, NormalizerDef> all, List<String> user, List<Kernel> kernels) {
    List<String> names = new ArrayList<>();
    for (Kernel k : kernels) for (Op op : k.ops()) collectNormalizers(op, names);
    return all.values().stream().filter(n -> user.contains(n.name()) || names.contains(n.name())).toList();
  }

  private static void collectNormalizers(Op op, List<String> out) {
    switch (op) {
      case Op.Normalize n -> out.add(n.normalizer());
      case Op.Scan s -> s.body().forEach(b -> collectNormalizers(b, out));
      case Op.ParallelAttention a -> a.normalize().ifPresent(n -> out.add(n.normalizer()));
      case Op.RecurrentAttention r -> collectNormalizers(r.scan(), out);
      case Op.Compute c -> { }
      case Op.Contract c -> { }
      case Op.Einsum e -> { }
    }
  }

  /** The standard library's text and its checked normalizers, in definition order. */
  private record Stdlib(String text, List<NormalizerDef> normalizers) {}

  // Parsed and checked once per JVM, on first use: the library is a constant, so every compile
  // after the first in a JVM (the API's, the benchmarks') is spared its parse and check.
  private static final class Loaded {
    static final Stdlib LIB = loadStdlib();
  }

  /** The standard library's normalizers, as every compile sees them, in definition order. */
  public static List<NormalizerDef> stdlibNormalizers() {
    return Loaded.LIB.normalizers();
  }

  /** A fingerprint of the standard library's text (its String hash), for results worked out from it ahead of time. */
  public static int stdlibFingerprint() {
    return Loaded.LIB.text().hashCode();
  }

  private static Stdlib loadStdlib() {
    String text;
    try (InputStream in = Frontend.class.getResourceAsStream("std.attn")) {
      if (in == null) throw new IllegalStateException("standard library missing from the class path");
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the standard library", e);
    }
    Diagnostics diags = new Diagnostics();
    Ast.File std;
    try {
      std = SourceParser.parse(STDLIB, text);
    } catch (CompileException e) {
      throw new IllegalStateException("standard library does not parse: " + e.getMessage(), e);
    }
    List<NormalizerDef> defs = new ArrayList<>();
    for (Ast.NormalizerDecl n : std.normalizers()) {
      defs.add(checkNormalizer(n, diags)
          .orElseThrow(() -> new IllegalStateException("standard library does not check: " + diags.list())));
    }
    return new Stdlib(text, List.copyOf(defs));
  }
}
