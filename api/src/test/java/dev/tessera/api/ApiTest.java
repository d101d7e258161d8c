package dev.tessera.api;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API end to end: compiling from text and files, every input kind, errors, numerics against the reference, prediction, autotuning. */
class ApiTest {
  static final Path ZOO = Path.of("..", "examples");
  static final String GEMM = """
      # Matrix multiplication: C = A · B.
      kernel gemm(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N])
          defaults(M = 256, K = 256, N = 256) {
        C[m, n] = sum[k] A[m, k] * B[k, n]
      }
      """;
  static final String CPU_PROFILE = """
      kind = cpu
      description = Test CPU
      cores = 2
      vector_lanes_f32 = 8
      l1d_bytes = 49152
      l2_bytes = 2097152
      l3_bytes = 33554432
      fma_gflops_one_thread = 100
      fma_gflops_all_threads = 180
      memory_gb_per_s = 15
      """;

  @TempDir
  Path tmp;

  @BeforeEach
  void isolateCache() {
    System.setProperty("tessera.cacheDir", tmp.resolve("cache").toString());
  }

  @AfterEach
  void restore() {
    System.clearProperty("tessera.cacheDir");
  }

  static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) f[i] = (float) (r.nextDouble() * 2 - 1);
    return f;
  }

  /** |got − want| ≤ 1e-4 · max(1, max |want|) everywhere. */
  static void assertClose(Tensor got, Tensor want) {
    assertThat(got.shape()).isEqualTo(want.shape());
    double[] g = got.toDoubleArray();
    double[] w = want.toDoubleArray();
    double scale = 1;
    for (double v : w) scale = Math.max(scale, Math.abs(v));
    for (int i = 0; i < w.length; i++) {
      if (!(Math.abs(g[i] - w[i]) <= 1e-4 * scale)) throw new AssertionError("element " + i + ": " + g[i] + " vs " + w[i]);
    }
  }

  @Test
  void gemmFromTextMatchesTheReferenceOnAwkwardShapes() {
    CompiledKernel cpu = Tessera.fromSource("gemm.attn", GEMM).target(Target.CPU).compile();
    CompiledKernel ref = Tessera.fromSource("gemm.attn", GEMM).target(Target.REF).compile();
    for (int[] mkn : new int[][] {{1, 1, 1}, {33, 7, 77}, {77, 33, 1}, {5, 64, 33}}) {
      Map<String, Object> in = Map.of("A", Tensor.of(random(mkn[0] * mkn[1], 1), mkn[0], mkn[1]),
          "B", Tensor.of(random(mkn[1] * mkn[2], 2), mkn[1], mkn[2]));
      Tensor c = cpu.run(in).get("C");
      assertThat(c.shape()).isEqualTo(new int[] {mkn[0], mkn[2]});
      assertThat(c.dtype()).isEqualTo("f32");
      assertClose(c, ref.run(in).get("C"));
    }
  }

  @Test
  void gemmByHand() {
    CompiledKernel k = Tessera.fromSource("gemm.attn", GEMM).compile();
    Tensor c = k.run(Map.of("A", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), "B", Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2))).get("C");
    assertThat(c.toFloatArray()).isEqualTo(new float[] {4, 5, 10, 11});
    assertThat(c.get(1, 0)).isEqualTo(10.0);
  }

  @Test
  void causalAttentionFromAFileWithFullyMaskedRowsMatchesTheReference() {
    Path file = ZOO.resolve("attention/mha_causal.attn");
    // M > N: the first M - N queries see no key at all.
    Map<String, Long> dims = Map.of("B", 1L, "H", 2L, "M", 33L, "N", 17L, "D", 8L, "E", 5L);
    CompiledKernel cpu = Tessera.fromFile(file).dims(dims).compile();
    CompiledKernel ref = Tessera.fromFile(file).target(Target.REF).dims(dims).compile();
    Map<String, Object> in = Map.of("Q", random(2 * 33 * 8, 3), "K", random(2 * 17 * 8, 4), "V", random(2 * 17 * 5, 5));
    Tensor o = cpu.run(in).get("O");
    assertThat(o.shape()).isEqualTo(new int[] {1, 2, 33, 5});
    assertClose(o, ref.run(in).get("O"));
    assertThat(cpu.name()).isEqualTo("mha_causal");
    assertThat(cpu.toString()).isEqualTo("mha_causal(Q: f32[B, H, M, D], K: f32[B, H, N, D], V: f32[B, H, N, E]) -> (O: f32[B, H, M, E]) on cpu");
  }

  @Test
  void everyInputKindGivesTheSameResult(@TempDir Path dir) {
    CompiledKernel k = Tessera.fromSource("gemm.attn", GEMM).dim("M", 3).dim("K", 5).dim("N", 4).compile();
    float[] a = random(15, 6);
    float[] b = new float[20];
    for (int i = 0; i < b.length; i++) b[i] = i % 7 - 3;
    Tensor want = k.run(Map.of("A", Tensor.of(a, 3, 5), "B", Tensor.of(b, 5, 4))).get("C");

    double[] bd = new double[20];
    int[] bi = new int[20];
    byte[] bb = new byte[20];
    for (int i = 0; i < 20; i++) {
      bd[i] = b[i];
      bi[i] = (int) b[i];
      bb[i] = (byte) b[i];
    }
    FloatBuffer direct = ByteBuffer.allocateDirect(4 * 20).order(ByteOrder.nativeOrder()).asFloatBuffer();
    direct.put(b).flip();
    ByteBuffer bytes = ByteBuffer.allocateDirect(4 * 20).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : b) bytes.putFloat(f);
    bytes.flip();
    Path npy = dir.resolve("b.npy");
    Tensor.of(b, 5, 4).writeNpy(npy);

    List<Object> kinds = List.of(b, bd, bi, bb, direct, bytes, npy, Tensor.of(bd, 5, 4), Tensor.of(bi, 5, 4), Tensor.of(direct, 5, 4));
    for (Object kind : kinds) {
      Map<String, Object> in = new LinkedHashMap<>();
      in.put("A", a);
      in.put("B", kind);
      assertThat(k.run(in).get("C")).isEqualTo(want);
    }
    assertThat(direct.position()).isEqualTo(0);
    assertThat(bytes.position()).isEqualTo(0);
  }

  @Test
  void flatArraysTakeTheirShapeFromTheOtherInputs() {
    CompiledKernel k = Tessera.fromSource("gemm.attn", GEMM).compile();
    // A fixes M and K; N is not fixed by anything but its default (256), so B must be given with N bound.
    TesseraException e = assertThrows(TesseraException.class,
        () -> k.run(Map.of("A", Tensor.of(new float[6], 2, 3), "B", new float[3 * 4])));
    assertThat(e.code()).isEqualTo("E402");
    assertThat(e.summary()).isEqualTo("gemm.attn:2:27: error[E402]: input 'B' has 12 values but its shape [K, N] is [3, 256], 768 values");
    Tensor c = k.run(Map.of("A", Tensor.of(new float[6], 2, 3), "B", new float[3 * 4]), Map.of("N", 4L)).get("C");
    assertThat(c.shape()).isEqualTo(new int[] {2, 4});
  }

  @Test
  void shapeMismatchesArePositioned() {
    CompiledKernel k = Tessera.fromSource("gemm.attn", GEMM).compile();
    TesseraException rank = assertThrows(TesseraException.class,
        () -> k.run(Map.of("A", Tensor.of(new float[6], 6), "B", Tensor.of(new float[6], 3, 2))));
    assertThat(rank.code()).isEqualTo("E402");
    assertThat(rank.summary()).startsWith("gemm.attn:2:13: error[E402]: input 'A' is declared with 2 dimensions");
    assertThat(rank.getMessage()).contains("kernel gemm(A: f32[M, K]");

    TesseraException disagree = assertThrows(TesseraException.class,
        () -> k.run(Map.of("A", Tensor.of(new float[6], 2, 3), "B", Tensor.of(new float[8], 4, 2))));
    assertThat(disagree.summary()).startsWith("gemm.attn:");
    assertThat(disagree.code()).isAnyOf("E402", "E404");

    TesseraException fixed = assertThrows(TesseraException.class, () -> Tessera.fromSource("gemm.attn", GEMM).dim("K", 4).compile()
        .run(Map.of("A", Tensor.of(new float[6], 2, 3), "B", Tensor.of(new float[6], 3, 2))));
    assertThat(fixed.summary()).startsWith("gemm.attn:");
  }

  @Test
  void missingUnknownAndOddInputs() {
    CompiledKernel k = Tessera.fromSource("gemm.attn", GEMM).compile();
    TesseraException missing = assertThrows(TesseraException.class, () -> k.run(Map.of("A", Tensor.of(new float[6], 2, 3))));
    assertThat(missing.summary()).isEqualTo("gemm.attn:2:27: error[E405]: input 'B' is missing");
    TesseraException unknown = assertThrows(TesseraException.class,
        () -> k.run(Map.of("A", new float[1], "B", new float[1], "X", new float[1])));
    assertThat(unknown.code()).isEqualTo("E405");
    assertThat(unknown.getMessage()).contains("its inputs are A, B");
    TesseraException odd = assertThrows(TesseraException.class, () -> k.run(Map.of("A", "text", "B", new float[1])));
    assertThat(odd.code()).isEqualTo("E409");
    TesseraException npy = assertThrows(TesseraException.class, () -> k.run(Map.of("A", tmp.resolve("none.npy"), "B", new float[1])));
    assertThat(npy.code()).isEqualTo("E401");
    assertThat(npy.getMessage()).contains("none.npy: no such file");
  }

  @Test
  void sourceErrorsCarryPositionedDiagnostics() throws Exception {
    TesseraException e = assertThrows(TesseraException.class,
        () -> Tessera.fromSource("bad.attn", "kernel bad(A: f32[M]) -> (C: f32[M]) {\n  C[m] = A[m] * Z[m]\n}\n").compile());
    assertThat(e.summary()).matches("bad\\.attn:2:\\d+: error\\[E2\\d\\d\\]: .*Z.*");
    assertThat(e.getMessage()).contains("C[m] = A[m] * Z[m]");
    assertThat(e.getMessage()).startsWith(e.summary() + "\n");
    assertThat(e.getStackTrace()).isEmpty();

    Path file = Files.writeString(tmp.resolve("syntax.attn"), "kernel k(A: f32[M] -> (C: f32[M]) {}\n");
    TesseraException s = assertThrows(TesseraException.class, () -> Tessera.fromFile(file).compile());
    assertThat(s.summary()).startsWith(file + ":1:");
    assertThat(s.code()).startsWith("E1");

    TesseraException none = assertThrows(TesseraException.class, () -> Tessera.fromFile(tmp.resolve("nope.attn")).compile());
    assertThat(none.code()).isEqualTo("E100");
  }

  @Test
  void optionErrors() {
    assertThat(assertThrows(TesseraException.class, () -> Tessera.fromSource("gemm.attn", GEMM).dtype("f64")).code()).isEqualTo("E409");
    assertThat(assertThrows(TesseraException.class, () -> Tessera.fromSource("gemm.attn", GEMM).dim("Q", 3).compile()).summary())
        .isEqualTo("gemm.attn:2:8: error[E408]: kernel gemm has no dimension 'Q'");
    assertThat(assertThrows(TesseraException.class, () -> Tessera.fromSource("gemm.attn", GEMM).dim("M", 0).compile()).code())
        .isEqualTo("E408");
    assertThat(assertThrows(TesseraException.class, () -> Tessera.fromSource("gemm.attn", GEMM).schedule("cpu{blockM=0}").compile()).code())
        .isEqualTo("E412");
    assertThat(assertThrows(TesseraException.class, () -> Tessera.fromSource("gemm.attn", GEMM).kernel("other").compile()).code())
        .isEqualTo("E407");
    assertThat(assertThrows(TesseraException.class, () -> Target.parse("tpu")).code()).isEqualTo("E409");
    assertThat(Target.parse("CPU")).isEqualTo(Target.CPU);
  }

  @Test
  void cudaWritesItsArtifactsAndRunsOnlyWhereAGpuIs(@TempDir Path dir) throws Exception {
    assertThat(Target.CUDA.isAvailable()).isTrue();
    Path file = ZOO.resolve("attention/mha_causal.attn");
    CompiledKernel k = Tessera.fromFile(file).target(Target.CUDA).profile("h100").dtype("f16")
        .dims(Map.of("B", 1L, "H", 2L, "M", 33L, "N", 77L, "D", 64L, "E", 64L)).compile();
    assertThat(k.schedule().orElseThrow()).startsWith("cuda{");
    List<Path> files = k.writeArtifacts(dir.resolve("out"));
    List<String> names = files.stream().map(p -> p.getFileName().toString()).toList();
    assertThat(names).containsAtLeast("mha_causal.cu", "mha_causal.manifest.json");
    assertThat(java.nio.file.Files.readString(dir.resolve("out/mha_causal.cu"))).contains("mma.sync");
    if (dev.tessera.cuda.Nvcc.find().isPresent()) assertThat(names).contains("mha_causal.ptx");
    try (var left = java.nio.file.Files.list(dir.resolve("out"))) {
      assertThat(left.filter(p -> p.getFileName().toString().startsWith(".tessera")).count()).isEqualTo(0);
    }
    TesseraException wrongProfile = assertThrows(TesseraException.class,
        () -> Tessera.fromFile(file).target(Target.CUDA).profile("wse2").compile().writeArtifacts(dir));
    assertThat(wrongProfile.getMessage()).contains("not a GPU");
    boolean driver;
    try (var l = dev.tessera.runtime.cuda.CudaLauncher.open()) {
      driver = true;
    } catch (dev.tessera.runtime.cuda.CudaLauncher.CudaUnavailable e) {
      driver = false;
    }
    org.junit.jupiter.api.Assumptions.assumeFalse(driver, "a CUDA driver is present: the no-driver error is not testable here");
    Map<String, Object> in = Map.of("Q", random(2 * 33 * 64, 1), "K", random(2 * 77 * 64, 2), "V", random(2 * 77 * 64, 3));
    TesseraException noGpu = assertThrows(TesseraException.class, () -> k.run(in));
    assertThat(noGpu.code()).isEqualTo("E410");
  }

  @Test
  void cudaAutotuneWithoutAGpuSaysWhyAndCachesNothing() {
    dev.tessera.runtime.cuda.CudaLauncher.Availability a = dev.tessera.runtime.cuda.CudaLauncher.probe();
    org.junit.jupiter.api.Assumptions.assumeFalse(a.available(), "a CUDA driver is present: the no-driver error is not testable here");
    CompiledKernel k = Tessera.fromFile(ZOO.resolve("attention/mha.attn")).target(Target.CUDA).profile("h200")
        .dims(Map.of("B", 1L, "H", 2L, "M", 1L, "N", 77L, "D", 64L, "E", 64L)).compile();
    List<String> calls = new ArrayList<>();
    TesseraException e = assertThrows(TesseraException.class,
        () -> k.autotune(4, Duration.ofSeconds(5), (done, total, schedule, seconds) -> calls.add(schedule)));
    assertThat(e.code()).isEqualTo("E410");
    assertThat(e.getMessage()).contains(a.reason());
    assertThat(calls).isEmpty();
    assertThat(Files.exists(tmp.resolve("cache").resolve("tune.cache"))).isFalse();
  }

  @Test
  void meshAndCpuArtifacts(@TempDir Path dir) throws Exception {
    List<Path> cpu = Tessera.fromSource("gemm.attn", GEMM).compile().writeArtifacts(dir);
    assertThat(cpu).containsExactly(dir.resolve("gemm.class"));
    assertThat(java.nio.file.Files.readAllBytes(cpu.get(0))).isNotEmpty();
    List<Path> mesh = Tessera.fromSource("gemm.attn", GEMM).target(Target.MESH).dims(Map.of("M", 16L, "K", 8L, "N", 12L)).compile()
        .writeArtifacts(dir);
    assertThat(mesh).containsExactly(dir.resolve("gemm.mesh"), dir.resolve("gemm.mesh.tsv"));
    assertThat(java.nio.file.Files.readString(mesh.get(1))).startsWith("op\talgorithm\tgrid\tprogram\tcycles\n");
    assertThat(Tessera.fromSource("gemm.attn", GEMM).target(Target.REF).compile().writeArtifacts(dir)).isEmpty();
  }

  @Test
  void meshRunsThroughTheSimulatorAndMatchesTheReference() {
    CompiledKernel mesh = Tessera.fromSource("gemm.attn", GEMM).target(Target.MESH).schedule("mesh{gridX=4, gridY=4}").compile();
    CompiledKernel ref = Tessera.fromSource("gemm.attn", GEMM).target(Target.REF).compile();
    assertThat(mesh.schedule()).hasValue("mesh{algorithm=meshgemm, gridX=4, gridY=4}");
    Map<String, Object> in = Map.of("A", Tensor.of(random(33 * 7, 1), 33, 7), "B", Tensor.of(random(7 * 20, 2), 7, 20));
    Simulation sim = mesh.simulate(in);
    assertClose(sim.outputs().get("C"), ref.run(in).get("C"));
    assertThat(sim.grid()).isEqualTo(4);
    assertThat(sim.cycles()).isGreaterThan(0.0);
    assertThat(sim.microseconds()).isWithin(1e-9).of(sim.cycles() / 1100);
    assertClose(mesh.run(in).get("C"), sim.outputs().get("C"));

    Path file = ZOO.resolve("attention/mha_causal.attn");
    Map<String, Long> dims = Map.of("B", 1L, "H", 2L, "M", 9L, "N", 5L, "D", 4L, "E", 3L);
    CompiledKernel attn = Tessera.fromFile(file).target(Target.MESH).profile("wse3").dims(dims).compile();
    Map<String, Object> qkv = Map.of("Q", random(2 * 9 * 4, 3), "K", random(2 * 5 * 4, 4), "V", random(2 * 5 * 3, 5));
    Simulation s = attn.simulate(qkv);
    assertClose(s.outputs().get("O"), Tessera.fromFile(file).target(Target.REF).dims(dims).compile().run(qkv).get("O"));
    assertThat(s.grid()).isEqualTo(4);
  }

  @Test
  void meshErrors() {
    TesseraException bad = assertThrows(TesseraException.class,
        () -> Tessera.fromSource("gemm.attn", GEMM).target(Target.MESH).schedule("mesh{gridX=2, gridY=3}").compile());
    assertThat(bad.code()).isEqualTo("E412");
    assertThat(bad.getMessage()).contains("gridY must equal gridX");
    CompiledKernel cpu = Tessera.fromSource("gemm.attn", GEMM).compile();
    assertThat(assertThrows(TesseraException.class, () -> cpu.simulate(Map.of())).code()).isEqualTo("E410");
    CompiledKernel onGpu = Tessera.fromSource("gemm.attn", GEMM).target(Target.MESH).profile("h100").compile();
    TesseraException profile = assertThrows(TesseraException.class,
        () -> onGpu.run(Map.of("A", Tensor.of(random(4, 1), 2, 2), "B", Tensor.of(random(4, 2), 2, 2))));
    assertThat(profile.getMessage()).contains("not a mesh");
  }

  @Test
  void signatureScheduleAndPrediction() throws Exception {
    Path profiles = Files.createDirectory(tmp.resolve("profiles"));
    Files.writeString(profiles.resolve("testcpu.profile"), CPU_PROFILE);
    CompiledKernel k = Tessera.fromFile(ZOO.resolve("attention/mha_causal.attn")).profileDir(profiles).profile("testcpu")
        .dim("M", 256).dim("N", 256).schedule("cpu{blockM=32}").compile();
    assertThat(k.signature().stream().map(TensorSpec::toString).toList())
        .containsExactly("Q: f32[B, H, M, D]", "K: f32[B, H, N, D]", "V: f32[B, H, N, E]", "O: f32[B, H, M, E]").inOrder();
    assertThat(k.signature().get(3).role()).isEqualTo(TensorSpec.Role.OUTPUT);
    assertThat(k.schedule().orElseThrow()).contains("blockM=32");
    CostPrediction p = k.prediction();
    assertThat(p.profile()).isEqualTo("testcpu");
    assertThat(p.schedule()).isEqualTo(k.schedule().orElseThrow());
    assertThat(p.seconds()).isGreaterThan(0.0);
    assertThat(p.breakdown()).containsKey("compute");
    double sum = p.breakdown().values().stream().mapToDouble(Double::doubleValue).sum();
    assertThat(sum).isWithin(1e-9 * p.seconds()).of(p.seconds());
    assertThat(p.boundRatio()).isAtLeast(1.0);
    // A smaller block changes the traffic the model predicts.
    assertThat(k.withSchedule("cpu{blockM=16}").prediction().trafficBytes()).isNotEqualTo(p.trafficBytes());

    CompiledKernel ref = Tessera.fromFile(ZOO.resolve("attention/mha_causal.attn")).target(Target.REF).compile();
    assertThat(ref.schedule()).isEmpty();
    assertThat(assertThrows(TesseraException.class, ref::prediction).code()).isEqualTo("E410");
    TesseraException gpu = assertThrows(TesseraException.class,
        () -> Tessera.fromSource("gemm.attn", GEMM).profile("h100").compile().prediction());
    assertThat(gpu.getMessage()).contains("h100 is a gpu profile");
  }

  @Test
  void autotuneWithATinyBudgetCallsTheListener() throws Exception {
    Path profiles = Files.createDirectory(tmp.resolve("profiles"));
    Files.writeString(profiles.resolve("testcpu.profile"), CPU_PROFILE);
    CompiledKernel k = Tessera.fromFile(ZOO.resolve("attention/mha_causal.attn")).profileDir(profiles).profile("testcpu")
        .dims(Map.of("B", 1L, "H", 1L, "M", 33L, "N", 33L, "D", 8L, "E", 8L)).compile();
    List<String> calls = new ArrayList<>();
    TuneReport r = k.autotune(2, Duration.ofSeconds(2), (done, total, schedule, seconds) -> calls.add(done + "/" + total + " " + schedule));
    assertThat(calls).isNotEmpty();
    assertThat(calls.get(0)).startsWith("1/2 cpu{");
    assertThat(r.trials()).hasSize(calls.size());
    assertThat(r.trials().get(0).schedule()).isEqualTo(k.schedule().orElseThrow());
    assertThat(r.bestSeconds()).isGreaterThan(0.0);
    assertThat(r.kernel().schedule().orElseThrow()).isEqualTo(r.best());
    assertThat(Files.exists(tmp.resolve("cache").resolve("tune.cache"))).isTrue();
    Map<String, Object> in = Map.of("Q", random(33 * 8, 1), "K", random(33 * 8, 2), "V", random(33 * 8, 3));
    assertClose(r.kernel().run(in).get("O"), k.run(in).get("O"));
    assertThat(assertThrows(TesseraException.class, () -> k.autotune(0, Duration.ofSeconds(1), TuneListener.NONE)).code()).isEqualTo("E409");
  }

  @Test
  void meshAutotuneSimulatesCandidatesAndReturnsTheFewestCycles() {
    CompiledKernel k = Tessera.fromSource("gemm.attn", GEMM).target(Target.MESH).dims(Map.of("M", 40L, "K", 24L, "N", 36L)).compile();
    List<String> calls = new ArrayList<>();
    TuneReport r = k.autotune(3, Duration.ofSeconds(60), (done, total, schedule, seconds) -> calls.add(done + "/" + total + " " + schedule));
    assertThat(calls).hasSize(3);
    assertThat(calls.get(0)).startsWith("1/3 mesh{");
    double fewest = r.trials().stream().mapToDouble(TuneReport.Trial::seconds).filter(t -> !Double.isNaN(t)).min().orElseThrow();
    assertThat(r.bestSeconds()).isEqualTo(fewest);
    assertThat(r.kernel().schedule().orElseThrow()).isEqualTo(r.best());
    // The tuned kernel simulates to exactly the cycles tuning measured (the simulation is deterministic).
    Map<String, Object> in = Map.of("A", Tensor.of(random(40 * 24, 4), 40, 24), "B", Tensor.of(random(24 * 36, 5), 24, 36));
    Simulation sim = r.kernel().simulate(in);
    assertThat(sim.microseconds() * 1e-6).isWithin(1e-12).of(r.bestSeconds());
    CompiledKernel ref = Tessera.fromSource("gemm.attn", GEMM).target(Target.REF).compile();
    assertClose(sim.outputs().get("C"), ref.run(in).get("C"));

    CompiledKernel retnet = Tessera.fromFile(ZOO.resolve("attention/gla.attn")).target(Target.MESH)
        .dims(Map.of("B", 1L, "H", 1L, "T", 8L, "D", 4L, "E", 4L)).compile();
    assertThat(assertThrows(TesseraException.class, () -> retnet.autotune(1, Duration.ofSeconds(5), TuneListener.NONE)).code()).isEqualTo("E410");
  }

  @Test
  void halfPrecisionStorageMatchesTheReferenceWithTheSameStorage() {
    CompiledKernel cpu = Tessera.fromSource("gemm.attn", GEMM).dtype("f16").compile();
    CompiledKernel ref = Tessera.fromSource("gemm.attn", GEMM).dtype("f16").target(Target.REF).compile();
    assertThat(cpu.signature().get(0).dtype()).isEqualTo("f16");
    Map<String, Object> in = Map.of("A", Tensor.of(random(7 * 9, 8), 7, 9), "B", Tensor.of(random(9 * 3, 9), 9, 3));
    Tensor got = cpu.run(in).get("C");
    Tensor want = ref.run(in).get("C");
    double[] g = got.toDoubleArray();
    double[] w = want.toDoubleArray();
    for (int i = 0; i < g.length; i++) assertThat(g[i]).isWithin(1e-2).of(w[i]);
  }

  @Test
  void compileAllGivesEveryKernelInOrder() {
    String two = GEMM + "kernel twice(X: f32[M]) -> (Y: f32[M]) {\n  Y[m] = 2 * X[m]\n}\n";
    List<CompiledKernel> all = Tessera.fromSource("two.attn", two).dim("K", 2).compileAll();
    assertThat(all.stream().map(CompiledKernel::name).toList()).containsExactly("gemm", "twice").inOrder();
    assertThat(all.get(0).fixedDims()).containsExactly("K", 2L);
    assertThat(all.get(1).fixedDims()).isEmpty();
    assertThat(all.get(1).run(Map.of("X", Tensor.of(new float[] {1, -2, 3}, 3))).get("Y").toFloatArray())
        .isEqualTo(new float[] {2, -4, 6});
  }

  @Test
  void tensorsRoundTripThroughNpy() {
    Tensor t = Tensor.of(new float[] {1.5f, -2, 3, 4, 5, 6}, 2, 3);
    Path p = tmp.resolve("t.npy");
    t.writeNpy(p);
    assertThat(Tensor.read(p)).isEqualTo(t);
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
  }

  @Test
  void aCompiledKernelRunsConcurrently() throws Exception {
    CompiledKernel k = Tessera.fromSource("gemm.attn", GEMM).compile();
    Tensor a = Tensor.of(random(12 * 5, 1), 12, 5);
    Tensor b = Tensor.of(random(5 * 7, 2), 5, 7);
    Tensor want = k.run(Map.of("A", a, "B", b)).get("C");
    List<Thread> threads = new ArrayList<>();
    List<Tensor> got = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 4; i++) threads.add(Thread.ofPlatform().start(() -> got.add(k.run(Map.of("A", a, "B", b)).get("C"))));
    for (Thread t : threads) t.join();
    assertThat(got).containsExactly(want, want, want, want);
  }
}
