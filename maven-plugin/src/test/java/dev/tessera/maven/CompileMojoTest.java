package dev.tessera.maven;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.api.CompiledKernel;
import dev.tessera.api.Tessera;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The goal without a Maven build around it: outputs, incremental skipping, option errors, warnings, determinism. */
class CompileMojoTest {
  @TempDir
  Path tmp;

  private final List<String> log = new ArrayList<>();
  private MavenProject project;

  @BeforeEach
  void sources() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/main/tessera/einsum"));
    Files.copy(Path.of("..", "examples", "einsum", "gemm.attn"), src.resolve("gemm.attn"));
    project = new MavenProject();
  }

  private CompileMojo mojo() {
    CompileMojo m = new CompileMojo();
    m.sourceDirectory = tmp.resolve("src/main/tessera").toFile();
    m.outputDirectory = tmp.resolve("target/generated-sources/tessera").toFile();
    m.resourceDirectory = tmp.resolve("target/generated-resources/tessera").toFile();
    m.stampDirectory = tmp.resolve("target/tessera-stamps").toFile();
    m.targets = List.of("cpu");
    m.profile = "host";
    m.packageName = "tessera.kernels";
    m.project = project;
    m.pluginVersion = "test";
    m.setLog(new SystemStreamLog() {
      @Override
      public void info(CharSequence content) {
        log.add("info " + content);
      }

      @Override
      public void warn(CharSequence content) {
        log.add("warn " + content);
      }
    });
    return m;
  }

  private Path facade() {
    return tmp.resolve("target/generated-sources/tessera/tessera/kernels/GemmKernel.java");
  }

  @Test
  void generatesAFacadeAndTheResourceAndRegistersBoth() throws Exception {
    mojo().execute();
    assertThat(Files.readString(facade())).contains("public static float[] run(float[] A, float[] B, int M, int K, int N)");
    assertThat(Files.readString(tmp.resolve("target/generated-resources/tessera/tessera/einsum/gemm.attn")))
        .isEqualTo(Files.readString(tmp.resolve("src/main/tessera/einsum/gemm.attn")));
    assertThat(project.getCompileSourceRoots()).contains(tmp.resolve("target/generated-sources/tessera").toString());
    assertThat(project.getResources().get(0).getDirectory()).isEqualTo(tmp.resolve("target/generated-resources/tessera").toString());
    assertThat(log).contains("info tessera: einsum/gemm.attn: kernel gemm -> tessera.kernels.GemmKernel");
  }

  @Test
  void anUnchangedSourceIsSkippedAndAChangedOptionRecompiles() throws Exception {
    mojo().execute();
    Files.setLastModifiedTime(facade(), FileTime.fromMillis(0));
    log.clear();
    mojo().execute();
    assertThat(log).containsAtLeast("info tessera: einsum/gemm.attn unchanged, skipped", "info tessera: 0 compiled, 1 up to date");
    assertThat(Files.getLastModifiedTime(facade()).toMillis()).isEqualTo(0);

    log.clear();
    CompileMojo fixed = mojo();
    fixed.dims = Map.of("K", "8");
    fixed.execute();
    assertThat(log).contains("info tessera: 1 compiled, 0 up to date");
    assertThat(Files.readString(facade())).contains("public static float[] run(float[] A, float[] B, int M, int N)");
  }

  @Test
  void removingASourceRemovesItsFacade() throws Exception {
    mojo().execute();
    Files.delete(tmp.resolve("src/main/tessera/einsum/gemm.attn"));
    mojo().execute();
    assertThat(Files.exists(facade())).isFalse();
  }

  @Test
  void diagnosticsFailTheBuildWithTheirPosition() throws Exception {
    Path bad = Files.writeString(tmp.resolve("src/main/tessera/bad.attn"), "kernel bad(A: f32[M]) -> (C: f32[M]) {\n  C[m] = A[m] * Z[m]\n}\n");
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo().execute());
    assertThat(e.getMessage()).startsWith(bad + ":2:17: error[E204]: unknown tensor 'Z'");
    assertThat(e.getMessage()).endsWith("tessera: 1 source failed to compile");
    assertThat(Files.exists(tmp.resolve("target/generated-sources/tessera/tessera/kernels/BadKernel.java"))).isFalse();
  }

  @Test
  void cudaAndMeshWriteTheirArtifactsAsResources() throws Exception {
    CompileMojo m = mojo();
    m.targets = List.of("cpu", "cuda", "mesh");
    m.dims = Map.of("M", "16", "K", "8", "N", "12");
    m.execute();
    Path res = tmp.resolve("target/generated-resources/tessera/tessera/einsum/gemm");
    assertThat(Files.readString(res.resolve("cuda/gemm.cu"))).contains("__global__");
    assertThat(Files.readString(res.resolve("cuda/gemm.manifest.json"))).contains("\"launches\"");
    if (dev.tessera.cuda.Nvcc.find().isPresent()) assertThat(Files.exists(res.resolve("cuda/gemm.ptx"))).isTrue();
    assertThat(Files.readString(res.resolve("mesh/gemm.mesh"))).startsWith("# program 0\n");
    assertThat(Files.exists(res.resolve("mesh/gemm.mesh.tsv"))).isTrue();
    assertThat(Files.exists(facade())).isTrue();
    assertThat(log).contains("info tessera: einsum/gemm.attn: kernel gemm -> mesh: gemm.mesh, gemm.mesh.tsv");

    Files.delete(tmp.resolve("src/main/tessera/einsum/gemm.attn"));
    m.execute();
    assertThat(Files.exists(res.resolve("cuda/gemm.cu"))).isFalse();
  }

  @Test
  void unknownTargetsAreBuildErrorsNamingTheOption() {
    CompileMojo m = mojo();
    m.targets = List.of("tpu");
    assertThat(assertThrows(MojoFailureException.class, m::execute).getMessage()).contains("<targets>: unknown target 'tpu'");
  }

  @Test
  void otherOptionErrors() {
    CompileMojo dtype = mojo();
    dtype.dtype = "f64";
    assertThat(assertThrows(MojoFailureException.class, dtype::execute).getMessage()).contains("<dtype>");
    CompileMojo pkg = mojo();
    pkg.packageName = "com.example.class";
    assertThat(assertThrows(MojoFailureException.class, pkg::execute).getMessage()).contains("<packageName>");
    CompileMojo dims = mojo();
    dims.dims = Map.of("K", "zero");
    assertThat(assertThrows(MojoFailureException.class, dims::execute).getMessage()).contains("<dims>: K must be a whole number");
  }

  @Test
  void warningsFailTheBuildOnlyWhenAsked() throws Exception {
    CompileMojo m = mojo();
    m.dims = Map.of("Q", "4");
    m.execute();
    assertThat(log).contains("warn tessera: <dims>: no kernel has a dimension 'Q'");
    CompileMojo strict = mojo();
    strict.dims = Map.of("Q", "4");
    strict.failOnWarning = true;
    assertThat(assertThrows(MojoFailureException.class, strict::execute).getMessage()).contains("<failOnWarning>");
  }

  @Test
  void aRefOnlyBuildGeneratesReferenceFacades() throws Exception {
    CompileMojo m = mojo();
    m.targets = List.of("ref");
    m.execute();
    assertThat(Files.readString(facade())).contains(".kernel(\"gemm\").target(Target.REF).compile();");
    CompileMojo both = mojo();
    both.targets = List.of("ref", "cpu");
    both.execute();
    assertThat(Files.readString(facade())).contains(".target(Target.CPU)");
  }

  @Test
  void skipDoesNothing() throws Exception {
    CompileMojo m = mojo();
    m.skip = true;
    m.execute();
    assertThat(Files.exists(tmp.resolve("target"))).isFalse();
  }

  @Test
  void facadesAreDeterministicAndNamedFromTheKernelAndCompile() throws Exception {
    String text = "kernel two_outputs(X: f32[N], class: i8[N]) -> (Y: f32[N], Z: f32[N]) {\n  Y[n] = 2 * X[n]\n  Z[n] = X[n] + class[n]\n}\n";
    CompiledKernel k = Tessera.fromSource("t.attn", text).compile();
    FacadeWriter.Options o = new FacadeWriter.Options("p", "cpu", "host", null, Map.of());
    String a = FacadeWriter.write(k, Names.className(k.name()), "tessera/t.attn", "t.attn", o);
    String b = FacadeWriter.write(Tessera.fromSource("t.attn", text).compile(), Names.className(k.name()), "tessera/t.attn", "t.attn", o);
    assertThat(a).isEqualTo(b);
    assertThat(Names.className("two_outputs")).isEqualTo("TwoOutputsKernel");
    assertThat(a).contains("public record Outputs(Tensor Y, Tensor Z) {}");
    assertThat(a).contains("public static Outputs run(float[] X, byte[] class_, int N)");
    assertThat(Names.className("9lives")).isEqualTo("K9livesKernel");
    assertThat(javac("p/TwoOutputsKernel.java", a)).isEmpty();

    // Run it: the resource next to the class, as the plugin arranges.
    Path classes = tmp.resolve("javac/classes");
    Files.createDirectories(classes.resolve("tessera"));
    Files.writeString(classes.resolve("tessera/t.attn"), text);
    try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> facade = loader.loadClass("p.TwoOutputsKernel");
      Object out = facade.getMethod("run", float[].class, byte[].class, int.class)
          .invoke(null, new float[] {1, 2, 3}, new byte[] {10, 0, -10}, 3);
      dev.tessera.api.Tensor y = (dev.tessera.api.Tensor) out.getClass().getMethod("Y").invoke(out);
      dev.tessera.api.Tensor z = (dev.tessera.api.Tensor) out.getClass().getMethod("Z").invoke(out);
      assertThat(y.toFloatArray()).isEqualTo(new float[] {2, 4, 6});
      assertThat(z.toFloatArray()).isEqualTo(new float[] {11, 2, -7});
    }
  }

  /** Compiles one generated file against the test class path; the compiler's complaints, or empty. */
  private String javac(String relative, String code) throws Exception {
    Path src = tmp.resolve("javac/src").resolve(relative);
    Files.createDirectories(src.getParent());
    Files.writeString(src, code);
    Path classes = Files.createDirectories(tmp.resolve("javac/classes"));
    java.io.StringWriter err = new java.io.StringWriter();
    javax.tools.JavaCompiler c = javax.tools.ToolProvider.getSystemJavaCompiler();
    int rc = c.run(null, null, new java.io.PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        err.write(b);
      }
    }), "-Xlint:all", "-Werror", "-cp", System.getProperty("java.class.path"), "-d", classes.toString(), src.toString());
    return rc == 0 ? err.toString() : "rc " + rc + ": " + err;
  }
}
