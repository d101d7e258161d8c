package dev.tessera.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.ElemType;
import dev.tessera.scheduler.profile.GpuProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every zoo kernel compiles with nvcc for sm_80 and sm_90 (one call, two -gencode), warnings as
 * errors; ptxas reports no spills and shared memory within the profile. Skipped, with a message,
 * where nvcc is not installed.
 */
class NvccCompileTest {
  /** f16 for every file; f32 and bf16 for a few, enough to cover the other load/store paths. */
  private static final List<String> F32_TOO = List.of("mha_causal", "gla", "gemm");

  @Test
  void everyZooKernelCompilesWithoutSpills(@TempDir Path dir) throws Exception {
    Optional<Path> nvcc = Nvcc.find();
    Assumptions.assumeTrue(nvcc.isPresent(), "nvcc is not on PATH: the CUDA compile checks are skipped");
    GpuProfile a100 = Zoo.profile("a100");
    GpuProfile h100 = Zoo.profile("h100");
    record Job(String name, ElemType dtype, Map<String, Long> dims) {
      Job(String name, ElemType dtype) {
        this(name, dtype, Map.of());
      }
    }
    List<Job> jobs = new ArrayList<>();
    for (Path f : Zoo.files()) {
      jobs.add(new Job(Zoo.name(f), ElemType.F16));
      if (F32_TOO.contains(Zoo.name(f))) {
        jobs.add(new Job(Zoo.name(f), ElemType.F32));
        jobs.add(new Job(Zoo.name(f), ElemType.BF16));
      }
    }
    // The benchmark shapes: head dim 128 (more registers, shared memory over 48 KiB) and split-KV decode.
    jobs.add(new Job("mha", ElemType.F16, Map.of("H", 32L, "M", 2048L, "N", 2048L, "D", 128L, "E", 128L)));
    jobs.add(new Job("mha", ElemType.BF16, Map.of("H", 32L, "M", 1L, "N", 8192L, "D", 128L, "E", 128L)));
    jobs.add(new Job("mha_causal", ElemType.F32, Map.of("H", 8L, "M", 1000L, "N", 1000L, "D", 128L, "E", 128L)));
    // Chunked linear attention at its largest key dimension.
    jobs.add(new Job("gla", ElemType.BF16, Map.of("T", 4096L, "D", 128L, "E", 128L)));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (Job j : jobs) {
        Path file = Zoo.root().resolve(Files.exists(Zoo.root().resolve("attention/" + j.name() + ".attn")) ? "attention" : "einsum")
            .resolve(j.name() + ".attn");
        Zoo.Compiled c = Zoo.compile(file, j.dims());
        CudaArtifacts a = CudaBackend.generate(c.module(), c.kernel(), CudaBackend.defaultSchedule(), h100, c.dims(), j.dtype());
        Path sub = Files.createDirectories(dir.resolve(j.name() + "_" + j.dtype().text() + "_" + jobs.indexOf(j)));
        Path cu = sub.resolve(a.kernel() + ".cu");
        Files.writeString(cu, a.source());
        results.add(pool.submit(() -> {
          Nvcc.Result r = Nvcc.run(nvcc.get(), sub, List.of("-c", "-gencode", "arch=compute_80,code=sm_80",
              "-gencode", "arch=compute_90,code=sm_90", "-Xptxas", "-v", "-o", a.kernel() + ".o", cu.getFileName().toString()));
          assertEquals(0, r.exitCode(), j + ":\n" + r.output());
          PtxasReport rep = PtxasReport.parse(r.output());
          assertEquals(2 * a.launches(), rep.entries().size(), j + ": one ptxas report per entry and architecture\n" + r.output());
          for (PtxasReport.Entry e : rep.entries()) {
            assertEquals(0, e.spillStores() + e.spillLoads(), j + " " + e);
            GpuProfile p = e.arch().equals("sm_80") ? a100 : h100;
            assertTrue(e.sharedBytes() <= p.smemPerBlockBytes(), j + " " + e);
            assertTrue(e.registers() <= p.maxRegistersPerThread(), j + " " + e);
          }
          return j.toString();
        }));
      }
      for (Future<String> f : results) f.get();
    } finally {
      pool.shutdownNow();
    }
  }

  /** A scan outside the register-recurrence shape (two states, an elementwise readout) takes the one-block path. */
  @Test
  void genericScanCompiles(@TempDir Path dir) throws Exception {
    Optional<Path> nvcc = Nvcc.find();
    Assumptions.assumeTrue(nvcc.isPresent(), "nvcc is not on PATH: the CUDA compile checks are skipped");
    Zoo.Compiled c = Zoo.compile("running.attn", """
        kernel running(X: f32[B, T]) -> (Y: f32[B, T])
            defaults(B = 2, T = 33) {
          scan t {
            state C[b] = 0
            state P[b] = 1
            C[b] = C[b] + X[b, t]
            P[b] = P[b] * 0.5 + X[b, t]
            Y[b, t] = C[b] - P[b]
          }
        }
        """);
    CudaArtifacts a = CudaBackend.generate(c.module(), c.kernel(), CudaBackend.defaultSchedule(), Zoo.profile("h100"), c.dims(), ElemType.F16);
    assertTrue(a.manifest().contains("\"what\": \"scan\"") || a.manifest().contains("\"what\": \"recurrent\""), a.manifest());
    Files.writeString(dir.resolve("running.cu"), a.source());
    Nvcc.Result r = Nvcc.run(nvcc.get(), dir, List.of("-c", "-gencode", "arch=compute_80,code=sm_80", "-gencode", "arch=compute_90,code=sm_90",
        "-Xptxas", "-v", "-o", "running.o", "running.cu"));
    assertEquals(0, r.exitCode(), r.output());
    for (PtxasReport.Entry e : PtxasReport.parse(r.output()).entries()) assertEquals(0, e.spillStores() + e.spillLoads(), e.toString());
  }

  /** Masks the interval analysis cannot bound (modulo, a division, a tensor read over a range) still compile. */
  @Test
  void unboundedMasksCompile(@TempDir Path dir) throws Exception {
    Optional<Path> nvcc = Nvcc.find();
    Assumptions.assumeTrue(nvcc.isPresent(), "nvcc is not on PATH: the CUDA compile checks are skipped");
    Zoo.Compiled c = Zoo.compile("oddmask.attn", """
        kernel oddmask(Q: f32[B, H, M, D], K: f32[B, H, N, D], V: f32[B, H, N, E], w: f32[N]) -> (O: f32[B, H, M, E])
            defaults(B = 1, H = 2, M = 77, N = 100, D = 64, E = 64) {
          S[b, h, m, n] = rsqrt(D) * sum[d] Q[b, h, m, d] * K[b, h, n, d]
          P[b, h, m, n] = softmax[n](S[b, h, m, n]) where (m + n) % 3 != 0 && w[n] / 2.0 > -1.0
          O[b, h, m, e] = sum[n] P[b, h, m, n] * V[b, h, n, e]
        }
        """);
    CudaArtifacts a = CudaBackend.generate(c.module(), c.kernel(), CudaBackend.defaultSchedule(), Zoo.profile("h100"), c.dims(), ElemType.F16);
    assertTrue(a.manifest().contains("flash_"), a.manifest());
    Files.writeString(dir.resolve("oddmask.cu"), a.source());
    Nvcc.Result r = Nvcc.run(nvcc.get(), dir, List.of("-c", "-gencode", "arch=compute_80,code=sm_80", "-o", "oddmask.o", "oddmask.cu"));
    assertEquals(0, r.exitCode(), r.output());
  }

  @Test
  void parsesPtxasOutput() {
    String out = """
        ptxas info    : 0 bytes gmem
        ptxas info    : Compiling entry function 'k_a' for 'sm_80'
        ptxas info    : Function properties for k_a
            8 bytes stack frame, 4 bytes spill stores, 12 bytes spill loads
        ptxas info    : Used 40 registers, used 1 barriers, 16384 bytes smem, 400 bytes cmem[0]
        ptxas info    : Compiling entry function 'k_a' for 'sm_90'
        ptxas info    : Used 38 registers, used 0 barriers, 400 bytes cmem[0]
        """;
    PtxasReport r = PtxasReport.parse(out);
    assertEquals(List.of(new PtxasReport.Entry("k_a", "sm_80", 40, 16384, 4, 12), new PtxasReport.Entry("k_a", "sm_90", 38, 0, 0, 0)), r.entries());
  }
}
