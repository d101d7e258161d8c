package dev.tessera.maven;

import dev.tessera.api.CompiledKernel;
import dev.tessera.api.Target;
import dev.tessera.api.Tessera;
import dev.tessera.api.TesseraException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * {@code tessera:compile}: checks every {@code .attn} source under {@link #sourceDirectory} and
 * writes, per kernel, a typed Java facade to {@link #outputDirectory} (a compile source root) and
 * the source it compiles from to {@link #resourceDirectory} (a resource directory). Diagnostics
 * fail the build with {@code file:line:col: error[CODE]: message}. A source whose text and options
 * are unchanged since the last build is skipped.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class CompileMojo extends AbstractMojo {
  /** Bumped whenever the generated code changes shape, so stamps of older plugin builds are stale. */
  static final String GENERATOR_VERSION = "1";

  /** Where the kernel sources are; every {@code **}{@code /*.attn} below it is compiled. */
  @Parameter(property = "tessera.sourceDirectory", defaultValue = "${project.basedir}/src/main/tessera")
  File sourceDirectory;

  /** Where the facades go; added to the project's compile source roots. */
  @Parameter(defaultValue = "${project.build.directory}/generated-sources/tessera")
  File outputDirectory;

  /** Where the sources the facades compile from go (under {@code tessera/}); added as a resource directory. */
  @Parameter(defaultValue = "${project.build.directory}/generated-resources/tessera")
  File resourceDirectory;

  /** Where the records of the last build's inputs go, for skipping unchanged sources. */
  @Parameter(defaultValue = "${project.build.directory}/tessera-stamps")
  File stampDirectory;

  /**
   * The targets: {@code cpu} (the default) or {@code ref} for the facades; {@code cuda} adds each
   * kernel's {@code .cu}, launch manifest and (where nvcc exists) PTX/cubin, {@code mesh} its mesh
   * programs, as resources under {@code tessera/SOURCE/TARGET/}.
   */
  @Parameter(property = "tessera.targets", defaultValue = "cpu")
  List<String> targets;

  /** The hardware profile the facades' cost predictions are for. */
  @Parameter(property = "tessera.profile", defaultValue = "host")
  String profile;

  /** Storage type of floating-point tensors: {@code f32} (as declared, the default), {@code f16} or {@code bf16}. */
  @Parameter(property = "tessera.dtype")
  String dtype;

  /** Dimensions fixed at build time, e.g. {@code <dims><D>64</D></dims>}; a kernel without the dimension ignores it. */
  @Parameter
  Map<String, String> dims;

  /** Skips the goal. */
  @Parameter(property = "tessera.skip", defaultValue = "false")
  boolean skip;

  /** Fails the build on warnings too. */
  @Parameter(property = "tessera.failOnWarning", defaultValue = "false")
  boolean failOnWarning;

  /** The package of the generated facades. */
  @Parameter(property = "tessera.packageName", defaultValue = "tessera.kernels")
  String packageName;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Parameter(defaultValue = "${plugin.version}", readonly = true)
  String pluginVersion;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("tessera: skipped (tessera.skip)");
      return;
    }
    Options o = Options.check(targets, profile, dtype, dims, packageName);
    Path src = sourceDirectory.toPath();
    if (!Files.isDirectory(src)) {
      getLog().info("tessera: no sources (" + src + " does not exist)");
      return;
    }
    project.addCompileSourceRoot(outputDirectory.getAbsolutePath());
    Resource r = new Resource();
    r.setDirectory(resourceDirectory.getAbsolutePath());
    project.addResource(r);
    try {
      run(src, o);
    } catch (IOException e) {
      throw new MojoExecutionException("tessera: " + e.getMessage(), e);
    }
  }

  private void run(Path src, Options o) throws IOException, MojoFailureException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(src)) {
      files = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".attn")).sorted().toList();
    }
    Stamps stamps = new Stamps(stampDirectory.toPath());
    Path out = outputDirectory.toPath();
    Path res = resourceDirectory.toPath();
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Map<String, String> classes = new TreeMap<>();
    List<String> dimsUsed = new ArrayList<>();
    int compiled = 0;
    int skipped = 0;
    List<String> present = new ArrayList<>();
    for (Path file : files) {
      String rel = src.relativize(file).toString().replace('\\', '/');
      present.add(rel);
      String text = Files.readString(file, StandardCharsets.UTF_8);
      String hash = Stamps.hash(text, o.fingerprint() + "|generator " + GENERATOR_VERSION + "|plugin " + pluginVersion);
      if (stamps.upToDate(rel, hash)) {
        skipped++;
        getLog().info("tessera: " + rel + " unchanged, skipped");
        Stamps.Stamp stamp = stamps.read(rel).orElseThrow();
        for (Path p : stamp.outputs()) if (p.startsWith(out)) classes.put(classKey(out, p), rel);
        dimsUsed.addAll(stamp.dims());
        if (stamp.kernels() == 0) warnings.add(file + ": defines no kernel, so no facade is generated");
        continue;
      }
      List<CompiledKernel> kernels;
      try {
        kernels = o.builder(Tessera.fromFile(file)).compileAll();
      } catch (TesseraException e) {
        errors.add(e.getMessage());
        Files.deleteIfExists(stamps.file(rel));
        continue;
      }
      if (kernels.isEmpty()) warnings.add(file + ": defines no kernel, so no facade is generated");
      String resource = "tessera/" + rel;
      List<Path> written = new ArrayList<>();
      List<String> kernelDims = kernels.stream().flatMap(k -> k.dimensionNames().stream()).distinct().sorted().toList();
      dimsUsed.addAll(kernelDims);
      written.add(writeIfChanged(res.resolve(resource), text));
      for (CompiledKernel k : kernels) {
        String cls = Names.className(k.name());
        String fqcn = o.packageName() + "." + cls;
        String previous = classes.put(fqcn, rel);
        if (previous != null) {
          errors.add(file + ": kernel " + k.name() + " would generate " + fqcn + ", which " + previous + " already generates; rename one kernel");
          continue;
        }
        Map<String, Long> fixed = new LinkedHashMap<>();
        for (String d : k.dimensionNames()) if (o.dims().containsKey(d)) fixed.put(d, o.dims().get(d));
        String code = FacadeWriter.write(k, cls, resource, rel,
            new FacadeWriter.Options(o.packageName(), o.target().text(), o.profile(), o.dtype(), fixed));
        written.add(writeIfChanged(out.resolve(fqcn.replace('.', '/') + ".java"), code));
        getLog().info("tessera: " + rel + ": kernel " + k.name() + " -> " + fqcn);
      }
      for (Target t : o.artifacts()) {
        Path dir = res.resolve("tessera/" + rel.substring(0, rel.length() - ".attn".length()) + "/" + t.text());
        try {
          for (CompiledKernel k : o.builder(Tessera.fromFile(file)).target(t).compileAll()) {
            List<Path> made = k.writeArtifacts(dir);
            written.addAll(made);
            getLog().info("tessera: " + rel + ": kernel " + k.name() + " -> " + t.text() + ": "
                + String.join(", ", made.stream().map(f -> f.getFileName().toString()).toList()));
          }
        } catch (TesseraException e) {
          errors.add(e.getMessage());
        }
      }
      stamps.write(rel, hash, kernels.size(), kernelDims, written);
      compiled++;
    }
    removeDeleted(stamps, present);
    for (String d : o.dims().keySet()) {
      if (!dimsUsed.contains(d)) warnings.add("<dims>: no kernel has a dimension '" + d + "'");
    }
    for (String w : warnings) getLog().warn("tessera: " + w);
    if (!errors.isEmpty()) {
      // Maven prints the message once; logging each error too would show it twice.
      throw new MojoFailureException(String.join("\n", errors) + "\ntessera: " + errors.size() + " source" + (errors.size() == 1 ? "" : "s")
          + " failed to compile");
    }
    if (failOnWarning && !warnings.isEmpty()) {
      throw new MojoFailureException("tessera: " + warnings.size() + " warning" + (warnings.size() == 1 ? "" : "s") + " and <failOnWarning> is set: "
          + String.join("; ", warnings));
    }
    getLog().info("tessera: " + compiled + " compiled, " + skipped + " up to date");
  }

  private static String classKey(Path out, Path javaFile) {
    String r = out.relativize(javaFile).toString().replace('\\', '/');
    return r.substring(0, r.length() - ".java".length()).replace('/', '.');
  }

  /** Outputs of sources that are gone, so a deleted kernel's facade does not linger. */
  private void removeDeleted(Stamps stamps, List<String> present) throws IOException {
    for (String rel : stamps.sources()) {
      if (present.contains(rel)) continue;
      for (Path p : stamps.read(rel).map(Stamps.Stamp::outputs).orElse(List.of())) Files.deleteIfExists(p);
      Files.deleteIfExists(stamps.file(rel));
      getLog().info("tessera: " + rel + " was removed; deleted what it generated");
    }
  }

  /** Leaves an identical file untouched, so its timestamp does not trigger recompiling the Java. */
  private static Path writeIfChanged(Path p, String text) throws IOException {
    Files.createDirectories(p.getParent());
    if (!Files.isRegularFile(p) || !Files.readString(p, StandardCharsets.UTF_8).equals(text)) Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  /** The checked options. */
  record Options(Target target, List<Target> artifacts, String profile, String dtype, Map<String, Long> dims, String packageName) {
    static Options check(List<String> targets, String profile, String dtype, Map<String, String> dims, String packageName)
        throws MojoFailureException {
      List<Target> ts = new ArrayList<>();
      for (String t : targets == null || targets.isEmpty() ? List.of("cpu") : targets) {
        Target target;
        try {
          target = Target.parse(t);
        } catch (TesseraException e) {
          throw new MojoFailureException("tessera: <targets>: unknown target '" + t + "'; targets are ref, cpu, cuda, mesh");
        }
        if (!target.isAvailable()) {
          throw new MojoFailureException("tessera: <targets>: target '" + target.text() + "' is not available in this build of tessera-maven-plugin; use cpu or ref");
        }
        if (!ts.contains(target)) ts.add(target);
      }
      Target facade = ts.contains(Target.CPU) ? Target.CPU : Target.REF;
      List<Target> artifacts = ts.stream().filter(t -> t == Target.CUDA || t == Target.MESH).toList();
      if (dtype != null && !dtype.isBlank() && !List.of("f32", "f16", "bf16").contains(dtype.trim())) {
        throw new MojoFailureException("tessera: <dtype>: must be f32, f16 or bf16, not '" + dtype + "'");
      }
      if (!Names.isPackageName(packageName)) throw new MojoFailureException("tessera: <packageName>: '" + packageName + "' is not a Java package name");
      if (profile == null || profile.isBlank()) throw new MojoFailureException("tessera: <profile>: must name a hardware profile, e.g. host");
      Map<String, Long> d = new TreeMap<>();
      if (dims != null) {
        for (Map.Entry<String, String> e : dims.entrySet()) {
          long v;
          try {
            v = Long.parseLong(e.getValue() == null ? "" : e.getValue().trim());
          } catch (NumberFormatException ex) {
            v = 0;
          }
          if (v < 1 || v > Integer.MAX_VALUE) {
            throw new MojoFailureException("tessera: <dims>: " + e.getKey() + " must be a whole number between 1 and " + Integer.MAX_VALUE
                + ", not '" + e.getValue() + "'");
          }
          d.put(e.getKey(), v);
        }
      }
      return new Options(facade, artifacts, profile.trim(), dtype == null || dtype.isBlank() ? null : dtype.trim(), d, packageName);
    }

    Tessera builder(Tessera t) {
      Tessera b = t.target(target).profile(profile).dims(dims);
      return dtype == null ? b : b.dtype(dtype);
    }

    /** Everything that shapes the output, in a fixed order. */
    String fingerprint() {
      return "target=" + target.text() + "|artifacts=" + artifacts + "|profile=" + profile + "|dtype=" + dtype + "|dims=" + dims + "|package=" + packageName;
    }
  }
}
