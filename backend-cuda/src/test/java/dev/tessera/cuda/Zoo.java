package dev.tessera.cuda;

import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.Extents;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.Profiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The example zoo for tests: every file, compiled through the pass pipeline, with default dimensions. */
final class Zoo {
  private Zoo() {}

  static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples/attention"))) p = p.getParent();
    if (p == null) throw new IllegalStateException("examples/ not found above the working directory");
    return p.resolve("examples");
  }

  static List<Path> files() throws Exception {
    try (Stream<Path> s = Stream.concat(Files.list(root().resolve("attention")), Files.list(root().resolve("einsum")))) {
      return s.filter(f -> f.toString().endsWith(".attn")).sorted().toList();
    }
  }

  record Compiled(Module module, Kernel kernel, Map<String, Long> dims) {}

  static Compiled compile(Path file, Map<String, Long> given) throws Exception {
    return bind(Pipeline.run(Frontend.compile(new Sources(), file).module()), given);
  }

  /** A kernel written in the test itself. */
  static Compiled compile(String name, String text) throws Exception {
    return bind(Pipeline.run(Frontend.compile(new Sources(), name, text).module()), Map.of());
  }

  private static Compiled bind(Module m, Map<String, Long> given) {
    Kernel k = m.kernels().get(0);
    Map<String, Long> dims = new LinkedHashMap<>();
    for (Kernel.DimDefault d : k.defaults()) dims.put(d.dim(), d.value());
    dims.putAll(given);
    for (int round = 0; round < 3; round++) for (Kernel.Relation r : k.relations()) solve(r, dims);
    return new Compiled(m, k, dims);
  }

  /** Binds a relation's defined side, or, when that is bound, its one unbound dimension by search (tests only). */
  private static void solve(Kernel.Relation r, Map<String, Long> dims) {
    List<String> free = new java.util.ArrayList<>();
    dev.tessera.ir.Exprs.dims(r.value(), free);
    free.removeIf(dims::containsKey);
    if (free.isEmpty()) {
      dims.putIfAbsent(r.dim(), (long) Extents.eval(r.value(), dims));
    } else if (free.size() == 1 && dims.containsKey(r.dim())) {
      for (long v = 1; v <= dims.get(r.dim()); v++) {
        Map<String, Long> trial = new LinkedHashMap<>(dims);
        trial.put(free.get(0), v);
        if ((long) Extents.eval(r.value(), trial) == dims.get(r.dim())) {
          dims.put(free.get(0), v);
          return;
        }
      }
    }
  }

  static GpuProfile profile(String name) throws Exception {
    return (GpuProfile) Profiles.load(Optional.empty(), Host.standard(x -> {}), x -> {}).get(name);
  }

  static String name(Path file) {
    String f = file.getFileName().toString();
    return f.substring(0, f.length() - ".attn".length());
  }
}
