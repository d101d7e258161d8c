package dev.tessera.scheduler.tune;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * What a tuning result holds for: the SHA-256 of the kernel's printed IR (after the pass
 * pipeline), the hardware profile's name, and the shape bucket, each dimension rounded up to a
 * power of two and written {@code D=64,M=128} in name order. Sizes in one bucket share a tuned
 * schedule.
 */
public record TuneKey(String kernelHash, String profile, String bucket) {
  public TuneKey {
    if (!kernelHash.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("kernel hash " + kernelHash);
    if (!profile.matches("[a-z0-9][a-z0-9_-]*")) throw new IllegalArgumentException("profile " + profile);
    if (!bucket.matches("([A-Za-z_][A-Za-z0-9_]*=[0-9]+(,[A-Za-z_][A-Za-z0-9_]*=[0-9]+)*)?")) {
      throw new IllegalArgumentException("bucket " + bucket);
    }
  }

  /** The key of a kernel, given as its printed IR, on {@code profile} at the sizes {@code dims}. */
  public static TuneKey of(String printedIr, String profile, Map<String, Long> dims) {
    return new TuneKey(sha256(printedIr), profile, bucket(dims));
  }

  /** Each dimension rounded up to a power of two, in name order. */
  public static String bucket(Map<String, Long> dims) {
    StringJoiner j = new StringJoiner(",");
    new TreeMap<>(dims).forEach((name, v) -> j.add(name + "=" + roundUpToPowerOfTwo(v)));
    return j.toString();
  }

  static long roundUpToPowerOfTwo(long v) {
    if (v < 1) throw new IllegalArgumentException("dimension " + v);
    return v == 1 ? 1 : Long.highestOneBit(v - 1) << 1;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** A short form for people: the hash's first 12 digits, the profile and the bucket. */
  @Override
  public String toString() {
    return kernelHash.substring(0, 12) + " on " + profile + " at " + (bucket.isEmpty() ? "(no dims)" : bucket);
  }
}
