package dev.tessera.bench;

import dev.tessera.cpu.CpuBackend;
import dev.tessera.cpu.CpuKernel;
import dev.tessera.diag.CompileException;
import dev.tessera.runtime.Inputs;
import dev.tessera.scheduler.ScheduleException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * {@code tessera bench cpu-attention}: each case's zoo kernel compiled by the CPU backend with its default schedule,
 * timed beside ONNX Runtime's {@code Attention} op (softmax cases) and the plain-Java baseline, on the same seeded
 * inputs; every output is checked against Tessera's. Tessera and ORT are timed in alternating rounds (see
 * {@link Timing#interleaved}): on a shared host the load from elsewhere changes over seconds, and timing one after the
 * other moved their ratio at N = 512 between 0.57 and 0.75 from run to run. ORT's session is closed before the next
 * case, and each turn starts after a pause long enough for the previous one's spinning threads to park.
 */
final class CpuAttentionSuite {
  static final String NAME = "cpu-attention";
  static final String TESSERA = "tessera";
  static final String ONNXRUNTIME = "onnxruntime";
  static final String UNFUSED = "unfused";

  /** Alternating rounds of Tessera and ORT per case. */
  static final int ROUNDS = 5;
  /** Sleep before each turn: ORT's pool spins after its runs, and so, for 2 ms, does Tessera's. */
  static final long GAP_MILLIS = 50;

  private final int threads;
  private final Timing.Policy policy;

  CpuAttentionSuite(int threads, Timing.Policy policy) {
    this.threads = threads;
    this.policy = policy;
  }

  /**
   * The sizes of a run: plain and causal MHA at every {@code mhaN} × {@code mhaD}; the variants (gqa with H / 4 KV heads,
   * softcap, alibi, sliding window, sigmoid) at M = N = {@code variantN}; decode at M = 1, N = {@code decodeN}; the
   * recurrences at T = {@code t}. B = 1 and D = E throughout.
   */
  record Sizes(int heads, int[] mhaN, int[] mhaD, int variantN, int variantD, int decodeN, int t, int recurrentD) {}

  static final Sizes FULL = new Sizes(8, new int[] {512, 2048}, new int[] {64, 128}, 2048, 64, 8192, 2048, 64);
  static final Sizes QUICK = new Sizes(8, new int[] {256}, new int[] {64, 128}, 256, 64, 2048, 512, 64);

  static List<BenchCase> cases(Sizes s) {
    List<BenchCase> cases = new ArrayList<>();
    int h = s.heads();
    for (int n : s.mhaN()) {
      for (int d : s.mhaD()) {
        cases.add(BenchCase.attention(name("mha", n, d), "mha", Problem.mha(1, h, n, n, d)));
        cases.add(BenchCase.attention(name("mha_causal", n, d), "mha_causal", Problem.mha(1, h, n, n, d).withCausal(true)));
      }
    }
    int n = s.variantN();
    int d = s.variantD();
    Problem causal = Problem.mha(1, h, n, n, d).withCausal(true);
    cases.add(BenchCase.attention(name("gqa", n, d), "gqa", causal.withKvHeads(h / 4)));
    cases.add(BenchCase.attention(name("softcap", n, d), "softcap", causal.withSoftcap(30f)));
    cases.add(BenchCase.attention(name("alibi", n, d), "alibi", causal.withAlibi()));
    cases.add(BenchCase.attention(name("sliding_window", n, d), "sliding_window", causal.withWindow(128)));
    cases.add(BenchCase.attention(name("sigmoid", n, d), "sigmoid", Problem.mha(1, h, n, n, d).withSigmoid()));
    cases.add(BenchCase.attention(name("decode", s.decodeN(), d), "mha", Problem.mha(1, h, 1, s.decodeN(), d)));
    int t = s.t();
    int rd = s.recurrentD();
    cases.add(BenchCase.recurrence("retnet_recurrent_t" + t + "_d" + rd, "retnet_recurrent", new RecurrentProblem(1, h, t, rd, rd, false)));
    cases.add(BenchCase.recurrence("gla_t" + t + "_d" + rd, "gla", new RecurrentProblem(1, h, t, rd, rd, true)));
    return cases;
  }

  private static String name(String kind, int n, int d) {
    return kind + "_n" + n + "_d" + d;
  }

  /**
   * Runs the cases, reporting each on {@code progress} as it starts; returns the rows, case by case. The first case
   * runs once more beforehand, unreported: a fresh JVM compiles the backend's and the baselines' shared code during
   * it, which a per-case warm-up of a second or two does not absorb on a busy machine.
   */
  List<Table.Row> run(List<BenchCase> cases, PrintWriter progress) {
    List<Table.Row> rows = new ArrayList<>();
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      if (!cases.isEmpty()) {
        progress.printf(Locale.ROOT, "%s: warming up on %s%n", NAME, cases.get(0).name());
        progress.flush();
        run(cases.get(0), pool);
      }
      for (int i = 0; i < cases.size(); i++) {
        progress.printf(Locale.ROOT, "%s: [%d/%d] %s%n", NAME, i + 1, cases.size(), cases.get(i).name());
        progress.flush();
        rows.addAll(run(cases.get(i), pool));
      }
    } finally {
      pool.shutdown();
    }
    return rows;
  }

  static List<BenchRecord> records(List<Table.Row> rows) {
    return rows.stream().map(r -> new BenchRecord(NAME, r.caseName(), r.impl(), r.ms(), r.gflops())).toList();
  }

  /**
   * The unfused baseline (in {@code pool}, so it uses the same number of threads), then Tessera and ORT in alternating
   * rounds (Tessera alone where ORT has no such operator).
   */
  List<Table.Row> run(BenchCase c, ForkJoinPool pool) {
    Zoo.Compiled z = Zoo.attention(c.file());
    Inputs.Prepared prepared;
    CpuKernel kernel;
    try {
      prepared = Inputs.prepare(z.kernel(), z.sourceMap(), Map.of(), c.dims(), 0);
      kernel = CpuBackend.compile(z.module(), z.kernel(), CpuBackend.defaultSchedule().with("threads", threads));
    } catch (CompileException | ScheduleException e) {
      throw new IllegalStateException("case " + c.name() + " does not compile: " + e.getMessage(), e);
    }
    Map<String, float[]> in = new LinkedHashMap<>();
    prepared.inputs().forEach((name, t) -> in.put(name, toFloat(t.data())));
    Map<String, Long> dims = prepared.dims();
    String out = z.kernel().outputs().get(0).name();
    double flops = c.workload().flops();
    List<Table.Row> rows = new ArrayList<>();
    java.util.function.Supplier<float[]> tesseraRun = () -> kernel.run(in, dims).get(out);
    Timing.Measurement unfused = pool.submit(() -> Timing.measure(() -> c.workload().unfused(in), policy)).join();
    Timing.Measurement tessera;
    Timing.Measurement ortTime = null;
    if (c.onnx() && c.workload() instanceof Problem p) {
      try (OrtAttention ort = OrtAttention.create(p, in, threads)) {
        List<Timing.Measurement> both = Timing.interleaved(List.of(tesseraRun, ort::run), policy, ROUNDS, GAP_MILLIS);
        tessera = both.get(0);
        ortTime = both.get(1);
      }
    } else {
      tessera = Timing.measure(tesseraRun, policy);
    }
    rows.add(row(c, TESSERA, tessera, flops, Double.NaN));
    rows.add(row(c, UNFUSED, unfused, flops, relativeError(unfused.output(), tessera.output())));
    if (ortTime != null) rows.add(row(c, ONNXRUNTIME, ortTime, flops, relativeError(ortTime.output(), tessera.output())));
    return rows;
  }

  private static Table.Row row(BenchCase c, String impl, Timing.Measurement m, double flops, double error) {
    return new Table.Row(c.name(), impl, m.medianMillis(), flops / (m.medianMillis() * 1e6), error);
  }

  /** max |got − want| / max(1, max |want|), the project's f32 error measure; infinite on NaN. */
  static double relativeError(float[] got, float[] want) {
    if (got.length != want.length) throw new IllegalStateException("output sizes differ: " + got.length + " vs " + want.length);
    double scale = 1;
    for (float w : want) scale = Math.max(scale, Math.abs(w));
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      double err = Math.abs((double) got[i] - want[i]) / scale;
      if (Double.isNaN(err)) return Double.POSITIVE_INFINITY;
      worst = Math.max(worst, err);
    }
    return worst;
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    return f;
  }

  /** The lines above the table: what ran where, the measured peak, and how to read the columns. */
  static void describe(PrintWriter out, boolean quick, Sizes sizes, int threads, FmaPeak.Peak peak, Timing.Policy policy) {
    out.printf(Locale.ROOT, "%s%s: Tessera (cpu backend, default schedule) vs ONNX Runtime %s (Attention op, opset %d) vs unfused Java%n",
        NAME, quick ? " --quick" : "", OrtAttention.version(), OnnxModels.ATTENTION_OPSET);
    out.printf(Locale.ROOT, "machine: %s, %d threads used (%d available); %s %s%n", Machine.cpuModel(), threads,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version"));
    out.printf(Locale.ROOT, "f32 FMA peak (FloatVector.fma, %d lanes, %d chains; best trial before and after the cases): 1 thread %.1f GFLOP/s,%n",
        peak.lanes(), FmaPeak.CHAINS, peak.singleThread());
    out.printf(Locale.ROOT, "  %d threads %.1f GFLOP/s%n", peak.threads(), peak.allThreads());
    out.println("FLOPs, the same for every implementation: attention 2*B*H*(D+E) per visible (query, key) pair, i.e.");
    out.println("  4*B*H*M*N*D when D = E and nothing is masked; causal, sliding-window and gqa cases count visible pairs");
    out.printf(Locale.ROOT, "  exactly (bottom-right aligned); recurrences 4*B*H*T*D*E (state update + readout). B = 1, H = %d;%n", sizes.heads());
    out.printf(Locale.ROOT, "  gqa: %d query heads on %d KV heads; sliding window 128; softcap 30; decode = mha.attn with M = 1.%n",
        sizes.heads(), sizes.heads() / 4);
    out.printf(Locale.ROOT, "ms: median of >= %d timed runs (and >= %.1f s) after %.1f s of warm-up runs; Tessera and ORT alternate in %d%n",
        policy.minRuns(), policy.minTimedNanos() / 1e9, policy.warmupNanos() / 1e9, ROUNDS);
    out.printf(Locale.ROOT, "  rounds, so load from elsewhere falls on both. %% peak: of the %d-thread FMA peak.%n", peak.threads());
    out.printf(Locale.ROOT, "xORT, xunfused: their time / this row's time (> 1: this row is faster). max err: max|x - tessera| /%n");
    out.printf(Locale.ROOT, "  max(1, max|tessera|), ! above %.0e. Inputs: the zoo's generated inputs, seed 0. The first case is%n", Table.FLAG);
    out.println("  run once unreported before the others, to warm up the JIT.");
    out.println();
    out.flush();
  }
}
