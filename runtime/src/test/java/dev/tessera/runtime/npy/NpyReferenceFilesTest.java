package dev.tessera.runtime.npy;

import static com.google.common.truth.Truth.assertThat;
import static dev.tessera.runtime.npy.NumpyReference.bytes;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Compares reading and writing against files produced by NumPy itself. */
class NpyReferenceFilesTest {

  static Stream<Arguments> littleEndianFiles() {
    return Stream.of(
        Arguments.of("F32_2X3", NumpyReference.F32_2X3,
            new NpyArray(NpyType.F32, new int[] {2, 3}, new double[] {0, 0.5, 1, 1.5, 2, 2.5})),
        Arguments.of("F64_SCALAR", NumpyReference.F64_SCALAR,
            new NpyArray(NpyType.F64, new int[] {}, new double[] {3.25})),
        Arguments.of("F64_ONE", NumpyReference.F64_ONE,
            new NpyArray(NpyType.F64, new int[] {1}, new double[] {-0.1})),
        Arguments.of("F16_2", NumpyReference.F16_2,
            new NpyArray(NpyType.F16, new int[] {2}, new double[] {1.0, -0.5})),
        Arguments.of("I8_3", NumpyReference.I8_3,
            new NpyArray(NpyType.I8, new int[] {3}, new double[] {-128, 127, 0})),
        Arguments.of("U8_3", NumpyReference.U8_3,
            new NpyArray(NpyType.U8, new int[] {3}, new double[] {0, 255, 7})),
        Arguments.of("BOOL_3", NumpyReference.BOOL_3,
            new NpyArray(NpyType.BOOL, new int[] {3}, new double[] {1, 0, 1})),
        Arguments.of("I32_EMPTY", NumpyReference.I32_EMPTY,
            new NpyArray(NpyType.I32, new int[] {0}, new double[] {})),
        Arguments.of("I32_2X2", NumpyReference.I32_2X2,
            new NpyArray(
                NpyType.I32, new int[] {2, 2}, new double[] {1, -2, 3, Integer.MAX_VALUE})),
        Arguments.of("I64_2", NumpyReference.I64_2,
            new NpyArray(NpyType.I64, new int[] {2}, new double[] {-5, 0x1p40})),
        Arguments.of("I64_16D", NumpyReference.I64_16D,
            new NpyArray(NpyType.I64, ones(16), new double[] {1})),
        Arguments.of("F32_BIG_EMPTY", NumpyReference.F32_BIG_EMPTY,
            new NpyArray(NpyType.F32, new int[] {1234567, 0}, new double[] {})));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("littleEndianFiles")
  void readsNumpyFile(String name, String hex, NpyArray expected) throws Exception {
    assertThat(Npy.read(bytes(hex), name)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("littleEndianFiles")
  void writesSameBytesAsNumpy(String name, String hex, NpyArray array) {
    assertThat(Npy.toBytes(array)).isEqualTo(bytes(hex));
  }

  static Stream<Arguments> bigEndianFiles() {
    return Stream.of(
        Arguments.of("F64_BE", NumpyReference.F64_BE,
            new NpyArray(NpyType.F64, new int[] {2}, new double[] {1.5, -2.0})),
        Arguments.of("F32_BE", NumpyReference.F32_BE,
            new NpyArray(NpyType.F32, new int[] {1}, new double[] {0.25})),
        Arguments.of("F16_BE", NumpyReference.F16_BE,
            new NpyArray(NpyType.F16, new int[] {3}, new double[] {1.0, -0.5, 65504.0})),
        Arguments.of("I32_BE", NumpyReference.I32_BE,
            new NpyArray(NpyType.I32, new int[] {2, 2}, new double[] {1, -2, 3, 4})),
        Arguments.of("I64_BE", NumpyReference.I64_BE,
            new NpyArray(NpyType.I64, new int[] {1}, new double[] {-3})));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bigEndianFiles")
  void readsBigEndianFile(String name, String hex, NpyArray expected) throws Exception {
    assertThat(Npy.read(bytes(hex), name)).isEqualTo(expected);
  }

  @Test
  void readsVersion2And3Headers() throws Exception {
    NpyArray expected = new NpyArray(NpyType.F32, new int[] {2}, new double[] {1, 2});
    assertThat(Npy.read(bytes(NumpyReference.F32_V2), "v2.npy")).isEqualTo(expected);
    assertThat(Npy.read(bytes(NumpyReference.F32_V3), "v3.npy")).isEqualTo(expected);
  }

  @Test
  void headerMatchesNumpyForLargeShapes() {
    assertThat(Header.encode(NpyType.I8, new int[] {100000}))
        .isEqualTo(bytes(NumpyReference.HEADER_I8_100000));
    assertThat(Header.encode(NpyType.F32, new int[] {3, 1000000}))
        .isEqualTo(bytes(NumpyReference.HEADER_F32_3X1000000));
  }

  @Test
  void writtenHeadersAreAlignedTo64Bytes() {
    for (int rank = 0; rank <= 32; rank++) {
      byte[] header = Header.encode(NpyType.F64, ones(rank));
      assertThat(header.length % 64).isEqualTo(0);
      assertThat(header[header.length - 1]).isEqualTo((byte) '\n');
    }
  }

  private static int[] ones(int rank) {
    int[] shape = new int[rank];
    Arrays.fill(shape, 1);
    return shape;
  }
}
