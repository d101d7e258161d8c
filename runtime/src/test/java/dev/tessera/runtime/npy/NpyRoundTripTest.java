package dev.tessera.runtime.npy;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Writes arrays of every type and shape class and reads them back. */
class NpyRoundTripTest {
  @TempDir Path dir;

  /** Values that every type represents exactly, so a round trip must return them unchanged. */
  private static double[] sample(NpyType type, int n, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = switch (type) {
        case F64 -> r.nextGaussian() * 1e10;
        case F32 -> (float) r.nextGaussian();
        case F16 -> Float.float16ToFloat(Float.floatToFloat16((float) r.nextGaussian()));
        case I8 -> r.nextInt(256) - 128;
        case U8 -> r.nextInt(256);
        case BOOL -> r.nextInt(2);
        case I32 -> r.nextInt();
        case I64 -> (double) (r.nextLong() >> 11);
      };
    }
    return v;
  }

  private static NpyArray roundTrip(NpyArray a) throws NpyFormatException {
    return Npy.read(Npy.toBytes(a), "roundtrip.npy");
  }

  @ParameterizedTest
  @EnumSource(NpyType.class)
  void multiDimensional(NpyType type) throws Exception {
    NpyArray a = new NpyArray(type, new int[] {2, 3, 4}, sample(type, 24, type.ordinal()));
    assertThat(roundTrip(a)).isEqualTo(a);
  }

  @ParameterizedTest
  @EnumSource(NpyType.class)
  void zeroDimensional(NpyType type) throws Exception {
    NpyArray a = new NpyArray(type, new int[] {}, sample(type, 1, 7));
    NpyArray back = roundTrip(a);
    assertThat(back).isEqualTo(a);
    assertThat(back.rank()).isEqualTo(0);
    assertThat(back.size()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(NpyType.class)
  void oneElement(NpyType type) throws Exception {
    NpyArray a = new NpyArray(type, new int[] {1}, new double[] {1});
    assertThat(roundTrip(a)).isEqualTo(a);
  }

  @ParameterizedTest
  @EnumSource(NpyType.class)
  void empty(NpyType type) throws Exception {
    NpyArray a = new NpyArray(type, new int[] {0}, new double[0]);
    NpyArray back = roundTrip(a);
    assertThat(back).isEqualTo(a);
    assertThat(back.shape()).asList().containsExactly(0);
  }

  @ParameterizedTest
  @EnumSource(NpyType.class)
  void throughFile(NpyType type) throws Exception {
    NpyArray a = new NpyArray(type, new int[] {5, 2}, sample(type, 10, 99));
    Path p = dir.resolve(type + ".npy");
    Npy.write(p, a);
    assertThat(Npy.read(p)).isEqualTo(a);
  }

  @Test
  void floatsAreRoundedToTheFileType() throws Exception {
    NpyArray a = new NpyArray(NpyType.F32, new int[] {2}, new double[] {0.1, 1e300});
    assertThat(roundTrip(a).values())
        .usingExactEquality()
        .containsExactly((double) 0.1f, Double.POSITIVE_INFINITY)
        .inOrder();
    NpyArray h = new NpyArray(NpyType.F16, new int[] {2}, new double[] {0.1, 70000});
    assertThat(roundTrip(h).values())
        .usingExactEquality()
        .containsExactly((double) Float.float16ToFloat(Float.floatToFloat16(0.1f)),
            Double.POSITIVE_INFINITY)
        .inOrder();
  }

  @Test
  void nanAndSignedZeroSurvive() throws Exception {
    NpyArray a = new NpyArray(NpyType.F64, new int[] {3}, new double[] {Double.NaN, -0.0, 0.0});
    assertThat(roundTrip(a)).isEqualTo(a);
  }

  @Test
  void integerLimitsRoundTrip() throws Exception {
    NpyArray i32 = new NpyArray(NpyType.I32, new int[] {2},
        new double[] {Integer.MIN_VALUE, Integer.MAX_VALUE});
    NpyArray i64 = new NpyArray(NpyType.I64, new int[] {2}, new double[] {-0x1p63, 0x1p62});
    assertThat(roundTrip(i32)).isEqualTo(i32);
    assertThat(roundTrip(i64)).isEqualTo(i64);
  }

  @Test
  void writingRejectsValuesTheTypeCannotHold() {
    assertRejected(NpyType.I8, 128, "value 128.0 at index 0 cannot be written as I8");
    assertRejected(NpyType.I8, -129, "[-128, 127]");
    assertRejected(NpyType.I8, 1.5, "an integer");
    assertRejected(NpyType.U8, -1, "[0, 255]");
    assertRejected(NpyType.I32, 0x1p31, "I32");
    assertRejected(NpyType.I64, 0x1p63, "I64");
    assertRejected(NpyType.I32, Double.NaN, "NaN");
    assertRejected(NpyType.BOOL, 2, "0 or 1");
    assertRejected(NpyType.BOOL, 0.5, "0 or 1");
  }

  private static void assertRejected(NpyType type, double value, String fragment) {
    NpyArray a = new NpyArray(type, new int[] {1}, new double[] {value});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Npy.toBytes(a));
    assertThat(e).hasMessageThat().contains(fragment);
  }
}
