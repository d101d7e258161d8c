package dev.tessera.cli;

import static com.google.common.truth.Truth.assertThat;
import static dev.tessera.cli.CliRun.example;

import dev.tessera.cuda.CudaBackend;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.passes.Pipeline;
import dev.tessera.runtime.DimBinder;
import dev.tessera.runtime.KernelInfos;
import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.cuda.CudaLauncher;
import dev.tessera.runtime.cuda.CudaTuneRunner;
import dev.tessera.runtime.cuda.LaunchManifest;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.cost.Calibration;
import dev.tessera.scheduler.cost.GpuCostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.tune.TuneCache;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tessera tune --target cuda}: without a driver, a clear error and nothing written; with a
 * stand-in GPU (the real generator, times from a cost model with known weights), the whole command:
 * table, skipped candidates, cache, calibration, and {@code compile}, {@code schedule} and {@code run}'s
 * schedule resolution picking the results up.
 */
class CudaTuneCommandTest {
  private static final Path MHA = example("attention", "mha.attn");
  private static final Object[] DECODE = {"--dim", "M=1", "--dim", "N=300"};
  private static final double[] TRUTH = {0.5, 2.0, 0.5, 1.5, 3.0, 1.2};

  @TempDir
  Path tmp;

  private String previous;
  private int compiles;

  @BeforeEach
  void cacheInTmp() {
    previous = System.getProperty("tessera.cacheDir");
    System.setProperty("tessera.cacheDir", tmp.resolve("cache").toString());
  }

  @AfterEach
  void restore() {
    if (previous == null) System.clearProperty("tessera.cacheDir");
    else System.setProperty("tessera.cacheDir", previous);
    CudaTune.opener = CudaTuneRunner::open;
  }

  private static CliRun cli(Object[] head, Object... more) {
    return CliRun.of(Stream.concat(Arrays.stream(head), Stream.concat(Arrays.stream(DECODE), Arrays.stream(more))).toArray());
  }

  private Path cacheFile() {
    return tmp.resolve("cache").resolve(TuneCache.FILE);
  }

  @Test
  void withoutADriverItFailsWithTheReasonAndWritesNothing() throws IOException {
    CudaLauncher.Availability a = CudaLauncher.probe();
    Assumptions.assumeFalse(a.available(), "a CUDA driver is present: the no-driver error is not testable here");
    CliRun r = cli(new Object[] {"tune", MHA, "--target", "cuda", "--profile", "h200"}).assertInputError(RunErrors.UNAVAILABLE);
    assertThat(r.err()).contains("tuning for cuda measures on a GPU, and this machine cannot: " + a.reason());
    assertThat(r.err()).contains("tessera schedule " + MHA + " --target cuda --profile h200 --explain");
    assertThat(r.out()).isEmpty();
    assertThat(Files.exists(cacheFile())).isFalse();
    CliRun.assertNoFiles(tmp.resolve("cache"));
  }

  /** The real generator, the schedule as the "image"; the second candidate fails as nvcc would, and threads=64 with splitKv=8 as a launch would. */
  private void standInGpu() {
    CudaTune.opener = (module, kernel, dims, inputs, profile, warmUp) -> {
      KernelInfo info = KernelInfos.of(kernel, dims).orElseThrow();
      GpuCostModel truth = new GpuCostModel(CudaTuneRunner.storage(kernel), TRUTH);
      CudaTuneRunner.Compiler compiler = s -> {
        if (++compiles == 2) throw new ScheduleException(s, "nvcc", "rejected it: ptxas error: too much shared data");
        String manifest = CudaBackend.generate(module, kernel, s, profile, dims, null).manifest();
        return new CudaTuneRunner.Compiled(LaunchManifest.parse(manifest), s.toString().getBytes(StandardCharsets.UTF_8));
      };
      CudaTuneRunner.Device device = new CudaTuneRunner.Device() {
        @Override
        public double[] time(CudaTuneRunner.Compiled c, double w, int runs) throws CudaLauncher.CudaUnavailable {
          Schedule s = Schedule.parse(new String(c.image(), StandardCharsets.UTF_8));
          if (s.get("threads").orElseThrow().equals("64") && s.get("splitKv").orElseThrow().equals("8")) {
            throw new CudaLauncher.CudaUnavailable("the CUDA driver rejected a call: CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES");
          }
          double[] ms = new double[runs];
          try {
            Arrays.fill(ms, truth.predict(info, s, profile).seconds() * 1e3);
          } catch (ScheduleException e) {
            throw new AssertionError(e);
          }
          return ms;
        }

        @Override
        public void close() {}
      };
      return new CudaTuneRunner(compiler, device, warmUp);
    };
  }

  @Test
  void tunesCachesCalibratesAndCompileScheduleAndRunPickItUp() throws Exception {
    standInGpu();
    CliRun first = cli(new Object[] {"tune", MHA, "--target", "cuda", "--profile", "h200", "--budget", 8}).assertOk();
    assertThat(first.out()).contains("target    cuda on this machine's GPU as h200 (event-timed; candidates ranked by the uncalibrated cost model)");
    assertThat(first.out()).contains("measured  8 of ");
    assertThat(first.out()).containsMatch("  2  cuda\\{[^}]*\\} +skipped: .*too much shared data");
    assertThat(first.out()).containsMatch("  7  cuda\\{[^}]*threads=64\\} +skipped: .*CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES");
    assertThat(first.out()).containsMatch("winner    cuda\\{[^}]*\\}  [0-9]+\\.[0-9]{2} us");
    assertThat(first.out()).containsMatch("model     h200's weights fitted to [67] measured schedules");
    String winner = first.out().lines().filter(l -> l.startsWith("winner")).findFirst().orElseThrow();
    String schedule = winner.substring("winner    ".length(), winner.indexOf('}') + 1);
    assertThat(Files.readString(cacheFile())).contains(schedule);
    assertThat(Files.exists(Calibration.file(tmp.resolve("cache"), "h200"))).isTrue();

    CliRun again = cli(new Object[] {"tune", MHA, "--target", "cuda", "--profile", "h200"}).assertOk();
    assertThat(again.out()).contains("cached:   " + schedule);
    assertThat(again.out()).contains("ranked by the calibrated cost model");

    Path dir = tmp.resolve("artifacts");
    CliRun compile = cli(new Object[] {"compile", MHA, "--target", "cuda", "--profile", "h200", "-o", dir}).assertOk();
    assertThat(compile.out()).contains("tuned schedule " + schedule);
    assertThat(Files.readString(dir.resolve("mha.cu"))).contains("schedule " + schedule);
    assertThat(cli(new Object[] {"compile", MHA, "--target", "cuda", "--profile", "h100", "-o", tmp.resolve("other")}).assertOk().out())
        .doesNotContain("tuned");
    assertThat(cli(new Object[] {"compile", MHA, "--target", "cuda", "--profile", "h200", "--dtype", "f16", "-o", tmp.resolve("f16")}).assertOk()
        .out()).doesNotContain("tuned");

    assertThat(cli(new Object[] {"schedule", MHA, "--target", "cuda", "--profile", "h200"}).assertOk().out()).contains("calibrated on this GPU");
    assertThat(cli(new Object[] {"schedule", MHA, "--target", "cuda", "--profile", "h100"}).assertOk().out()).contains("not calibrated");

    // run --target cuda resolves its schedule through the same lookup (running it needs a GPU).
    Kernel kernel = kernel();
    Map<String, Long> dims = decodeDims(kernel);
    StringWriter warnings = new StringWriter();
    PrintWriter err = new PrintWriter(warnings, true);
    assertThat(Tuned.lookupCuda(module(), kernel, dims, CudaCompile.gpu("h200", null, err), err).map(Schedule::toString)).hasValue(schedule);
    assertThat(Tuned.lookupCuda(module(), kernel, dims, CudaCompile.gpu(CudaRun.DEFAULT_PROFILE, null, err), err)).isEmpty();
    assertThat(warnings.toString()).isEmpty();
  }

  @Test
  void aCachedScheduleTheBackendNoLongerGeneratesIsIgnoredWithAWarning() throws Exception {
    Kernel kernel = kernel();
    Map<String, Long> dims = decodeDims(kernel);
    GpuProfile h200 = CudaCompile.gpu("h200", null, new PrintWriter(new StringWriter()));
    Tuned.cache(new PrintWriter(new StringWriter())).put(new TuneCache.Entry(Tuned.key(kernel, dims, "h200"),
        Schedule.parse("cuda{threads=128, blockM=64, blockN=100, stages=2, splitKv=1}"), 1e-5));
    StringWriter warnings = new StringWriter();
    assertThat(Tuned.lookupCuda(module(), kernel, dims, h200, new PrintWriter(warnings, true))).isEmpty();
    assertThat(warnings.toString()).contains("ignoring the tuned schedule");
    CliRun compile = cli(new Object[] {"compile", MHA, "--target", "cuda", "--profile", "h200", "-o", tmp.resolve("out")}).assertOk();
    assertThat(compile.out()).doesNotContain("tuned");
    assertThat(compile.err()).contains("ignoring the tuned schedule");
  }

  @Test
  void cudaOptionsAreChecked() {
    cli(new Object[] {"tune", MHA, "--target", "cuda", "--profile", "wse2"}).assertInputError(RunErrors.BAD_VALUE);
    cli(new Object[] {"tune", MHA, "--target", "cuda", "--profile", "h9000"}).assertInputError(RunErrors.BAD_VALUE);
    cli(new Object[] {"tune", MHA, "--target", "cuda", "--dtype", "i8"}).assertInputError(RunErrors.BAD_VALUE);
    assertThat(Files.exists(cacheFile())).isFalse();
  }

  private Frontend.Compiled compiled;
  private Module module;

  private Module module() throws Exception {
    if (module == null) {
      compiled = Frontend.compile(new Sources(), MHA);
      module = Pipeline.run(compiled.module());
    }
    return module;
  }

  private Kernel kernel() throws Exception {
    return module().kernels().get(0);
  }

  private Map<String, Long> decodeDims(Kernel kernel) throws Exception {
    return new DimBinder(kernel, compiled.sourceMap()).bind(Map.of(), Map.of("M", 1L, "N", 300L));
  }
}
