package dev.tessera.cpu.kernels;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MatMulTest {
  private static final int[] SIZES = {1, 3, 17, 33, 64, 77, 129};
  private static final float GUARD = 1234.5f;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (MatMul impl : new MatMul[] {MatMul.best(), MatMul.scalar()}) {
      for (int m : SIZES) {
        for (int n : SIZES) {
          for (int k : SIZES) {
            out.add(Arguments.of(impl.name(), impl, m, n, k));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} abt m={2} n={3} k={4}")
  @MethodSource("cases")
  void abtMatchesReference(String name, MatMul impl, int m, int n, int k) {
    check(impl, true, false, m, n, k);
  }

  @ParameterizedTest(name = "{0} ab m={2} n={3} k={4}")
  @MethodSource("cases")
  void abMatchesReference(String name, MatMul impl, int m, int n, int k) {
    check(impl, false, false, m, n, k);
  }

  @ParameterizedTest(name = "{0} packed abt m={2} n={3} k={4}")
  @MethodSource("cases")
  void packedAbtMatchesReference(String name, MatMul impl, int m, int n, int k) {
    check(impl, true, true, m, n, k);
  }

  @ParameterizedTest(name = "{0} packed ab m={2} n={3} k={4}")
  @MethodSource("cases")
  void packedAbMatchesReference(String name, MatMul impl, int m, int n, int k) {
    check(impl, false, true, m, n, k);
  }

  /**
   * Panels sit at odd offsets with padded rows; everything outside them must stay untouched. With
   * {@code packed}, B is packed first at an odd offset of a buffer holding NaN, and multiplied from there.
   */
  private static void check(MatMul impl, boolean transposed, boolean packed, int m, int n, int k) {
    SplittableRandom rnd = new SplittableRandom(31L * m + 7L * n + k + (transposed ? 1 : 0));
    int bRows = transposed ? n : k, bCols = transposed ? k : n;
    int lda = k + 5, ldb = bCols + 3, ldc = n + 7;
    int aOff = 11, bOff = 2, cOff = 9;
    float[] a = random(rnd, aOff + m * lda + 4);
    float[] b = random(rnd, bOff + bRows * ldb + 4);
    float alpha = transposed ? 0.125f : 1f;
    for (boolean accumulate : new boolean[] {false, true}) {
      float[] c = new float[cOff + m * ldc + 4];
      java.util.Arrays.fill(c, GUARD);
      float[] c0 = null;
      if (accumulate) {
        c0 = random(rnd, c.length);
        System.arraycopy(c0, 0, c, 0, c.length);
      } else {
        // Overwriting must ignore what was there, even NaN.
        for (int i = 0; i < m; i++) {
          java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
        }
      }
      if (packed) {
        float[] bp = new float[impl.packedSize(n, k) + 13];
        java.util.Arrays.fill(bp, Float.NaN);
        if (transposed) impl.packBt(b, bOff, ldb, n, k, bp, 13);
        else impl.packB(b, bOff, ldb, k, n, bp, 13);
        impl.gemmPacked(a, aOff, lda, bp, 13, c, cOff, ldc, m, n, k, alpha, accumulate);
      } else if (transposed) {
        impl.abt(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, alpha, accumulate);
      } else {
        impl.ab(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, accumulate);
      }
      for (int idx = 0; idx < c.length; idx++) {
        int rel = idx - cOff, i = Math.floorDiv(rel, ldc), j = Math.floorMod(rel, ldc);
        float before = accumulate ? c0[idx] : GUARD;
        if (rel < 0 || i >= m || j >= n) {
          assertWithMessage("outside C at %s", idx).that(c[idx]).isEqualTo(before);
          continue;
        }
        double sum = 0, mag = 0;
        for (int p = 0; p < k; p++) {
          double bv = transposed ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          double prod = (double) a[aOff + i * lda + p] * bv;
          sum += prod;
          mag += Math.abs(prod);
        }
        double want = alpha * sum + (accumulate ? before : 0);
        double scale = Math.abs(alpha) * mag + (accumulate ? Math.abs(before) : 0);
        assertWithMessage("%s C[%s,%s] accumulate=%s", impl.name(), i, j, accumulate)
            .that((double) c[idx]).isWithin(1e-5 * k * Math.max(scale, 1e-30)).of(want);
      }
    }
  }

  private static float[] random(SplittableRandom rnd, int len) {
    float[] x = new float[len];
    for (int i = 0; i < len; i++) {
      x[i] = (float) rnd.nextDouble(-1, 1);
    }
    return x;
  }

  @Test
  void scaleRowsScalesOnlyThePanel() {
    for (MatMul impl : new MatMul[] {MatMul.best(), MatMul.scalar()}) {
      for (int n : SIZES) {
        int m = 5, ldc = n + 3, cOff = 4;
        float[] c = new float[cOff + m * ldc + 2];
        for (int i = 0; i < c.length; i++) {
          c[i] = i + 1;
        }
        float[] f = {9f, 0.5f, 2f, -1f, 0f, 3f, 7f};
        impl.scaleRows(c, cOff, ldc, m, n, f, 1);
        for (int idx = 0; idx < c.length; idx++) {
          int rel = idx - cOff, i = Math.floorDiv(rel, ldc), j = Math.floorMod(rel, ldc);
          boolean inside = rel >= 0 && i < m && j < n;
          float want = inside ? (idx + 1) * f[1 + i] : idx + 1;
          assertWithMessage("%s n=%s idx=%s", impl.name(), n, idx).that(c[idx]).isEqualTo(want);
        }
      }
    }
  }

  @Test
  void scaleRowsIntoWritesOnlyTheDestinationPanel() {
    for (MatMul impl : new MatMul[] {MatMul.best(), MatMul.scalar()}) {
      for (int n : SIZES) {
        int m = 5, lds = n + 2, ldd = n + 3, sOff = 3, dOff = 4;
        float[] s = new float[sOff + m * lds + 1];
        for (int i = 0; i < s.length; i++) s[i] = i + 1;
        float[] d = new float[dOff + m * ldd + 2];
        java.util.Arrays.fill(d, -7f);
        float[] f = {9f, 0.5f, 1f, -1f, 0f, 3f, 7f};
        impl.scaleRowsInto(s, sOff, lds, d, dOff, ldd, m, n, f, 1);
        for (int idx = 0; idx < d.length; idx++) {
          int rel = idx - dOff, i = Math.floorDiv(rel, ldd), j = Math.floorMod(rel, ldd);
          boolean inside = rel >= 0 && i < m && j < n;
          float want = inside ? s[sOff + i * lds + j] * f[1 + i] : -7f;
          assertWithMessage("%s n=%s idx=%s", impl.name(), n, idx).that(d[idx]).isEqualTo(want);
        }
      }
    }
  }

  @Test
  void bestIsTheVectorImplementationWhenTheModuleIsPresent() {
    assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()).isTrue();
    assertThat(MatMul.best().name()).startsWith("vector-");
    assertThat(MatMul.scalar().name()).isEqualTo("scalar");
  }

  @Test
  void bestFallsBackToScalarWithoutTheModule() throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        BestProbe.class.getName()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor()).isEqualTo(0);
    assertThat(out).isEqualTo("scalar 70.0");
  }

  @Test
  void rejectsPanelsThatDoNotFit() {
    for (MatMul impl : new MatMul[] {MatMul.best(), MatMul.scalar()}) {
      float[] x = new float[16];
      assertThrows(IndexOutOfBoundsException.class,
          () -> impl.ab(x, 0, 4, x, 0, 4, new float[16], 1, 4, 4, 4, 4, false));
      assertThrows(IllegalArgumentException.class,
          () -> impl.abt(x, 0, 3, x, 0, 4, new float[16], 0, 4, 4, 4, 4, 1f, false));
      assertThrows(IllegalArgumentException.class,
          () -> impl.scaleRows(x, 0, 4, 0, 4, x, 0));
      assertThrows(IndexOutOfBoundsException.class,
          () -> impl.scaleRowsInto(x, 0, 4, new float[4], 0, 4, 2, 4, x, 0));
      assertThrows(IllegalArgumentException.class,
          () -> impl.scaleRowsInto(x, 0, 4, new float[16], 0, 3, 2, 4, x, 0));
    }
  }
}
