package dev.tessera.runtime.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0). */
public final class Npy {
  private static final int TEMP_NAME_ATTEMPTS = 100;
  // The JVM cannot allocate arrays quite as long as Integer.MAX_VALUE.
  private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

  private Npy() {}

  /** Reads a whole {@code .npy} file; diagnostics name the file by {@code p.toString()}. */
  public static NpyArray read(Path p) throws NpyFormatException, IOException {
    return read(Files.readAllBytes(p), p.toString());
  }

  /** Parses {@code .npy} bytes; {@code sourceName} labels diagnostics. */
  public static NpyArray read(byte[] bytes, String sourceName) throws NpyFormatException {
    Header h = Header.parse(bytes, sourceName);
    int count = (int) NpyArray.elementCount(h.shape());
    checkDataLength(h, count, bytes.length, sourceName);
    ByteBuffer data = ByteBuffer.wrap(bytes, h.dataOffset(), bytes.length - h.dataOffset())
        .slice()
        .order(h.order());
    double[] values = new double[count];
    for (int i = 0; i < count; i++) {
      values[i] = decode(h.type(), data);
    }
    return new NpyArray(h.type(), h.shape(), values);
  }

  private static void checkDataLength(Header h, int count, int fileLength, String source)
      throws NpyFormatException {
    long expected = (long) count * h.type().itemSize();
    long actual = fileLength - h.dataOffset();
    String what = "shape " + Header.pythonShape(h.shape()) + " of " + h.type() + " needs "
        + expected + " data bytes but the file has " + actual + " after the header";
    if (actual < expected) {
      throw new NpyFormatException(source, "data", h.dataOffset(),
          "data is truncated: " + what, "the file was cut short");
    }
    if (actual > expected) {
      throw new NpyFormatException(source, "data", h.dataOffset() + expected,
          "trailing data: " + what + " (" + (actual - expected) + " extra)",
          "a .npy file holds exactly one array; the file may be corrupt or concatenated");
    }
  }

  private static double decode(NpyType type, ByteBuffer b) {
    return switch (type) {
      case F32 -> b.getFloat();
      case F64 -> b.getDouble();
      case F16 -> Float.float16ToFloat(b.getShort());
      case I8 -> b.get();
      case U8 -> Byte.toUnsignedInt(b.get());
      // NumPy treats any nonzero byte as True.
      case BOOL -> b.get() == 0 ? 0 : 1;
      case I32 -> b.getInt();
      // Values beyond 2^53 round to the nearest double.
      case I64 -> b.getLong();
    };
  }

  /** The little-endian {@code .npy} bytes for {@code a}, exactly as {@code np.save} writes. */
  public static byte[] toBytes(NpyArray a) {
    byte[] header = Header.encode(a.type(), a.shape());
    long length = header.length + (long) a.size() * a.type().itemSize();
    if (length > MAX_ARRAY_BYTES) {
      throw new IllegalArgumentException(
          "array of " + a.size() + " " + a.type() + " values is too large for one byte[]");
    }
    ByteBuffer out = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(header);
    double[] values = a.values();
    for (int i = 0; i < values.length; i++) {
      encode(a.type(), values[i], i, out);
    }
    return out.array();
  }

  private static void encode(NpyType type, double v, int index, ByteBuffer out) {
    switch (type) {
      case F32 -> out.putFloat((float) v);
      case F64 -> out.putDouble(v);
      // Rounds via float; that double rounding can differ from NumPy's direct f8->f2 cast in rare
      // ties, but never for values that came from f2 or f4 in the first place.
      case F16 -> out.putShort(Float.floatToFloat16((float) v));
      case I8 -> out.put((byte) integral(v, -0x1p7, 0x1p7, type, index));
      case U8 -> out.put((byte) integral(v, 0, 0x1p8, type, index));
      case I32 -> out.putInt((int) integral(v, -0x1p31, 0x1p31, type, index));
      case I64 -> out.putLong(integral(v, -0x1p63, 0x1p63, type, index));
      case BOOL -> out.put((byte) integral(v, 0, 2, type, index));
    }
  }

  /** Checks {@code min <= v < limit} and that v is a whole number; the bounds are exact doubles. */
  private static long integral(double v, double min, double limit, NpyType type, int index) {
    if (!(v >= min && v < limit) || v != Math.rint(v)) {
      throw new IllegalArgumentException(String.format(
          "value %s at index %d cannot be written as %s: expected %s in [%d, %d]",
          v, index, type, type == NpyType.BOOL ? "0 or 1" : "an integer",
          (long) min, (long) limit - 1));
    }
    return (long) v;
  }

  /**
   * Writes {@code a} to {@code p} atomically: the bytes go to a temporary file in the same
   * directory, which is then renamed over {@code p}, so readers never see a partial file and a
   * failed write leaves nothing behind.
   */
  public static void write(Path p, NpyArray a) throws IOException {
    byte[] bytes = toBytes(a);
    Path target = p.toAbsolutePath();
    Path tmp = createTemp(target);
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (Throwable t) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException cleanup) {
        t.addSuppressed(cleanup);
      }
      throw t;
    }
  }

  /**
   * Creates an empty, uniquely named sibling of {@code target}. Not Files.createTempFile: that
   * makes owner-only (0600) files, and the rename would carry those permissions to the result.
   */
  private static Path createTemp(Path target) throws IOException {
    String base = "." + target.getFileName() + ".";
    for (int attempt = 0; ; attempt++) {
      Path tmp = target.resolveSibling(
          base + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
      try {
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return tmp;
      } catch (FileAlreadyExistsException e) {
        if (attempt == TEMP_NAME_ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
