package dev.tessera.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.tessera.cli.CliRun.assertNoFiles;
import static dev.tessera.cli.CliRun.example;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.runtime.RunErrors;
import dev.tessera.runtime.npy.Npy;
import dev.tessera.runtime.npy.NpyArray;
import dev.tessera.runtime.npy.NpyType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tessera run} in process: outputs, given inputs, storage types, and every way a run can fail. */
class RunCommandTest {
  private static final Path MHA = example("attention", "mha.attn");
  private static final String[] SMALL = {"--dim", "M=3", "--dim", "N=5", "--dim", "D=4", "--dim", "E=2"};

  @TempDir
  Path tmp;

  // ---- helpers ----

  private Path out() {
    return tmp.resolve("out");
  }

  private static Object[] concat(Object[] a, Object... b) {
    Object[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** Runs with {@code --output-dir out()} appended. */
  private CliRun run(Object... args) {
    return CliRun.of(concat(concat(new Object[] {"run"}, args), "--output-dir", out()));
  }

  /** A run that must fail with {@code code}: exit 1, no stack trace, nothing written. */
  private CliRun fails(String code, Object... args) {
    CliRun r = run(args).assertInputError(code);
    assertNoFiles(out());
    assertThat(r.out()).isEmpty();
    return r;
  }

  private NpyArray output(String name) throws IOException {
    return read(out().resolve(name + ".npy"));
  }

  private static NpyArray read(Path p) throws IOException {
    try {
      return Npy.read(p);
    } catch (dev.tessera.runtime.npy.NpyFormatException e) {
      throw new AssertionError("Tessera wrote a malformed .npy file " + p, e);
    }
  }

  private Path npy(String name, NpyType type, int[] shape, double[] values) throws IOException {
    Path p = tmp.resolve(name + ".npy");
    Npy.write(p, new NpyArray(type, shape, values));
    return p;
  }

  private Path npy(String name, int[] shape, double[] values) throws IOException {
    return npy(name, NpyType.F32, shape, values);
  }

  private static int size(int... shape) {
    int n = 1;
    for (int s : shape) n *= s;
    return n;
  }

  /** Deterministic unit-scale values that f32 holds exactly. */
  private static double[] random(long seed, int... shape) {
    Random r = new Random(seed);
    double[] v = new double[size(shape)];
    for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
    return v;
  }

  /** Values rounded to f16, as the float16 ⇄ float conversion does. */
  private static double[] toF16(double[] v) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) r[i] = Float.float16ToFloat(Float.floatToFloat16((float) v[i]));
    return r;
  }

  private static double maxAbsDiff(double[] a, double[] b) {
    assertThat(a.length).isEqualTo(b.length);
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }

  private static void assertClose(double[] actual, double[] expected, double tol) {
    assertWithMessage("max |actual - expected|").that(maxAbsDiff(actual, expected)).isAtMost(tol);
  }

  /**
   * Independent attention on [B,H,·,·] arrays: O = softmax(Q·Kᵀ/√D) · V, optionally causal
   * (bottom-right aligned); a row with no visible key gives zeros.
   */
  private static double[] attention(double[] q, double[] k, double[] v, int b, int h, int m, int n, int d, int e, boolean causal) {
    double[] o = new double[b * h * m * e];
    for (int bb = 0; bb < b; bb++) {
      for (int hh = 0; hh < h; hh++) {
        for (int i = 0; i < m; i++) {
          double[] s = new double[n];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < n; j++) {
            if (causal && j > i + (n - m)) {
              s[j] = Double.NEGATIVE_INFINITY;
              continue;
            }
            double dot = 0;
            for (int x = 0; x < d; x++) {
              dot += q[((bb * h + hh) * m + i) * d + x] * k[((bb * h + hh) * n + j) * d + x];
            }
            s[j] = dot / Math.sqrt(d);
            max = Math.max(max, s[j]);
          }
          if (max == Double.NEGATIVE_INFINITY) continue;
          double sum = 0;
          for (int j = 0; j < n; j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
          }
          for (int y = 0; y < e; y++) {
            double acc = 0;
            for (int j = 0; j < n; j++) acc += s[j] / sum * v[((bb * h + hh) * n + j) * e + y];
            o[((bb * h + hh) * m + i) * e + y] = acc;
          }
        }
      }
    }
    return o;
  }

  // ---- successful runs ----

  @Test
  void writesTheOutputAndPrintsTheSummary() throws IOException {
    CliRun r = run(concat(new Object[] {MHA}, (Object[]) SMALL)).assertOk();
    NpyArray o = output("O");
    assertThat(o.type()).isEqualTo(NpyType.F32);
    assertThat(o.shape()).isEqualTo(new int[] {1, 4, 3, 2});
    for (double x : o.values()) assertThat(Double.isFinite(x)).isTrue();
    try (Stream<Path> files = Files.list(out())) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("O.npy");
    }
    assertThat(r.out()).contains("kernel    mha");
    assertThat(r.out()).contains("target    ref");
    assertThat(r.out()).contains("schedule  ");
    assertThat(r.out()).contains("dims      B=1 H=4 M=3 D=4 N=5 E=2");
    assertThat(r.out()).containsMatch("time      [0-9.]+ ms");
    assertThat(r.out()).contains("GFLOP/s");
    assertThat(r.out()).contains("output    O f32[1, 4, 3, 2] -> " + out().resolve("O.npy"));
    assertThat(r.err()).isEmpty();
  }

  @Test
  void createsMissingOutputDirectories() throws IOException {
    Path nested = tmp.resolve("a").resolve("b");
    CliRun.of(concat(new Object[] {"run", MHA, "--output-dir", nested}, (Object[]) SMALL)).assertOk();
    assertThat(read(nested.resolve("O.npy")).shape()).isEqualTo(new int[] {1, 4, 3, 2});
  }

  @Test
  void overwritesAnEarlierOutput() throws IOException {
    run(concat(new Object[] {MHA, "--seed", 1}, (Object[]) SMALL)).assertOk();
    double[] first = output("O").values();
    run(concat(new Object[] {MHA, "--seed", 2}, (Object[]) SMALL)).assertOk();
    assertThat(Arrays.equals(first, output("O").values())).isFalse();
  }

  @Test
  void generatedInputsAreDeterministicPerSeed() throws IOException {
    run(concat(new Object[] {MHA, "--seed", 42}, (Object[]) SMALL)).assertOk();
    byte[] a = Files.readAllBytes(out().resolve("O.npy"));
    run(concat(new Object[] {MHA, "--seed", 42}, (Object[]) SMALL)).assertOk();
    byte[] b = Files.readAllBytes(out().resolve("O.npy"));
    run(concat(new Object[] {MHA, "--seed", 43}, (Object[]) SMALL)).assertOk();
    byte[] c = Files.readAllBytes(out().resolve("O.npy"));
    assertThat(a).isEqualTo(b);
    assertThat(Arrays.equals(a, c)).isFalse();
  }

  @Test
  void dimsComeFromGivenInputsAndTheOutputMatchesAnIndependentAttention() throws IOException {
    int b = 1, h = 2, m = 3, n = 5, d = 4, e = 6;
    double[] q = random(1, b, h, m, d);
    double[] k = random(2, b, h, n, d);
    double[] v = random(3, b, h, n, e);
    CliRun r = run(MHA, "--input", "Q=" + npy("Q", new int[] {b, h, m, d}, q), "--input", "K=" + npy("K", new int[] {b, h, n, d}, k),
        "--input", "V=" + npy("V", new int[] {b, h, n, e}, v)).assertOk();
    assertThat(r.out()).contains("dims      B=1 H=2 M=3 D=4 N=5 E=6");
    NpyArray o = output("O");
    assertThat(o.shape()).isEqualTo(new int[] {b, h, m, e});
    assertClose(o.values(), attention(q, k, v, b, h, m, n, d, e, false), 1e-5);

    // Other V, other O: the file is really read.
    double[] v2 = random(4, b, h, n, e);
    run(MHA, "--input", "Q=" + tmp.resolve("Q.npy"), "--input", "K=" + tmp.resolve("K.npy"),
        "--input", "V=" + npy("V2", new int[] {b, h, n, e}, v2)).assertOk();
    assertClose(output("O").values(), attention(q, k, v2, b, h, m, n, d, e, false), 1e-5);

    // With every input given, the seed does not matter.
    run(MHA, "--seed", 99, "--input", "Q=" + tmp.resolve("Q.npy"), "--input", "K=" + tmp.resolve("K.npy"),
        "--input", "V=" + tmp.resolve("V2.npy")).assertOk();
    assertClose(output("O").values(), attention(q, k, v2, b, h, m, n, d, e, false), 1e-5);
  }

  @Test
  void zeroKeysGiveTheMeanOfTheValues() throws IOException {
    int n = 4;
    double[] v = {1, 2, 3, 4, 5, 6, 7, 8};
    run(MHA, "--input", "K=" + npy("K", new int[] {1, 1, n, 3}, new double[12]), "--input", "V=" + npy("V", new int[] {1, 1, n, 2}, v),
        "--dim", "M=2").assertOk();
    assertThat(output("O").values()).usingTolerance(1e-6).containsExactly(4, 5, 4, 5).inOrder();
  }

  @Test
  void causalMaskIsBottomRightAlignedWhenMDiffersFromN() throws IOException {
    int b = 1, h = 2, m = 3, n = 7, d = 4, e = 2;
    double[] q = random(5, b, h, m, d);
    double[] k = random(6, b, h, n, d);
    double[] v = random(7, b, h, n, e);
    run(example("attention", "mha_causal.attn"), "--input", "Q=" + npy("Q", new int[] {b, h, m, d}, q),
        "--input", "K=" + npy("K", new int[] {b, h, n, d}, k), "--input", "V=" + npy("V", new int[] {b, h, n, e}, v)).assertOk();
    assertClose(output("O").values(), attention(q, k, v, b, h, m, n, d, e, true), 1e-5);
  }

  @Test
  void partlyGivenInputsFixTheirDimsAndTheRestAreGenerated() throws IOException {
    CliRun r = run(MHA, "--input", "Q=" + npy("Q", new int[] {2, 3, 4, 5}, random(1, 2, 3, 4, 5)), "--dim", "N=6", "--dim", "E=7")
        .assertOk();
    assertThat(r.out()).contains("dims      B=2 H=3 M=4 D=5 N=6 E=7");
    assertThat(output("O").shape()).isEqualTo(new int[] {2, 3, 4, 7});
  }

  @Test
  void f16InputFilesAreAccepted() throws IOException {
    int[] qs = {1, 2, 3, 4};
    double[] q = toF16(random(1, qs));
    run(MHA, "--input", "Q=" + npy("Q32", NpyType.F32, qs, q), "--dim", "N=5", "--dim", "E=2").assertOk();
    double[] viaF32 = output("O").values();
    run(MHA, "--input", "Q=" + npy("Q16", NpyType.F16, qs, q), "--dim", "N=5", "--dim", "E=2").assertOk();
    assertThat(output("O").values()).isEqualTo(viaF32);
  }

  @Test
  void int8AndF64InputFilesAreConvertedToTheStorageType() throws IOException {
    int[] vs = {1, 2, 5, 2};
    double[] v = new double[size(vs)];
    for (int i = 0; i < v.length; i++) v[i] = (i % 7) - 3;
    Object[] rest = {"--dim", "M=3", "--dim", "D=4"};
    run(concat(new Object[] {MHA, "--input", "V=" + npy("V32", NpyType.F32, vs, v)}, rest)).assertOk();
    double[] viaF32 = output("O").values();
    run(concat(new Object[] {MHA, "--input", "V=" + npy("V8", NpyType.I8, vs, v)}, rest)).assertOk();
    assertThat(output("O").values()).isEqualTo(viaF32);
    run(concat(new Object[] {MHA, "--input", "V=" + npy("V64", NpyType.F64, vs, v)}, rest)).assertOk();
    assertThat(output("O").values()).isEqualTo(viaF32);
  }

  @Test
  void blockMasksAcceptBoolAndInt8() throws IOException {
    int b = 1, h = 2, m = 70, n = 5, d = 4, e = 2;
    Path q = npy("Q", new int[] {b, h, m, d}, random(1, b, h, m, d));
    Path k = npy("K", new int[] {b, h, n, d}, random(2, b, h, n, d));
    Path v = npy("V", new int[] {b, h, n, e}, random(3, b, h, n, e));
    Object[] qkv = {"--input", "Q=" + q, "--input", "K=" + k, "--input", "V=" + v};
    run(concat(new Object[] {MHA}, qkv)).assertOk();
    double[] dense = output("O").values();

    // All blocks on: dense attention, whether the mask is bool or int8.
    for (NpyType t : new NpyType[] {NpyType.BOOL, NpyType.I8}) {
      Path ones = npy("ones" + t, t, new int[] {b, h, 2, 1}, new double[] {1, 1, 1, 1});
      run(concat(new Object[] {example("attention", "block_sparse.attn"), "--input", "blocks=" + ones}, qkv)).assertOk();
      assertClose(output("O").values(), dense, 1e-6);
    }

    // Second query block off (rows 64..69): those rows are zeros, the others unchanged.
    Path half = npy("half", NpyType.BOOL, new int[] {b, h, 2, 1}, new double[] {1, 0, 1, 0});
    run(concat(new Object[] {example("attention", "block_sparse.attn"), "--input", "blocks=" + half}, qkv)).assertOk();
    double[] o = output("O").values();
    for (int hh = 0; hh < h; hh++) {
      for (int i = 0; i < m; i++) {
        for (int y = 0; y < e; y++) {
          int at = (hh * m + i) * e + y;
          assertThat(o[at]).isWithin(1e-6).of(i < 64 ? dense[at] : 0.0);
        }
      }
    }
  }

  @Test
  void zeroDimensionalInputIsAScalar() throws IOException {
    int b = 1, h = 2, m = 3, n = 4, d = 4, e = 2;
    Path q = npy("Q", new int[] {b, h, m, d}, random(1, b, h, m, d));
    Path k = npy("K", new int[] {b, h, n, d}, random(2, b, h, n, d));
    Path v = npy("V", new int[] {b, h, n, e}, random(3, b, h, n, e));
    run(example("attention", "mha_causal.attn"), "--input", "Q=" + q, "--input", "K=" + k, "--input", "V=" + v).assertOk();
    double[] causal = output("O").values();

    // O = softmax(s1)·V − lam·softmax(s2)·V with s2 = s1: (1 − lam)·causal.
    Object[] same = {example("attention", "diff.attn"), "--input", "Q1=" + q, "--input", "K1=" + k, "--input", "Q2=" + q,
        "--input", "K2=" + k, "--input", "V=" + v};
    run(concat(same, "--input", "lam=" + npy("lam0", new int[0], new double[] {0}))).assertOk();
    assertClose(output("O").values(), causal, 1e-6);
    run(concat(same, "--input", "lam=" + npy("lam", new int[0], new double[] {0.25}))).assertOk();
    assertClose(output("O").values(), Arrays.stream(causal).map(x -> 0.75 * x).toArray(), 1e-6);
  }

  @Test
  void dtypeF16RoundsInputs() throws IOException {
    run(concat(new Object[] {MHA}, (Object[]) SMALL)).assertOk();
    double[] f32 = output("O").values();
    run(concat(new Object[] {MHA, "--dtype", "f32"}, (Object[]) SMALL)).assertOk();
    assertThat(output("O").values()).isEqualTo(f32);
    run(concat(new Object[] {MHA, "--dtype", "f16"}, (Object[]) SMALL)).assertOk();
    double f16Error = maxAbsDiff(output("O").values(), f32);
    assertThat(f16Error).isGreaterThan(0.0);
    assertThat(f16Error).isLessThan(1e-2);
    run(concat(new Object[] {MHA, "--dtype", "bf16"}, (Object[]) SMALL)).assertOk();
    double bf16Error = maxAbsDiff(output("O").values(), f32);
    assertThat(bf16Error).isGreaterThan(0.0);
    assertThat(bf16Error).isLessThan(5e-2);
  }

  @Test
  void dtypeF16RoundsGivenInputs() throws IOException {
    int[] qs = {1, 2, 3, 4};
    double[] q = random(1, qs);
    double[] q16 = toF16(q);
    assertThat(Arrays.equals(q, q16)).isFalse();
    Path exact = npy("Q", qs, q);
    Path rounded = npy("Q16", qs, q16);
    Object[] rest = {"--dim", "N=5", "--dim", "E=2", "--dtype", "f16"};
    run(concat(new Object[] {MHA, "--input", "Q=" + exact}, rest)).assertOk();
    double[] a = output("O").values();
    run(concat(new Object[] {MHA, "--input", "Q=" + rounded}, rest)).assertOk();
    assertThat(output("O").values()).isEqualTo(a);
    // Without --dtype the difference survives.
    run(MHA, "--input", "Q=" + exact, "--dim", "N=5", "--dim", "E=2").assertOk();
    double[] b = output("O").values();
    run(MHA, "--input", "Q=" + rounded, "--dim", "N=5", "--dim", "E=2").assertOk();
    assertThat(Arrays.equals(b, output("O").values())).isFalse();
  }

  @Test
  void chooseAKernelOfASeveralKernelFile() throws IOException {
    Path f = tmp.resolve("two.attn");
    Files.writeString(f, """
        kernel first(A: f32[N]) -> (O: f32[N]) defaults(N = 3) {
          O[n] = A[n] * 2.0
        }
        kernel second(A: f32[N]) -> (O: f32[N]) defaults(N = 3) {
          O[n] = A[n] * 3.0
        }
        """);
    Path a = npy("A", new int[] {3}, new double[] {1, 2, 3});
    run(f, "--kernel", "second", "--input", "A=" + a).assertOk();
    assertThat(output("O").values()).usingExactEquality().containsExactly(3.0, 6.0, 9.0).inOrder();
    // The kernel named like the file is the default.
    Path same = tmp.resolve("first.attn");
    Files.copy(f, same);
    run(same, "--input", "A=" + a).assertOk();
    assertThat(output("O").values()).usingExactEquality().containsExactly(2.0, 4.0, 6.0).inOrder();
  }

  static Stream<Arguments> zoo() {
    String[] attn = {"--dim", "H=2", "--dim", "M=3", "--dim", "N=5", "--dim", "D=4", "--dim", "E=2"};
    String[] seq = {"--dim", "H=2", "--dim", "T=5", "--dim", "D=4", "--dim", "E=2"};
    List<Arguments> a = new ArrayList<>();
    for (String f : new String[] {"mha", "mha_causal", "sliding_window", "softcap", "sigmoid", "relu", "alibi", "diff"}) {
      a.add(Arguments.of("attention", f, attn, "O", new int[] {1, 2, 3, 2}));
    }
    for (String f : new String[] {"retnet_parallel", "retnet_recurrent", "mamba2_ssd", "gla"}) {
      a.add(Arguments.of("attention", f, seq, "O", new int[] {1, 2, 5, 2}));
    }
    a.add(Arguments.of("attention", "gqa", new String[] {"--dim", "H=4", "--dim", "Hk=2", "--dim", "M=3", "--dim", "N=5", "--dim", "D=4",
        "--dim", "E=2"}, "O", new int[] {1, 4, 3, 2}));
    a.add(Arguments.of("attention", "mla_decode", new String[] {"--dim", "H=2", "--dim", "N=7"}, "O", new int[] {1, 2, 1, 512}));
    a.add(Arguments.of("attention", "block_sparse", new String[] {"--dim", "H=2", "--dim", "M=70", "--dim", "N=5", "--dim", "D=4",
        "--dim", "E=2"}, "O", new int[] {1, 2, 70, 2}));
    a.add(Arguments.of("einsum", "gemm", new String[] {"--dim", "M=3", "--dim", "K=4", "--dim", "N=5"}, "C", new int[] {3, 5}));
    a.add(Arguments.of("einsum", "gemv", new String[] {"--dim", "N=3", "--dim", "K=4"}, "y", new int[] {3}));
    a.add(Arguments.of("einsum", "gated_mlp", new String[] {"--dim", "T=3", "--dim", "Dm=4", "--dim", "F=5"}, "Y", new int[] {3, 4}));
    return a.stream();
  }

  @ParameterizedTest(name = "{0}/{1}")
  @MethodSource("zoo")
  void everyZooExampleRuns(String dir, String name, String[] dims, String output, int[] shape) throws IOException {
    CliRun r = run(concat(new Object[] {example(dir, name + ".attn")}, (Object[]) dims)).assertOk();
    assertThat(r.out()).contains("kernel    " + name);
    NpyArray o = output(output);
    assertThat(o.type()).isEqualTo(NpyType.F32);
    assertThat(o.shape()).isEqualTo(shape);
    for (double x : o.values()) assertThat(Double.isFinite(x)).isTrue();
    try (Stream<Path> files = Files.list(out())) {
      assertThat(files.count()).isEqualTo(1);
    }
  }

  // ---- input files ----

  @Test
  void malformedNpyIsE401NamingTheFile() throws IOException {
    Path bad = tmp.resolve("garbage.npy");
    Files.writeString(bad, "hello, this is not numpy");
    CliRun r = fails(RunErrors.BAD_INPUT_FILE, MHA, "--input", "Q=" + bad);
    assertThat(r.err()).contains(bad.toString());
    assertThat(r.err()).contains("garbage.npy");
  }

  @Test
  void truncatedNpyIsE401() throws IOException {
    byte[] good = Npy.toBytes(new NpyArray(NpyType.F32, new int[] {1, 4, 3, 64}, new double[768]));
    Path cut = tmp.resolve("cut.npy");
    Files.write(cut, Arrays.copyOf(good, good.length - 10));
    CliRun r = fails(RunErrors.BAD_INPUT_FILE, MHA, "--input", "Q=" + cut);
    assertThat(r.err()).contains("cut.npy");
    assertThat(r.err()).contains("truncated");
  }

  private Path npyWithHeader(String name, String dict, int dataBytes) throws IOException {
    StringBuilder h = new StringBuilder(dict);
    while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
    h.append('\n');
    byte[] header = h.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = new byte[10 + header.length + dataBytes];
    byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length, (byte) (header.length >> 8)};
    System.arraycopy(magic, 0, bytes, 0, 10);
    System.arraycopy(header, 0, bytes, 10, header.length);
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  @Test
  void unsupportedNpyDtypeIsE401() throws IOException {
    Path c = npyWithHeader("complex.npy", "{'descr': '<c8', 'fortran_order': False, 'shape': (1, 4, 3, 64), }", 768 * 8);
    CliRun r = fails(RunErrors.BAD_INPUT_FILE, MHA, "--input", "Q=" + c);
    assertThat(r.err()).contains("complex.npy");
    assertThat(r.err()).contains("<c8");
  }

  @Test
  void fortranOrderIsE401() throws IOException {
    Path f = npyWithHeader("fortran.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 4, 3, 64), }", 768 * 4);
    CliRun r = fails(RunErrors.BAD_INPUT_FILE, MHA, "--input", "Q=" + f);
    assertThat(r.err()).contains("fortran");
  }

  @Test
  void missingInputFileIsE401() {
    Path missing = tmp.resolve("nowhere.npy");
    CliRun r = fails(RunErrors.BAD_INPUT_FILE, MHA, "--input", "Q=" + missing);
    assertThat(r.err()).contains(missing.toString());
    assertThat(r.err()).contains("no such file");
  }

  @Test
  void directoryAsInputFileIsE401() {
    fails(RunErrors.BAD_INPUT_FILE, MHA, "--input", "Q=" + tmp);
  }

  @Test
  void shapeMismatchBetweenQAndKIsE402AtTheDeclaration() throws IOException {
    CliRun r = fails(RunErrors.SHAPE_MISMATCH, MHA, "--input", "Q=" + npy("Q", new int[] {1, 2, 3, 4}, random(1, 1, 2, 3, 4)),
        "--input", "K=" + npy("K", new int[] {1, 3, 5, 4}, random(2, 1, 3, 5, 4)));
    assertThat(r.err()).contains("Q.shape[1]");
    assertThat(r.err()).contains("K.shape[1]");
    // mha.attn line 3: "kernel mha(Q: f32[B, H, M, D], K: ...": Q's declaration is column 12.
    String line3 = Files.readAllLines(MHA).get(2);
    assertThat(line3).startsWith("kernel mha(");
    r.assertCaretAt("mha.attn", 3, line3.indexOf("Q:") + 1);
  }

  @Test
  void wrongRankIsE402AtTheInput() throws IOException {
    CliRun r = fails(RunErrors.SHAPE_MISMATCH, MHA, "--input", "K=" + npy("K", new int[] {3, 5, 4}, random(2, 3, 5, 4)));
    assertThat(r.err()).contains("4 dimensions");
    String line3 = Files.readAllLines(MHA).get(2);
    r.assertCaretAt("mha.attn", 3, line3.indexOf("K:") + 1);
  }

  @Test
  void inputConflictingWithDimIsE402() throws IOException {
    CliRun r = fails(RunErrors.SHAPE_MISMATCH, MHA, "--input", "Q=" + npy("Q", new int[] {1, 2, 3, 4}, random(1, 1, 2, 3, 4)),
        "--dim", "M=4");
    assertThat(r.err()).contains("--dim M=4");
    assertThat(r.err()).contains("Q.shape[2]");
    assertThat(r.err()).contains("mha.attn:3:");
  }

  @Test
  void constantExtentMismatchIsE402() throws IOException {
    Path q = npy("Q", new int[] {1, 2, 1, 575}, new double[2 * 575]);
    CliRun r = fails(RunErrors.SHAPE_MISMATCH, example("attention", "mla_decode.attn"), "--input", "Q=" + q);
    assertThat(r.err()).contains("576");
    assertThat(r.err()).contains("mla_decode.attn:");
  }

  @Test
  void zeroDimensionalArrayForATensorIsE402() throws IOException {
    fails(RunErrors.SHAPE_MISMATCH, MHA, "--input", "Q=" + npy("Q", new int[0], new double[] {1}));
  }

  @Test
  void arrayForAScalarIsE402() throws IOException {
    CliRun r = fails(RunErrors.SHAPE_MISMATCH, example("attention", "diff.attn"), "--input", "lam=" + npy("lam", new int[] {2}, new double[] {1, 2}));
    assertThat(r.err()).contains("diff.attn:");
  }

  @Test
  void emptyArrayIsE408() throws IOException {
    CliRun r = fails(RunErrors.BAD_DIM, MHA, "--input", "Q=" + npy("Q", new int[] {1, 0, 3, 4}, new double[0]));
    assertThat(r.err()).contains("at least 1");
  }

  @Test
  void emptyArrayFeedingADivisionIsE408NotACrash() throws IOException {
    Path f = tmp.resolve("quotient.attn");
    Files.writeString(f, """
        kernel quotient(A: f32[H], B: f32[Hk]) -> (C: f32[G])
            with G = H / Hk {
          C[g] = 2.0
        }
        """);
    CliRun r = fails(RunErrors.BAD_DIM, f, "--input", "A=" + npy("A", new int[] {4}, new double[4]),
        "--input", "B=" + npy("B", new int[] {0}, new double[0]));
    assertThat(r.err()).contains("'Hk'");
    r.assertCaretAt("quotient.attn", 1, "kernel quotient(A: f32[H], ".length() + 1);
  }

  @Test
  void unknownInputNameIsE405() throws IOException {
    CliRun r = fails(RunErrors.UNKNOWN_INPUT, MHA, "--input", "X=" + npy("X", new int[] {1}, new double[] {1}));
    assertThat(r.err()).contains("'X'");
    assertThat(r.err()).contains("Q, K, V");
  }

  @Test
  void outputNameIsNotAnInput() throws IOException {
    fails(RunErrors.UNKNOWN_INPUT, MHA, "--input", "O=" + npy("O", new int[] {1, 4, 3, 2}, new double[24]));
  }

  @Test
  void inputGivenTwiceIsE409() throws IOException {
    Path q = npy("Q", new int[] {1, 2, 3, 4}, random(1, 1, 2, 3, 4));
    fails(RunErrors.BAD_VALUE, MHA, "--input", "Q=" + q, "--input", "Q=" + q);
  }

  @Test
  void fractionalValueForAnInt8InputIsE409() throws IOException {
    Path blocks = npy("blocks", new int[] {1, 2, 1, 1}, new double[] {1, 0.5});
    CliRun r = fails(RunErrors.BAD_VALUE, example("attention", "block_sparse.attn"), "--input", "blocks=" + blocks,
        "--dim", "M=3", "--dim", "N=5");
    assertThat(r.err()).contains("0.5");
    assertThat(r.err()).contains("block_sparse.attn:");
  }

  @Test
  void blockMaskOfTheWrongBlockCountIsE404() throws IOException {
    Path blocks = npy("blocks", NpyType.BOOL, new int[] {1, 2, 1, 1}, new double[] {1, 1});
    CliRun r = fails(RunErrors.RELATION, example("attention", "block_sparse.attn"), "--input", "blocks=" + blocks,
        "--dim", "M=70", "--dim", "N=5");
    assertThat(r.err()).contains("MB = cdiv(M, 64)");
  }

  @Test
  void headsNotDivisibleIsE404() {
    CliRun r = fails(RunErrors.RELATION, example("attention", "gqa.attn"), "--dim", "H=7", "--dim", "Hk=2");
    assertThat(r.err()).contains("H = G * Hk");
    assertThat(r.err()).contains("gqa.attn:");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Q=", "=x.npy", "Q", ""})
  void malformedInputOptionIsE409(String spec) {
    fails(RunErrors.BAD_VALUE, MHA, "--input", spec);
  }

  // ---- dimensions ----

  @ParameterizedTest
  @ValueSource(strings = {"M3", "=3", "M=", ""})
  void malformedDimOptionIsE409(String spec) {
    CliRun r = fails(RunErrors.BAD_VALUE, MHA, "--dim", spec);
    assertThat(r.err()).contains("NAME=VALUE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"M=x", "M=0", "M=-1", "M=1.5", "M=99999999999", "M=2147483648", "M=0x10"})
  void badDimValueIsE408(String spec) {
    CliRun r = fails(RunErrors.BAD_DIM, MHA, "--dim", spec);
    assertThat(r.err()).contains(spec);
  }

  @Test
  void unknownDimIsE408ListingTheDims() {
    CliRun r = fails(RunErrors.BAD_DIM, MHA, "--dim", "Z=3");
    assertThat(r.err()).contains("'Z'");
    assertThat(r.err()).contains("B, H, M, D, N, E");
  }

  @Test
  void unboundDimIsE403() throws IOException {
    Path f = tmp.resolve("nodefaults.attn");
    Files.writeString(f, """
        kernel nodefaults(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N]) {
          C[m, n] = sum[k] A[m, k] * B[k, n]
        }
        """);
    CliRun r = fails(RunErrors.UNBOUND_DIM, f, "--dim", "M=2", "--dim", "K=3");
    assertThat(r.err()).contains("--dim N=");
    r.assertCaretAt("nodefaults.attn", 1, "kernel nodefaults(A: f32[M, K], B: f32[K, ".length() + 1);
  }

  @Test
  void dimensionsTooLargeForMemoryAreE408NotACrash() {
    CliRun r = fails(RunErrors.BAD_DIM, MHA, "--dim", "M=65536", "--dim", "N=65536", "--dim", "D=1", "--dim", "E=1");
    assertThat(r.err()).contains("M=65536");
    fails(RunErrors.BAD_DIM, example("einsum", "gemm.attn"), "--dim", "M=2147483647", "--dim", "K=2147483647");
  }

  @Test
  void runningOutOfHeapIsADiagnosticNotAStackTrace() {
    // One 46000 × 46000 score matrix: 2.1e9 doubles (17 GB), under the per-array limit but over the heap.
    assumeTrue(Runtime.getRuntime().maxMemory() < 15L << 30, "the heap is large enough to hold the tensors");
    CliRun r = fails(RunErrors.BAD_DIM, MHA, "--dim", "H=1", "--dim", "M=46000", "--dim", "N=46000", "--dim", "D=1", "--dim", "E=1");
    assertThat(r.err()).contains("memory");
  }

  // ---- options ----

  @Test
  void cpuTargetRunsChecksAndReports() throws IOException {
    CliRun r = run(concat(new Object[] {MHA, "--target", "cpu", "--repeat", "2"}, (Object[]) SMALL));
    assertThat(r.code()).isEqualTo(0);
    assertThat(r.out()).contains("target    cpu");
    assertThat(r.out()).contains("schedule  cpu{");
    assertThat(r.out()).containsMatch("compile   [0-9.]+ ms");
    assertThat(r.out()).containsMatch("error     [0-9.e-]+ max");
    assertThat(output("O").shape()).isEqualTo(new int[] {1, 4, 3, 2});
  }

  @Test
  void cpuOutputsMatchTheReferenceRun() throws IOException {
    run(concat(new Object[] {MHA}, (Object[]) SMALL)).assertOk();
    double[] ref = output("O").values();
    run(concat(new Object[] {MHA, "--target", "cpu", "--no-check"}, (Object[]) SMALL)).assertOk();
    double[] cpu = output("O").values();
    for (int i = 0; i < ref.length; i++) assertThat(cpu[i]).isWithin(1e-5).of(ref[i]);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu{blockM=0}", "cpu{colour=3}", "mesh{}", "cpu blockM=4", "cpu{threads=x}"})
  void illegalScheduleIsE412(String schedule) {
    CliRun r = fails(RunErrors.ILLEGAL_SCHEDULE, concat(new Object[] {MHA, "--target", "cpu", "--schedule", schedule}, (Object[]) SMALL));
    assertThat(r.err()).contains("schedule");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpu", "REF", ""})
  void unknownTargetIsE409(String target) {
    CliRun r = fails(RunErrors.BAD_VALUE, concat(new Object[] {MHA, "--target", target}, (Object[]) SMALL));
    assertThat(r.err()).contains("ref, cpu, cuda or mesh");
  }

  @Test
  void explicitRefTargetRuns() throws IOException {
    run(concat(new Object[] {MHA, "--target", "ref"}, (Object[]) SMALL)).assertOk();
    assertThat(output("O").shape()).isEqualTo(new int[] {1, 4, 3, 2});
  }

  @ParameterizedTest
  @ValueSource(strings = {"f64", "i8", "bool", "float16", ""})
  void badDtypeIsE409(String dtype) {
    CliRun r = fails(RunErrors.BAD_VALUE, concat(new Object[] {MHA, "--dtype", dtype}, (Object[]) SMALL));
    assertThat(r.err()).contains("f32, f16 or bf16");
  }

  @Test
  void unknownKernelIsE407() {
    CliRun r = fails(RunErrors.UNKNOWN_KERNEL, concat(new Object[] {MHA, "--kernel", "nope"}, (Object[]) SMALL));
    assertThat(r.err()).contains("'nope'");
    assertThat(r.err()).contains("mha");
  }

  @Test
  void severalKernelsAndNoneNamedLikeTheFileIsE407() throws IOException {
    Path f = tmp.resolve("pair.attn");
    Files.writeString(f, """
        kernel first(A: f32[N]) -> (O: f32[N]) defaults(N = 3) {
          O[n] = A[n] * 2.0
        }
        kernel second(A: f32[N]) -> (O: f32[N]) defaults(N = 3) {
          O[n] = A[n] * 3.0
        }
        """);
    CliRun r = fails(RunErrors.UNKNOWN_KERNEL, f);
    assertThat(r.err()).contains("--kernel");
    assertThat(r.err()).contains("first, second");
  }

  @Test
  void outputDirThatIsAFileIsE411AndTheFileIsUntouched() throws IOException {
    Path file = tmp.resolve("taken");
    Files.writeString(file, "keep me");
    CliRun r = CliRun.of(concat(new Object[] {"run", MHA, "--output-dir", file}, (Object[]) SMALL)).assertInputError(RunErrors.OUTPUT);
    assertThat(r.err()).contains(file.toString());
    assertThat(Files.readString(file)).isEqualTo("keep me");
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("taken");
    }
  }

  // ---- DSL files ----

  @Test
  void syntaxErrorIsPositionedAndNothingRuns() throws IOException {
    Path f = tmp.resolve("broken.attn");
    Files.writeString(f, """
        kernel broken(A: f32[N]) -> (O: f32[N]) {
          O[n] = A[n] +
        }
        """);
    CliRun r = run(f);
    assertThat(r.code()).isEqualTo(1);
    r.assertNoStackTrace();
    r.assertCaretAt("broken.attn", 3, 1);
    assertNoFiles(out());
  }

  @Test
  void semanticErrorIsPositioned() throws IOException {
    Path f = tmp.resolve("unknown.attn");
    Files.writeString(f, """
        kernel unknown(A: f32[N]) -> (O: f32[N]) {
          O[n] = Missing[n]
        }
        """);
    CliRun r = run(f);
    assertThat(r.code()).isEqualTo(1);
    r.assertNoStackTrace();
    r.assertCaretAt("unknown.attn", 2, 10);
    assertNoFiles(out());
  }

  @Test
  void fileWithoutKernelsIsE407() throws IOException {
    Path f = tmp.resolve("empty.attn");
    Files.writeString(f, "# no kernels here\n");
    CliRun r = fails(RunErrors.UNKNOWN_KERNEL, f);
    assertThat(r.err()).contains("no kernel");
  }

  @Test
  void missingDslFileIsAnInputError() {
    Path f = tmp.resolve("absent.attn");
    CliRun r = run(f);
    assertThat(r.code()).isEqualTo(1);
    r.assertNoStackTrace();
    assertThat(r.err()).contains(f.toString());
    assertNoFiles(out());
  }

  @Test
  void fileErrorsComeBeforeCommandLineValueErrors() throws IOException {
    // Both the file and --dim are wrong: either diagnostic is fine, but it must be a clean exit 1.
    Path f = tmp.resolve("broken.attn");
    Files.writeString(f, "kernel broken(\n");
    CliRun r = run(f, "--dim", "M=x", "--target", "cuda");
    assertThat(r.code()).isEqualTo(1);
    r.assertNoStackTrace();
    assertNoFiles(out());
  }

  // ---- usage errors: exit 2 ----

  @Test
  void unknownOptionIsAUsageError() {
    CliRun r = run(MHA, "--bogus").assertUsageError();
    assertThat(r.err()).contains("--bogus");
    assertThat(r.err()).contains("--help");
    assertNoFiles(out());
  }

  @Test
  void missingFileArgumentIsAUsageError() {
    CliRun.of("run").assertUsageError();
  }

  @Test
  void nonNumericSeedIsAUsageError() {
    run(MHA, "--seed", "x").assertUsageError();
    assertNoFiles(out());
  }

  @Test
  void missingOptionValueIsAUsageError() {
    CliRun.of("run", MHA, "--dim").assertUsageError();
  }

  @Test
  void noCommandIsAUsageError() {
    CliRun r = CliRun.of().assertUsageError();
    assertThat(r.err()).contains("check, ir, run, tune, schedule, profiles or bench");
  }

  @Test
  void unknownCommandIsAUsageError() {
    CliRun.of("frobnicate", MHA).assertUsageError();
  }

  @Test
  void helpAndVersionSucceed() {
    assertThat(CliRun.of("run", "--help").assertOk().out()).contains("--output-dir");
    assertThat(CliRun.of("--version").assertOk().out()).contains("tessera");
  }
}
