package dev.tessera.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Sources;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.TensorDecl;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Seeded generation of missing inputs: deterministic, per-name streams, ranges and types honoured. */
class InputGeneratorTest {
  private static final int[] SHAPE = {4, 25, 40};
  private static final int COUNT = 4 * 25 * 40;

  private static TensorDecl decl(String name, ElemType type, Double low, Double high) {
    Optional<TensorDecl.ValueRange> range = low == null ? Optional.empty() : Optional.of(new TensorDecl.ValueRange(low, high));
    return new TensorDecl(name, type, List.of(), TensorDecl.Role.INPUT, range);
  }

  private static double[] gen(TensorDecl t, long seed) {
    DenseTensor d = InputGenerator.generate(t, SHAPE, seed);
    assertThat(d.shape()).isEqualTo(SHAPE);
    assertThat(d.size()).isEqualTo(COUNT);
    return d.data();
  }

  private static Set<Double> distinct(double[] v) {
    Set<Double> s = new TreeSet<>();
    for (double x : v) s.add(x);
    return s;
  }

  // ---- determinism ----

  @Test
  void sameSeedSameValues() {
    TensorDecl q = decl("Q", ElemType.F32, null, null);
    assertArrayEquals(gen(q, 7), gen(q, 7));
  }

  @Test
  void differentSeedsDifferentValues() {
    TensorDecl q = decl("Q", ElemType.F32, null, null);
    assertThat(Arrays.equals(gen(q, 0), gen(q, 1))).isFalse();
    assertThat(Arrays.equals(gen(q, 1), gen(q, 2))).isFalse();
  }

  @Test
  void differentNamesDifferentValues() {
    assertThat(Arrays.equals(gen(decl("Q", ElemType.F32, null, null), 0), gen(decl("K", ElemType.F32, null, null), 0))).isFalse();
  }

  @Test
  void valuesDependOnTheNameNotOnTheShape() {
    TensorDecl v = decl("V", ElemType.F32, null, null);
    double[] small = InputGenerator.generate(v, new int[] {10}, 3).data();
    double[] large = InputGenerator.generate(v, new int[] {2, 10}, 3).data();
    assertArrayEquals(small, Arrays.copyOf(large, 10));
  }

  // ---- distributions and ranges ----

  @Test
  void noRangeGivesUnitScaleNormalValues() {
    double[] v = gen(decl("Q", ElemType.F32, null, null), 0);
    double mean = Arrays.stream(v).average().orElseThrow();
    double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
    assertThat(mean).isWithin(0.1).of(0);
    assertThat(Math.sqrt(var)).isWithin(0.1).of(1);
    assertThat(Arrays.stream(v).anyMatch(x -> x < 0)).isTrue();
    assertThat(Arrays.stream(v).anyMatch(x -> x > 0)).isTrue();
  }

  @Test
  void boundedRangeIsHonoured() {
    double[] v = gen(decl("a", ElemType.F32, -1.0, 0.0), 0);
    for (double x : v) {
      assertThat(x).isAtLeast(-1.0);
      assertThat(x).isLessThan(0.0);
    }
    // Spread over the interval, not stuck at one end.
    assertThat(Arrays.stream(v).min().orElseThrow()).isLessThan(-0.9);
    assertThat(Arrays.stream(v).max().orElseThrow()).isGreaterThan(-0.1);
  }

  @Test
  void narrowRangeIsHonoured() {
    double[] v = gen(decl("gamma", ElemType.F32, 0.5, 0.999), 11);
    for (double x : v) assertThat(x).isIn(com.google.common.collect.Range.closed(0.5, 0.999));
  }

  @Test
  void halfOpenRangesAreHonoured() {
    double[] neg = gen(decl("g", ElemType.F32, Double.NEGATIVE_INFINITY, 0.0), 0);
    for (double x : neg) assertThat(x).isAtMost(0.0);
    assertThat(Arrays.stream(neg).min().orElseThrow()).isLessThan(-1.0);
    double[] pos = gen(decl("s", ElemType.F32, 2.0, Double.POSITIVE_INFINITY), 0);
    for (double x : pos) assertThat(x).isAtLeast(2.0);
    assertThat(Arrays.stream(pos).max().orElseThrow()).isGreaterThan(3.0);
  }

  @Test
  void degenerateRangeGivesTheConstant() {
    assertThat(distinct(gen(decl("c", ElemType.F32, 0.25, 0.25), 0))).containsExactly(0.25);
  }

  @Test
  void lowPrecisionTypesHoldRoundedValuesWithinTheRange() {
    for (ElemType t : new ElemType[] {ElemType.F16, ElemType.BF16}) {
      double[] v = gen(decl("x", t, -1.0, 0.0), 0);
      for (double x : v) {
        assertThat(StorageTypes.round(t, x)).isEqualTo(x);
        // Rounding may reach either end of the interval, never beyond it.
        assertThat(x).isAtLeast(-1.0);
        assertThat(x).isAtMost(0.0);
      }
      double[] n = gen(decl("y", t, null, null), 0);
      for (double x : n) assertThat(StorageTypes.round(t, x)).isEqualTo(x);
    }
  }

  @Test
  void f32ValuesAreFloats() {
    for (double x : gen(decl("Q", ElemType.F32, null, null), 0)) assertThat((double) (float) x).isEqualTo(x);
  }

  @Test
  void i8RangeGivesIntegersCoveringTheRange() {
    double[] v = gen(decl("blocks", ElemType.I8, 0.0, 1.0), 0);
    assertThat(distinct(v)).containsExactly(0.0, 1.0);
    double[] w = gen(decl("idx", ElemType.I8, -2.0, 5.0), 0);
    assertThat(distinct(w)).containsExactly(-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0);
  }

  @Test
  void i8FractionalRangeBoundsGiveTheIntegersInside() {
    assertThat(distinct(gen(decl("i", ElemType.I8, -1.5, 2.5), 0))).containsExactly(-1.0, 0.0, 1.0, 2.0);
  }

  @Test
  void i8RangeIsClampedToTheType() {
    double[] v = gen(decl("i", ElemType.I8, -1000.0, 1000.0), 0);
    for (double x : v) {
      assertThat(x).isAtLeast(-128.0);
      assertThat(x).isAtMost(127.0);
      assertThat(StorageTypes.representable(ElemType.I8, x)).isTrue();
    }
  }

  @Test
  void i8WithoutRangeGivesSmallIntegers() {
    double[] v = gen(decl("i", ElemType.I8, null, null), 0);
    for (double x : v) {
      assertThat(x).isEqualTo(Math.rint(x));
      assertThat(Math.abs(x)).isAtMost(127.0);
    }
    assertThat(distinct(v).size()).isGreaterThan(2);
  }

  @Test
  void boolGivesZerosAndOnes() {
    double[] v = gen(decl("mask", ElemType.BOOL, null, null), 0);
    assertThat(distinct(v)).containsExactly(0.0, 1.0);
    long ones = Arrays.stream(v).filter(x -> x == 1).count();
    assertThat((double) ones / v.length).isWithin(0.1).of(0.5);
  }

  // ---- through Inputs.prepare, as the CLI uses it ----

  private static Frontend.Compiled compile(String text) throws CompileException {
    return Frontend.compile(new Sources(), "t.attn", text);
  }

  private static Inputs.Prepared prepare(String text, long seed) throws CompileException {
    Frontend.Compiled c = compile(text);
    Kernel k = c.module().kernels().get(0);
    return Inputs.prepare(k, c.sourceMap(), Map.of(), Map.of(), seed);
  }

  @Test
  void renamingOneInputLeavesTheOthersUnchanged() throws CompileException {
    String before = """
        kernel k(A: f32[N], B: f32[N], C: f32[N]) -> (O: f32[N]) defaults(N = 50) {
          O[n] = A[n] + B[n] + C[n]
        }
        """;
    String after = before.replace("A: f32[N]", "Renamed: f32[N]").replace("A[n]", "Renamed[n]");
    Inputs.Prepared p = prepare(before, 5);
    Inputs.Prepared q = prepare(after, 5);
    assertArrayEquals(p.inputs().get("B").data(), q.inputs().get("B").data());
    assertArrayEquals(p.inputs().get("C").data(), q.inputs().get("C").data());
    assertThat(Arrays.equals(p.inputs().get("A").data(), q.inputs().get("Renamed").data())).isFalse();
  }

  @Test
  void addingAnInputLeavesTheOthersUnchanged() throws CompileException {
    String two = """
        kernel k(A: f32[N], B: f32[N]) -> (O: f32[N]) defaults(N = 50) {
          O[n] = A[n] + B[n]
        }
        """;
    String three = """
        kernel k(Z: f32[N], A: f32[N], X: f32[N], B: f32[N]) -> (O: f32[N]) defaults(N = 50) {
          O[n] = A[n] + B[n] + Z[n] + X[n]
        }
        """;
    Inputs.Prepared p = prepare(two, 9);
    Inputs.Prepared q = prepare(three, 9);
    assertArrayEquals(p.inputs().get("A").data(), q.inputs().get("A").data());
    assertArrayEquals(p.inputs().get("B").data(), q.inputs().get("B").data());
  }

  @Test
  void declaredRangesInTheDslAreHonoured() throws CompileException {
    String text = """
        kernel k(a: f32[N] in (-1, 0), m: bool[N], b: i8[N] in (0, 1), h: bf16[N] in (0, 1)) -> (O: f32[N]) defaults(N = 500) {
          O[n] = a[n] + select(m[n], 1.0, 0.0) + b[n] + h[n]
        }
        """;
    Inputs.Prepared p = prepare(text, 0);
    for (double x : p.inputs().get("a").data()) {
      assertThat(x).isAtLeast(-1.0);
      assertThat(x).isLessThan(0.0);
    }
    assertThat(distinct(p.inputs().get("m").data())).containsExactly(0.0, 1.0);
    assertThat(distinct(p.inputs().get("b").data())).containsExactly(0.0, 1.0);
    for (double x : p.inputs().get("h").data()) {
      assertThat(x).isAtLeast(0.0);
      assertThat(x).isAtMost(1.0);
      assertThat((double) StorageTypes.bf16((float) x)).isEqualTo(x);
    }
  }

  @Test
  void generatedShapesFollowTheBoundDimensions() throws CompileException {
    Inputs.Prepared p = prepare("""
        kernel k(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N]) defaults(M = 3, K = 4, N = 5) {
          C[m, n] = sum[k] A[m, k] * B[k, n]
        }
        """, 0);
    assertThat(p.inputs().get("A").shape()).isEqualTo(new int[] {3, 4});
    assertThat(p.inputs().get("B").shape()).isEqualTo(new int[] {4, 5});
    assertThat(p.dims()).containsExactly("M", 3L, "K", 4L, "N", 5L);
  }

  /** The zoo's contract: the gated inputs a and g are non-positive, gamma lies in (0, 1). */
  @Test
  void zooGatedInputsHaveTheirPromisedRanges() throws Exception {
    Map<String, String> files = Map.of("mamba2_ssd.attn", "a", "gla.attn", "g", "retnet_parallel.attn", "gamma",
        "retnet_recurrent.attn", "gamma", "alibi.attn", "slopes", "diff.attn", "lam");
    for (Map.Entry<String, String> e : files.entrySet()) {
      Path file = Path.of("..", "examples", "attention", e.getKey());
      Frontend.Compiled c = Frontend.compile(new Sources(), file);
      Kernel k = c.module().kernels().get(0);
      Inputs.Prepared p = Inputs.prepare(k, c.sourceMap(), Map.of(), Map.of("T", 16L, "M", 16L, "N", 16L, "D", 4L, "E", 4L)
          .entrySet().stream().filter(d -> k.dims().contains(d.getKey()))
          .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), 0);
      double[] v = p.inputs().get(e.getValue()).data();
      assertThat(v.length).isGreaterThan(0);
      for (double x : v) {
        if (e.getValue().equals("a") || e.getValue().equals("g")) {
          assertThat(x).isAtMost(0.0);
        } else {
          assertThat(x).isGreaterThan(0.0);
          assertThat(x).isLessThan(1.0);
        }
      }
    }
  }

  @Test
  void givenArraysAreConvertedToTheStorageType() throws CompileException {
    Frontend.Compiled c = compile("""
        kernel k(A: bf16[N], I: i8[N], F: bool[N]) -> (O: f32[N]) {
          O[n] = A[n] + I[n] + select(F[n], 1.0, 0.0)
        }
        """);
    Kernel k = c.module().kernels().get(0);
    var a = new dev.tessera.runtime.npy.NpyArray(dev.tessera.runtime.npy.NpyType.F32, new int[] {3}, new double[] {1 + 0x1p-8, 0.1, -2});
    var i = new dev.tessera.runtime.npy.NpyArray(dev.tessera.runtime.npy.NpyType.F32, new int[] {3}, new double[] {-128, 0, 127});
    var f = new dev.tessera.runtime.npy.NpyArray(dev.tessera.runtime.npy.NpyType.I8, new int[] {3}, new double[] {0, 5, -1});
    Inputs.Prepared p = Inputs.prepare(k, c.sourceMap(), Map.of("A", a, "I", i, "F", f), Map.of(), 0);
    assertThat(p.inputs().get("A").data()).usingExactEquality().containsExactly(1.0, (double) StorageTypes.bf16(0.1f), -2.0).inOrder();
    assertThat(p.inputs().get("I").data()).usingExactEquality().containsExactly(-128.0, 0.0, 127.0).inOrder();
    assertThat(p.inputs().get("F").data()).usingExactEquality().containsExactly(0.0, 1.0, 1.0).inOrder();
  }

  @Test
  void fractionalValuesForAnI8InputAreRejected() throws CompileException {
    Frontend.Compiled c = compile("""
        kernel k(I: i8[N]) -> (O: f32[N]) {
          O[n] = I[n]
        }
        """);
    Kernel k = c.module().kernels().get(0);
    var i = new dev.tessera.runtime.npy.NpyArray(dev.tessera.runtime.npy.NpyType.F32, new int[] {2}, new double[] {1, 2.5});
    CompileException e = org.junit.jupiter.api.Assertions.assertThrows(CompileException.class,
        () -> Inputs.prepare(k, c.sourceMap(), Map.of("I", i), Map.of(), 0));
    assertThat(e.diagnostics().get(0).code()).isEqualTo(RunErrors.BAD_VALUE);
    assertThat(e.diagnostics().get(0).message()).contains("2.5");
    assertThat(e.diagnostics().get(0).span().line()).isEqualTo(1);
  }

  @Test
  void dimensionsTooLargeForOneTensorAreADiagnostic() throws CompileException {
    Frontend.Compiled c = compile("""
        kernel k(A: f32[M, K]) -> (O: f32[M]) {
          O[m] = sum[k] A[m, k]
        }
        """);
    Kernel k = c.module().kernels().get(0);
    CompileException e = org.junit.jupiter.api.Assertions.assertThrows(CompileException.class,
        () -> Inputs.prepare(k, c.sourceMap(), Map.of(), Map.of("M", 100_000L, "K", 100_000L), 0));
    assertThat(e.diagnostics().get(0).code()).isEqualTo(RunErrors.BAD_DIM);
    assertThat(e.diagnostics().get(0).message()).contains("'A'");
    assertThat(e.diagnostics().get(0).message()).contains("10000000000");
  }
}
