package dev.tessera.runtime.npy;

import static com.google.common.truth.Truth.assertThat;
import static dev.tessera.runtime.npy.NpyMalformedTest.file;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Header dicts that are valid Python literals but not spelled exactly as NumPy writes them. */
class HeaderSyntaxTest {

  private static NpyArray read(String dict, int dataBytes) throws NpyFormatException {
    return Npy.read(file(dict, dataBytes), "ok.npy");
  }

  @Test
  void doubleQuotesAndOtherKeyOrder() throws Exception {
    NpyArray a = read("{\"shape\": (2, 1), \"fortran_order\": False, \"descr\": \"<i4\"}", 8);
    assertThat(a.type()).isEqualTo(NpyType.I32);
    assertThat(a.shape()).asList().containsExactly(2, 1).inOrder();
  }

  @Test
  void whitespaceNewlinesAndNoTrailingComma() throws Exception {
    NpyArray a = read("{\n\t'descr' :'|u1',\r\n 'fortran_order':False,'shape':( 3 , )\n}\n\n", 3);
    assertThat(a.shape()).asList().containsExactly(3);
  }

  @Test
  void trailingCommaInTupleIsOptionalForRankTwo() throws Exception {
    NpyArray a = read("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2,), }", 16);
    assertThat(a.shape()).asList().containsExactly(1, 2).inOrder();
  }

  @Test
  void emptyTupleIsScalar() throws Exception {
    NpyArray a = read("{'descr': '<f2', 'fortran_order': False, 'shape': (), }", 2);
    assertThat(a.rank()).isEqualTo(0);
    assertThat(a.size()).isEqualTo(1);
  }

  @Test
  void python2LongSuffix() throws Exception {
    NpyArray a = read("{'descr': '|b1', 'fortran_order': False, 'shape': (2L, 3L), }", 6);
    assertThat(a.shape()).asList().containsExactly(2, 3).inOrder();
  }

  @Test
  void escapedQuoteInsideString() throws Exception {
    NpyFormatException e = assertThrows(
        NpyFormatException.class,
        () -> read("{'descr': 'it\\'s', 'fortran_order': False, 'shape': (), }", 0));
    assertThat(e).hasMessageThat().contains("unsupported dtype descr 'it's'");
  }

  @Test
  void unaryPlusIsAccepted() throws Exception {
    NpyArray a = read("{'descr': '|i1', 'fortran_order': False, 'shape': (+2,), }", 2);
    assertThat(a.shape()).asList().containsExactly(2);
  }

  @Test
  void parenthesisedValueIsNotATuple() throws Exception {
    NpyArray a = read("{'descr': ('<f4'), 'fortran_order': (False), 'shape': ((1),), }", 4);
    assertThat(a.type()).isEqualTo(NpyType.F32);
  }

  @Test
  void version2HeaderIsWrittenWhenDictIsHuge() throws Exception {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }"
        + " ".repeat(70000);
    byte[] header = Header.wrap(dict);
    assertThat(header[6]).isEqualTo((byte) 2);
    assertThat(header.length % 64).isEqualTo(0);
    byte[] bytes = Arrays.copyOf(header, header.length + 4);
    assertThat(Npy.read(bytes, "v2.npy").size()).isEqualTo(1);
  }

  @Test
  void largestVersion1HeaderStaysVersion1() {
    // 10-byte prefix + 65535-byte header is 65545; the largest 64-aligned total is 65536.
    byte[] header = Header.wrap("x".repeat(65536 - 10 - 2));
    assertThat(header[6]).isEqualTo((byte) 1);
    assertThat(header.length).isEqualTo(65536);
    byte[] bigger = Header.wrap("x".repeat(65536 - 10 - 1));
    assertThat(bigger[6]).isEqualTo((byte) 2);
  }
}
