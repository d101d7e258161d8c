package dev.tessera.testsuite.cuda;

import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.cuda.CudaArtifacts;
import dev.tessera.cuda.CudaBackend;
import dev.tessera.diag.CompileException;
import dev.tessera.diag.DiagnosticPrinter;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.TensorDecl;
import dev.tessera.passes.Pipeline;
import dev.tessera.runtime.DenseTensor;
import dev.tessera.runtime.Inputs;
import dev.tessera.runtime.Interpreter;
import dev.tessera.runtime.cuda.LaunchManifest;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.Profiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated CUDA of every zoo file, run on the host by {@link HostEmulator} and compared with
 * the reference interpreter within DESIGN.md's tolerances (f32: 1e-4 relative to max(1, max |ref|);
 * f16/bf16: twice the error of the naïve evaluation in that precision, {@link Interpreter#naive},
 * and at most 1e-2 / 2e-2): f32, and f16/bf16 storage, on shapes
 * that are not multiples of any tile, M != N, rows without visible keys, batch and heads above 1,
 * split-KV and unsplit schedules, and the op-by-op path where the flash kernel does not fit.
 * Skipped, with a message, where g++ is absent. All binaries are compiled up front, two at a time.
 */
class CudaEmulationTest {
  private static ExecutorService pool;
  private static HostEmulator emulator;
  private static final Map<EmulationCases.Case, Future<Built>> BUILDS = new LinkedHashMap<>();

  /**
   * A case ready to run: its emulation binary, the kernel's inputs, the reference outputs and, for
   * f16/bf16, those of the naïve evaluation in that precision (DESIGN.md's yardstick).
   */
  private record Built(LaunchManifest manifest, Path binary, Map<String, DenseTensor> inputs, Map<String, DenseTensor> reference,
      Map<String, DenseTensor> naive) {}

  @BeforeAll
  static void buildAll() throws Exception {
    Optional<Path> gxx = HostEmulator.compiler();
    if (gxx.isEmpty()) {
      System.err.println("CudaEmulationTest: skipped, no g++ on PATH to compile the host emulation");
      return;
    }
    emulator = HostEmulator.open(gxx.get(), Path.of("target", "cuda-emu").toAbsolutePath());
    if (!emulator.sanitized()) System.err.println("CudaEmulationTest: g++ has no AddressSanitizer; out-of-bounds accesses go unchecked");
    GpuProfile profile = (GpuProfile) Profiles.load(Optional.empty(), Host.standard(n -> {}), w -> {}).get("h100");
    pool = Executors.newFixedThreadPool(2);
    for (EmulationCases.Case c : EmulationCases.all()) BUILDS.put(c, pool.submit(() -> build(c, profile)));
  }

  @AfterAll
  static void shutdown() {
    if (pool != null) pool.shutdownNow();
  }

  static List<EmulationCases.Case> cases() {
    return EmulationCases.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesReference(EmulationCases.Case c) throws Exception {
    assumeTrue(emulator != null, "no g++ on PATH: the generated CUDA cannot be emulated on the host");
    Built b = BUILDS.get(c).get();
    Map<String, double[]> in = new LinkedHashMap<>();
    b.inputs().forEach((name, t) -> in.put(name, t.data()));
    Map<String, double[]> out = emulator.run(b.binary(), b.manifest(), in);
    for (Map.Entry<String, DenseTensor> e : b.reference().entrySet()) {
      double[] ref = e.getValue().data();
      double[] got = out.get(e.getKey());
      double scale = 1;
      for (double v : ref) scale = Math.max(scale, Math.abs(v));
      double worst = 0, naive = 0;
      int at = -1;
      for (int i = 0; i < ref.length; i++) {
        double err = Math.abs(got[i] - ref[i]) / scale;
        if (!(err <= worst)) {
          worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
          at = i;
        }
        naive = Math.max(naive, Math.abs(b.naive().get(e.getKey()).data()[i] - ref[i]) / scale);
      }
      double bound = c.dtype() == ElemType.F32 ? 1e-4 : Math.min(c.dtype() == ElemType.F16 ? 1e-2 : 2e-2, 2 * naive + 1e-5);
      assertWithMessage(c + ": output " + e.getKey() + ", worst at flat index " + at + " (got " + (at < 0 ? 0 : got[at])
          + ", reference " + (at < 0 ? 0 : ref[at]) + ")").that(worst).isAtMost(bound);
    }
  }

  private static Built build(EmulationCases.Case c, GpuProfile profile) throws Exception {
    Sources sources = new Sources();
    Frontend.Compiled compiled;
    try {
      compiled = Frontend.compile(sources, c.path());
    } catch (CompileException e) {
      StringBuilder sb = new StringBuilder();
      e.diagnostics().forEach(d -> sb.append(new DiagnosticPrinter(sources).render(d)));
      throw new AssertionError(sb.toString());
    }
    Module m = Pipeline.run(compiled.module());
    Kernel k = m.kernels().get(0);
    k = k.withTensors(k.tensors().stream()
        .map(t -> t.type().isFloat() && t.role() != TensorDecl.Role.TEMP ? t.withType(c.dtype()) : t).toList());
    Map<String, Long> given = new LinkedHashMap<>(c.dims());
    given.keySet().retainAll(k.dims());
    Inputs.Prepared p = Inputs.prepare(k, compiled.sourceMap(), Map.of(), given, 7);
    Map<String, DenseTensor> ref = new Interpreter(m, compiled.sourceMap()).run(k, p.dims(), p.inputs());
    Map<String, DenseTensor> naive = c.dtype() == ElemType.F32 ? ref
        : Interpreter.naive(m, compiled.sourceMap(), c.dtype()).run(k, p.dims(), p.inputs());
    Schedule schedule = c.schedule().orElse(CudaBackend.defaultSchedule());
    CudaArtifacts a = CudaBackend.generate(m, k, schedule, profile, p.dims(), c.dtype());
    LaunchManifest manifest = LaunchManifest.parse(a.manifest());
    return new Built(manifest, emulator.build(a, manifest), p.inputs(), ref, naive);
  }
}
