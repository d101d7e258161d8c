package dev.tessera.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes benchmark records as a JSON array, one object per line:
 * {@code {"suite": "cpu-attention", "case": "mha_n512_d64", "impl": "tessera", "ms": 1.234, "gflops": 56.78}}.
 * Numbers keep six significant digits. The file is written beside its final name and moved into place, so a reader
 * never sees a partial file.
 */
public final class JsonRecords {
  private JsonRecords() {}

  /** The JSON text of the records, ending with a newline. */
  public static String format(List<BenchRecord> records) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < records.size(); i++) {
      BenchRecord r = records.get(i);
      sb.append(i == 0 ? "\n  " : ",\n  ");
      sb.append("{\"suite\": ").append(string(r.suite())).append(", \"case\": ").append(string(r.caseName()))
          .append(", \"impl\": ").append(string(r.impl())).append(", \"ms\": ").append(number(r.ms()))
          .append(", \"gflops\": ").append(number(r.gflops())).append('}');
    }
    return sb.append(records.isEmpty() ? "]\n" : "\n]\n").toString();
  }

  /** Writes the records to {@code file} atomically (temporary file in the same directory, then a move). */
  public static void write(Path file, List<BenchRecord> records) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, format(records), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static String string(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }

  /** Six significant digits, plain notation (JSON has no NaN or infinity; records hold finite values). */
  static String number(double v) {
    if (!Double.isFinite(v)) throw new IllegalArgumentException("JSON has no " + v);
    if (v == 0) return "0";
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }
}
