package dev.tessera.bench;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON records: exact format, escaping, numbers, and the atomic write. */
class JsonRecordsTest {
  @TempDir
  Path tmp;

  private static final List<BenchRecord> TWO = List.of(new BenchRecord("cpu-attention", "mha_n512_d64", "tessera", 12.3456789, 70.0),
      new BenchRecord("cpu-attention", "mha_n512_d64", "onnxruntime", 0.000123456789, 1234567.0));

  @Test
  void formatIsAnArrayOfOneObjectPerLine() {
    assertThat(JsonRecords.format(TWO)).isEqualTo("""
        [
          {"suite": "cpu-attention", "case": "mha_n512_d64", "impl": "tessera", "ms": 12.3457, "gflops": 70},
          {"suite": "cpu-attention", "case": "mha_n512_d64", "impl": "onnxruntime", "ms": 0.000123457, "gflops": 1234570}
        ]
        """);
  }

  @Test
  void emptyIsAnEmptyArray() {
    assertThat(JsonRecords.format(List.of())).isEqualTo("[]\n");
  }

  @Test
  void stringsAreEscaped() {
    assertThat(JsonRecords.string("a\"b\\c\nd\te\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0001\"");
  }

  @Test
  void numbersArePlainWithSixSignificantDigits() {
    assertThat(JsonRecords.number(0)).isEqualTo("0");
    assertThat(JsonRecords.number(1.0)).isEqualTo("1");
    assertThat(JsonRecords.number(2.5e-7)).isEqualTo("0.00000025");
    assertThat(JsonRecords.number(123456789)).isEqualTo("123457000");
    assertThrows(IllegalArgumentException.class, () -> JsonRecords.number(Double.NaN));
  }

  @Test
  void recordsRejectNonFiniteMeasurements() {
    assertThrows(IllegalArgumentException.class, () -> new BenchRecord("s", "c", "i", Double.POSITIVE_INFINITY, 1));
  }

  @Test
  void writeReplacesTheFileAndLeavesNoTemporary() throws IOException {
    Path f = tmp.resolve("out.json");
    Files.writeString(f, "old");
    JsonRecords.write(f, TWO);
    assertThat(Files.readString(f)).isEqualTo(JsonRecords.format(TWO));
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("out.json");
    }
  }
}
