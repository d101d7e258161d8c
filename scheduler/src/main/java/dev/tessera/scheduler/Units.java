package dev.tessera.scheduler;

import java.util.Locale;

/** Sizes in the words of error messages. */
final class Units {
  private static final String[] BINARY = {"bytes", "KiB", "MiB", "GiB", "TiB"};

  private Units() {}

  /** {@code 57344} → {@code 56 KiB}; {@code 1258291} → {@code 1.2 MiB}; under 1 KiB in bytes. */
  static String bytes(long b) {
    double v = b;
    int u = 0;
    while (v >= 1024 && u < BINARY.length - 1) {
      v /= 1024;
      u++;
    }
    if (u == 0) return b + " bytes";
    String n = v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    return n + " " + BINARY[u];
  }
}
