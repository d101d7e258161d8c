package dev.tessera.runtime.npy;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a {@code .npy} file can be rejected, and the diagnostic each produces. */
class NpyMalformedTest {
  private static final String GOOD_DICT =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";

  /** A version 1.0 file with the given dict and {@code dataBytes} zero bytes of data. */
  static byte[] file(String dict, int dataBytes) {
    byte[] header = Header.wrap(dict);
    return Arrays.copyOf(header, header.length + dataBytes);
  }

  static NpyFormatException reject(byte[] bytes) {
    return assertThrows(NpyFormatException.class, () -> Npy.read(bytes, "bad.npy"));
  }

  static NpyFormatException rejectDict(String dict) {
    return reject(file(dict, 8));
  }

  /** Byte offset in a file built by {@link #file} of the first occurrence of {@code text}. */
  static long offsetOf(String dict, String text) {
    return 10 + dict.indexOf(text);
  }

  @Test
  void badMagic() {
    byte[] bytes = file(GOOD_DICT, 8);
    bytes[3] = 'X';
    NpyFormatException e = reject(bytes);
    assertThat(e).hasMessageThat().isEqualTo(
        "bad.npy: header at byte 3: not a .npy file: bad magic string "
            + "(a .npy file starts with \\x93NUMPY)");
    assertThat(e.offset()).isEqualTo(3);
    assertThat(e.source()).isEqualTo("bad.npy");
  }

  @Test
  void notNpyAtAll() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0};
    assertThat(reject(png)).hasMessageThat().contains("bad magic");
  }

  @Test
  void emptyAndTruncatedPrefix() {
    assertThat(reject(new byte[0])).hasMessageThat()
        .contains("truncated header: file has 0 bytes but the fixed header needs 10");
    NpyFormatException e = reject(Arrays.copyOf(file(GOOD_DICT, 8), 7));
    assertThat(e).hasMessageThat().contains("truncated header: file has 7 bytes");
    assertThat(e.offset()).isEqualTo(7);
  }

  @Test
  void truncatedVersion2LengthField() {
    byte[] bytes = Arrays.copyOf(file(GOOD_DICT, 8), 11);
    bytes[6] = 2;
    assertThat(reject(bytes)).hasMessageThat()
        .contains("truncated header: file has 11 bytes but the fixed header needs 12");
  }

  @Test
  void unsupportedVersion() {
    byte[] bytes = file(GOOD_DICT, 8);
    bytes[6] = 4;
    NpyFormatException e = reject(bytes);
    assertThat(e).hasMessageThat().isEqualTo("bad.npy: header at byte 6: unsupported .npy "
        + "format version 4.0 (supported versions are 1.0, 2.0 and 3.0)");
    bytes[6] = 1;
    bytes[7] = 1;
    assertThat(reject(bytes)).hasMessageThat().contains("version 1.1");
  }

  @Test
  void headerLengthBeyondFile() {
    NpyFormatException e = reject(Arrays.copyOf(file(GOOD_DICT, 8), 50));
    assertThat(e).hasMessageThat()
        .contains("header length 118 runs past the end of the file (40 bytes follow");
    assertThat(e.offset()).isEqualTo(8);
  }

  @Test
  void malformedDicts() {
    assertMalformed("['descr']", "unexpected character '['");
    assertMalformed("('descr', 1)", "expected '{' to start the header dict, found '('");
    assertMalformed("{'descr' '<f4'}", "expected ':' after key 'descr', found string '<f4'");
    assertMalformed("{'descr': '<f4}", "unterminated string literal");
    assertMalformed("{'descr': '<f4', 'fortran_order': Flase, 'shape': ()}",
        "unknown name 'Flase': only True, False and None are allowed");
    assertMalformed("{'descr': '<f4', 'shape': (2,)",
        "expected ',' between header dict entries, found end of header");
    assertMalformed("{'descr': '<f4' 'shape': (2,)}", "expected ',' between header dict entries");
    assertMalformed("{'shape': (2 3)}", "expected ',' between tuple items, found '3'");
    assertMalformed("{'shape': (2,,)}", "expected a value, found ','");
    assertMalformed("{descr: '<f4'}", "expected a string key in the header dict, found 'descr'");
    assertMalformed("{3: '<f4'}", "expected a string key");
    assertMalformed(GOOD_DICT + " x", "expected end of header after the header dict, found 'x'");
    assertMalformed("{'shape': (2x,)}", "malformed integer literal");
    assertMalformed("{'a': 1, 'a': 2}", "duplicate key 'a'");
    assertMalformed("{'shape': (-,)}", "expected digits after sign");
  }

  @Test
  void deeplyNestedValuesAreRejectedNotOverflowed() {
    String deep = "(".repeat(100_000);
    assertMalformed("{'shape': " + deep + "}", "values nested more than 64 deep");
  }

  private static void assertMalformed(String dict, String fragment) {
    NpyFormatException e = rejectDict(dict);
    assertThat(e).hasMessageThat().startsWith("bad.npy: header at byte ");
    assertThat(e).hasMessageThat().contains("malformed header: " + fragment);
    assertThat(e).hasMessageThat().contains("(the header must be a Python dict literal");
    assertThat(e.offset()).isAtLeast(10L);
  }

  @Test
  void malformedOffsetPointsAtTheProblem() {
    String dict = "{'descr': '<f4', 'fortran_order': Flase, 'shape': ()}";
    assertThat(rejectDict(dict).offset()).isEqualTo(offsetOf(dict, "Flase"));
  }

  @Test
  void nonAsciiByteInHeader() {
    String dict = "{'descr': '<f4', ?}";
    byte[] bytes = file(dict, 0);
    bytes[(int) offsetOf(dict, "?")] = (byte) 0xe9;
    assertThat(reject(bytes)).hasMessageThat().contains("unexpected character 0xe9");
  }

  @Test
  void missingKeys() {
    NpyFormatException e = rejectDict("{'descr': '<f4', 'fortran_order': False, }");
    assertThat(e).hasMessageThat().contains("header dict is missing key 'shape'");
    assertThat(rejectDict("{}")).hasMessageThat().contains("missing key 'descr'");
  }

  @Test
  void unexpectedKey() {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}";
    NpyFormatException e = rejectDict(dict);
    assertThat(e).hasMessageThat().contains("unexpected key 'extra' in header dict");
  }

  @Test
  void unknownDescrNamesItAndListsSupported() {
    String dict = "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }";
    NpyFormatException e = rejectDict(dict);
    assertThat(e).hasMessageThat().contains("unsupported dtype descr '<c8'");
    assertThat(e).hasMessageThat().contains("(supported: '<f4', '<f8', '<f2', '|i1', '|u1', "
        + "'|b1', '<i4', '<i8', '>f4', '>f8', '>f2', '>i4', '>i8')");
    assertThat(e.offset()).isEqualTo(offsetOf(dict, "'<c8'"));
  }

  @Test
  void structuredDescrIsNotAString() {
    NpyFormatException e =
        rejectDict("{'descr': (1, 2), 'fortran_order': False, 'shape': (1,), }");
    assertThat(e).hasMessageThat().contains("'descr' must be a string, got tuple");
  }

  @Test
  void objectArrays() {
    NpyFormatException e = rejectDict("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }");
    assertThat(e).hasMessageThat().contains("object arrays ('|O') are not supported");
  }

  @Test
  void fortranOrder() {
    String dict = "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }";
    NpyFormatException e = rejectDict(dict);
    long at = offsetOf(dict, "True");
    assertThat(e).hasMessageThat().isEqualTo("bad.npy: header at byte " + at
        + ": 'fortran_order': True is not supported "
        + "(write the array in C order, e.g. numpy.ascontiguousarray)");
    assertThat(e.offset()).isEqualTo(at);
  }

  @Test
  void fortranOrderMustBeBool() {
    assertThat(rejectDict("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }"))
        .hasMessageThat().contains("'fortran_order' must be True or False, got int");
  }

  @Test
  void negativeDimension() {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }";
    NpyFormatException e = rejectDict(dict);
    assertThat(e).hasMessageThat().contains("negative dimension -3 in 'shape'");
    assertThat(e.offset()).isEqualTo(offsetOf(dict, "-3"));
  }

  @Test
  void shapeMustBeATupleOfInts() {
    assertThat(rejectDict("{'descr': '<f4', 'fortran_order': False, 'shape': (2), }"))
        .hasMessageThat().contains("'shape' must be a tuple of ints, got int");
    assertThat(rejectDict("{'descr': '<f4', 'fortran_order': False, 'shape': ((2,),), }"))
        .hasMessageThat().contains("'shape' must be a tuple of ints, found a tuple");
    assertThat(rejectDict("{'descr': '<f4', 'fortran_order': False, 'shape': None, }"))
        .hasMessageThat().contains("got NoneType");
  }

  @Test
  void shapeProductOverflow() {
    NpyFormatException e =
        rejectDict("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 32768), }");
    assertThat(e).hasMessageThat()
        .contains("shape (65536, 32768) has 2147483648 elements, more than the 2147483647");
    assertThat(rejectDict("{'descr': '|i1', 'fortran_order': False, 'shape': (3000000000,), }"))
        .hasMessageThat().contains("dimension 3000000000 in 'shape' is larger than 2147483647");
  }

  @Test
  void zeroDimensionMakesLargeShapeEmpty() throws Exception {
    byte[] bytes = file("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 2147483647), }", 0);
    assertThat(Npy.read(bytes, "ok.npy").size()).isEqualTo(0);
  }

  @Test
  void truncatedData() {
    NpyFormatException e = reject(file(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 20));
    assertThat(e).hasMessageThat().isEqualTo("bad.npy: data at byte 128: data is truncated: "
        + "shape (2, 3) of F32 needs 24 data bytes but the file has 20 after the header "
        + "(the file was cut short)");
    assertThat(e.offset()).isEqualTo(128);
  }

  @Test
  void trailingData() {
    NpyFormatException e = reject(file(GOOD_DICT, 12));
    assertThat(e).hasMessageThat().contains(
        "trailing data: shape (2,) of F32 needs 8 data bytes but the file has 12 after the "
            + "header (4 extra)");
    assertThat(e.offset()).isEqualTo(128 + 8);
  }

  @Test
  void readFromPathUsesPathAsSource(@TempDir Path dir) throws Exception {
    Path p = dir.resolve("cut.npy");
    Files.write(p, "\u0093NUMPY".getBytes(StandardCharsets.ISO_8859_1));
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(p));
    assertThat(e.source()).isEqualTo(p.toString());
    assertThat(e).hasMessageThat().startsWith(p + ": header at byte 6: truncated header");
  }
}
